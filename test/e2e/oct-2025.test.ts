// The October 2025 race end to end on the embedded target: the real handlers,
// through the AWS SDK, against dynalite and the lab's Route 53 endpoint, driven
// by the scenario's state machine. Baseline → outage and stuck automation;
// each closing safeguard alone → every endpoint keeps answering.
import { promises as dns } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { endpointName } from '../../lambdas/core/dns-tree.ts';
import type { RunEvent } from '../../lambdas/core/events.ts';
import type { Safeguard } from '../../lambdas/core/safeguards.ts';
import { computeVerdict } from '../../lambdas/core/verdict.ts';
import { DnsResolver } from '../../lambdas/adapters/dns-resolver.ts';
import { loadScenario } from '../../cli/scenario-files.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';

// Twice the scenario's default time scale: the same race with wider real-time
// margins, so a busy CI machine running other test files cannot reorder it.
const MS_PER_SECOND = 100;

let lab: EmbeddedLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function run(safeguards: Safeguard[]): Promise<{ events: RunEvent[]; lab: EmbeddedLab }> {
  lab = await startEmbeddedLab();
  const scenario = await loadScenario('oct-2025');
  const events = await runScenarioEmbedded(lab, scenario, { runId: `e2e-${safeguards.join('+') || 'baseline'}`, safeguards, msPerSecond: MS_PER_SECOND });
  return { events, lab };
}

const endpoints = ['dynamodb.us-east-1', 'dynamodb-fips.us-east-1', 'dynamodb.us-east-1.api'];

describe('oct-2025 on the embedded target', () => {
  it('baseline: the stale plan goes live, clean-up deletes it, the endpoint answers nothing and the automation is stuck', async () => {
    const { events } = await run([]);
    const verdict = computeVerdict(events);
    expect(verdict.outcome).toBe('outage');
    expect(verdict.automationStuck).toBe(true);
    expect(verdict.stuck.at(-1)?.detail).toMatch(/active plan g2 is missing/);
    const regional = verdict.endpoints.find((e) => e.endpoint === 'dynamodb.us-east-1');
    expect(regional).toMatchObject({ addresses: [], repaired: false });
    expect(regional?.firstEmptyAtMs).toBeGreaterThan(0);
    // The race as the postmortem tells it: az-a's stale g2 lands over az-b's g6, then az-b's clean-up deletes g2.
    const staleWrite = events.find((e) => e.actor === 'az-a' && e.outcome === 'applied' && e.endpoint === 'dynamodb.us-east-1');
    expect(staleWrite).toMatchObject({ generation: 2, detail: 'over g6' });
    const deletion = events.find((e) => e.actor === 'az-b' && e.step === 'cleanup' && e.outcome === 'deleted' && e.generation === 2);
    expect(deletion!.at).toBeGreaterThan(staleWrite!.at);
  });

  it.each<Safeguard>(['write-time-check', 'protect-active', 'never-empty'])('%s alone: every endpoint keeps answering', async (safeguard) => {
    const { events } = await run([safeguard]);
    const verdict = computeVerdict(events);
    expect(verdict.outcome).toBe('healthy');
    for (const endpoint of verdict.endpoints) expect(endpoint).toMatchObject({ firstEmptyAtMs: null });
  });

  it('never-empty keeps DNS answering but the plan row is gone, so the automation is still stuck', async () => {
    const { events } = await run(['never-empty']);
    expect(computeVerdict(events).automationStuck).toBe(true);
  });

  it('self-heal: the endpoint goes empty, then the automation repairs it', async () => {
    const { events } = await run(['self-heal']);
    const verdict = computeVerdict(events);
    expect(verdict.outcome).toBe('healthy');
    expect(verdict.automationStuck).toBe(false);
    expect(verdict.endpoints.find((e) => e.endpoint === 'dynamodb.us-east-1')).toMatchObject({ repaired: true });
    expect(events.some((e) => e.outcome === 'self-heal')).toBe(true);
  });

  it('recheck-each-endpoint alone does not close the race: the stale write happens inside the retries, after the recheck', async () => {
    const { events } = await run(['recheck-each-endpoint']);
    expect(computeVerdict(events).outcome).toBe('outage');
  });

  it("the DNS server's answers agree with the Probe's, empty answer included", async () => {
    const { events, lab } = await run([]);
    const finalProbe = events.filter((e) => e.addresses).at(-1)!;
    const resolver = new DnsResolver(lab.config.dnsServer);
    for (const endpoint of endpoints) {
      const seen = new Set<string>();
      for (let i = 0; i < 24; i++) for (const address of await resolver.resolve4(endpointName(endpoint, lab.zone))) seen.add(address);
      expect([...seen].sort()).toEqual(finalProbe.addresses![endpoint]);
    }
    // The empty answer: the CNAME is still there, pointing at a subtree that no longer exists.
    const raw = new dns.Resolver();
    raw.setServers([lab.config.dnsServer!]);
    const regional = endpointName('dynamodb.us-east-1', lab.zone);
    expect(await raw.resolveCname(regional)).toEqual([`g000002.plans.${regional}`]);
    await expect(raw.resolve4(regional)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
