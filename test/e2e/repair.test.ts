// racelab repair as a trainee uses it: oct-2025 leaves the embedded lab in the
// outage, the command (a child process, through the environment `racelab up`
// prints) repairs it, DNS answers again, and the automation applies the next plan.
import { promises as dns } from 'node:dns';
import { afterAll, describe, expect, it } from 'vitest';
import { runEnactor } from '../../lambdas/core/enactor.ts';
import { makeRecorder } from '../../lambdas/core/events.ts';
import { writePlans } from '../../lambdas/core/planner.ts';
import { SafeguardSet } from '../../lambdas/core/safeguards/index.ts';
import { endpointName } from '../../lambdas/core/dns-tree.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { labSettings } from '../../scenario/schedule.ts';
import { racelab } from '../support/racelab-cli.ts';

let lab: EmbeddedLab | undefined;
afterAll(() => lab?.close());

describe('racelab repair on the embedded target', () => {
  it('repairs the outage oct-2025 leaves, a second run changes nothing, and the automation applies the next plan', async () => {
    lab = await startEmbeddedLab();
    const scenario = await loadScenario('oct-2025');
    await runScenarioEmbedded(lab, scenario, { runId: 'e2e-repair', safeguards: [] });
    const resolver = new dns.Resolver();
    resolver.setServers([lab.config.dnsServer!]);
    const names = scenario.endpoints.map((endpoint) => endpointName(endpoint, lab!.zone));
    for (const name of names) await expect(resolver.resolve4(name)).rejects.toMatchObject({ code: 'ENODATA' });

    const dryRun = await racelab(['repair', '--dry-run', '--json'], lab.environment);
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ applied: false, dryRun: true, plan: { generation: 7, source: 'row' } });
    for (const name of names) await expect(resolver.resolve4(name)).rejects.toMatchObject({ code: 'ENODATA' });

    const first = await racelab(['repair'], lab.environment);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('dynamodb.us-east-1: g2 (its tree is gone: answers nothing) → g7');
    expect(first.stdout).toContain('checked: a second repair finds nothing to change');
    for (const name of names) expect(await resolver.resolve4(name)).not.toEqual([]);

    const second = await racelab(['repair', '--json'], lab.environment);
    expect(JSON.parse(second.stdout)).toMatchObject({ applied: false, endpoints: scenario.endpoints.map(() => ({ changes: [] })) });

    // The automation is no longer stuck: the Planner's next plan goes out everywhere.
    const deps = lab.deps();
    const settings = labSettings(scenario);
    const record = makeRecorder(deps.events, deps.clock, 'e2e-repair', 'planner');
    const [next] = await writePlans({ store: deps.store, clock: deps.clock, record }, settings, 1);
    const ctx = { enactor: 'az-c', zone: lab.zone, store: deps.store, dns: deps.dns, clock: deps.clock, record, safeguards: new SafeguardSet(), policy: settings.policy, faults: [] };
    expect((await runEnactor(ctx)).status).toBe('cleaned');
    const applied = (await deps.events.list('e2e-repair')).filter((event) => event.outcome === 'applied' && event.generation === next);
    expect(applied.map((event) => event.endpoint)).toEqual(scenario.endpoints);
  });

  it('refuses to run on the local target without the environment racelab up prints, naming what is missing', async () => {
    const { code, stderr } = await racelab(['repair'], { AWS_ENDPOINT_URL_ROUTE_53: '', AWS_ENDPOINT_URL_DYNAMODB: '', PLANS_TABLE: '', HOSTED_ZONE_ID: '', ZONE_NAME: '' });
    expect(code).toBe(2);
    expect(stderr).toContain('missing: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_ROUTE_53, PLANS_TABLE, HOSTED_ZONE_ID, ZONE_NAME');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
