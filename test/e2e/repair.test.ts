// racelab repair as a trainee uses it: oct-2025 leaves the embedded lab in the
// outage, the command (a child process, through the environment `racelab up`
// prints) repairs it, DNS answers again, and the automation applies the next plan.
import { promises as dns } from 'node:dns';
import { afterAll, describe, expect, it } from 'vitest';
import { runEnactor } from '../../lambdas/core/enactor.ts';
import { makeRecorder } from '../../lambdas/core/events.ts';
import { writePlans } from '../../lambdas/core/planner.ts';
import { SafeguardSet } from '../../lambdas/core/safeguards/index.ts';
import { endpointName, lockName, lockRecord, planTreeName, planTreeRecords } from '../../lambdas/core/dns-tree.ts';
import { documentClient } from '../../lambdas/adapters/dynamodb-clients.ts';
import { clearPlansTable } from '../../targets/reset-lab.ts';
import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION, startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { labSettings } from '../../scenario/schedule.ts';
import { racelab } from '../support/racelab-cli.ts';

let lab: EmbeddedLab | undefined;
let lost: EmbeddedLab | undefined;
afterAll(async () => {
  await lab?.close();
  await lost?.close();
});

/** The Planner writes its next plan and an Enactor applies it to every endpoint: the automation goes on. Returns its generation. */
async function nextPlanGoesOut(served: EmbeddedLab, scenario: Scenario, runId: string): Promise<number> {
  const deps = served.deps();
  const settings = labSettings(scenario);
  const record = makeRecorder(deps.events, deps.clock, runId, 'planner');
  const [next] = (await writePlans({ store: deps.store, clock: deps.clock, record, killSwitch: deps.killSwitch }, settings, 1)) as [number];
  const ctx = {
    enactor: 'az-c',
    zone: served.zone,
    store: deps.store,
    dns: deps.dns,
    clock: deps.clock,
    record,
    killSwitch: deps.killSwitch,
    safeguards: new SafeguardSet(),
    policy: settings.policy,
    faults: [],
  };
  expect((await runEnactor(ctx)).status).toBe('cleaned');
  const applied = (await deps.events.list(runId)).filter((event) => event.outcome === 'applied' && event.generation === next);
  expect(applied.map((event) => event.endpoint)).toEqual(scenario.endpoints);
  return next;
}

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
    await nextPlanGoesOut(lab, scenario, 'e2e-repair');
  });

  it("after the plans table is lost, with a stale lock and a stray tree: repairs the lab's endpoints only, and the Planner goes on past every generation left", async () => {
    lost = await startEmbeddedLab();
    const scenario = await loadScenario('oct-2025');
    await runScenarioEmbedded(lost, scenario, { runId: 'e2e-repair-lost', safeguards: [] });
    const deps = lost.deps();
    const client = documentClient({ endpoint: lost.endpoints.dynamodb, region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS });
    expect((await clearPlansTable(client, lost.tables.plans)).plan).toBeGreaterThan(0);
    // A lock nobody will release for a day, and a tree under a name that is not one of the lab's endpoints.
    const [regional] = scenario.endpoints as [string];
    const lock = (await deps.dns.recordsUnder(lockName(regional, lost.zone)))[0]!;
    const stale = lockRecord(regional, { holder: 'az-x', expiresAtMs: Date.now() + 86_400_000, token: 99 }, lost.zone);
    const stray = planTreeRecords(
      { generation: 9, createdAt: 0, endpoints: ['stray'], loadBalancers: [{ id: 'lb-9', address: '10.99.0.1', weight: 1 }] },
      'stray',
      lost.zone,
    );
    await deps.dns.change([
      { action: 'DELETE', record: lock },
      { action: 'CREATE', record: stale },
      ...stray.map((record) => ({ action: 'CREATE' as const, record })),
    ]);

    const first = await racelab(['repair'], lost.environment);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('plan: g6, rebuilt from its tree in DNS');
    expect(first.stdout).toContain("generation counter: 0 → 6, the newest generation in the rows and the zone, so the Planner's next plan is g7");
    expect(first.stdout).toMatch(/replaces a stale lock held by az-x: it expires in 86[34]\d\d s, beyond any lease the lab grants/);
    expect(first.stdout).toContain("stray: tree g9, but it is not one of the lab's endpoints");
    expect(first.stdout).toContain('checked: a second repair finds nothing to change');
    expect(await deps.dns.recordsUnder(endpointName('stray', lost.zone))).toEqual(
      stray.map(() => expect.objectContaining({ name: planTreeName('stray', 9, lost!.zone) })),
    );
    const second = JSON.parse((await racelab(['repair', '--json'], lost.environment)).stdout);
    expect(second).toMatchObject({ applied: false, counter: null, strays: [{ endpoint: 'stray', generations: [9], published: false }] });

    expect(await nextPlanGoesOut(lost, scenario, 'e2e-repair-lost')).toBe(7);
  });

  it('refuses to run on the local target without the environment racelab up prints, naming what is missing', async () => {
    const { code, stderr } = await racelab(['repair'], {
      AWS_ENDPOINT_URL_ROUTE_53: '',
      AWS_ENDPOINT_URL_DYNAMODB: '',
      PLANS_TABLE: '',
      HOSTED_ZONE_ID: '',
      ZONE_NAME: '',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('missing: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_ROUTE_53, PLANS_TABLE, HOSTED_ZONE_ID, ZONE_NAME');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
