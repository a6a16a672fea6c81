// The October 2025 race end to end on the embedded target: the real handlers,
// through the AWS SDK, against dynalite and the lab's Route 53 endpoint, driven
// by the scenario's state machine in virtual time. Each case must tell the
// scenario's story for it, not only end with the right outcome; the same
// inputs must give the same event log; and heavy latency must not change the story.
import { promises as dns } from 'node:dns';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { endpointName, lockName } from '../../lambdas/core/dns-tree.ts';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { computeVerdict } from '../../lambdas/core/verdict.ts';
import { DnsResolver } from '../../lambdas/adapters/dns-resolver.ts';
import { reportOf, type RunReport } from '../../scenario/run-report.ts';
import { loadScenario } from '../../scenario/files.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import type { LatencySettings } from '../../scenario/schema.ts';
import { runScenarioEmbedded, type EmbeddedRun } from '../../local/run-embedded.ts';

let lab: EmbeddedLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

async function run(safeguards: Safeguard[], latency: Partial<LatencySettings> = {}): Promise<{ run: EmbeddedRun; report: RunReport; lab: EmbeddedLab }> {
  await lab?.close();
  lab = await startEmbeddedLab();
  const scenario = await loadScenario('oct-2025');
  const runId = `e2e-${safeguards.join('+') || 'baseline'}`;
  const result = await runScenarioEmbedded(lab, scenario, { runId, safeguards, latency });
  const report = reportOf({ scenario, safeguards, seed: scenario.seed, latency }, { target: 'local', runId }, result.events);
  return { run: result, report, lab };
}

/**
 * The baseline run, played once for the three tests that judge it (its story, its replay, the DNS server's answers
 * after it), each over HTTP taking seconds of CPU; its lab stays up until the file is done.
 */
let baselineRun: Promise<{ run: EmbeddedRun; report: RunReport; lab: EmbeddedLab }> | undefined;
const baseline = () =>
  (baselineRun ??= (async () => {
    const lab = await startEmbeddedLab();
    const scenario = await loadScenario('oct-2025');
    const result = await runScenarioEmbedded(lab, scenario, { runId: 'e2e-baseline', safeguards: [] });
    return {
      run: result,
      report: reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'e2e-baseline' }, result.events),
      lab,
    };
  })());
afterAll(async () => (await baselineRun)?.lab.close());

const endpoints = ['dynamodb.us-east-1', 'dynamodb-fips.us-east-1', 'dynamodb.us-east-1.api'];

describe('oct-2025 on the embedded target', () => {
  it('baseline: the stale plan goes live, clean-up deletes it, the endpoint answers nothing and the automation is stuck', async () => {
    const {
      run: { events, failure },
      report,
    } = await baseline();
    expect(failure).toBeUndefined();
    expect(report).toMatchObject({ outcome: 'outage', expected: 'outage', asExpected: true, story: { played: true } });
    const verdict = computeVerdict(events);
    expect(verdict.automationStuck).toBe(true);
    expect(verdict.stuck.at(-1)?.detail).toBe('active tree g2 is gone from DNS: cannot write the rollback record');
    const regional = verdict.endpoints.find((e) => e.endpoint === 'dynamodb.us-east-1');
    expect(regional).toMatchObject({ addresses: [], repaired: false });
    expect(regional?.firstEmptyAtMs).toBeGreaterThan(0);
    // The race as the postmortem tells it: az-a's stale g2 lands over az-b's g6, then az-b's clean-up deletes g2.
    const staleWrite = events.find((e) => e.actor === 'az-a' && e.outcome === 'applied' && e.endpoint === 'dynamodb.us-east-1');
    expect(staleWrite).toMatchObject({ generation: 2, over: 6, detail: 'over g6' });
    const deletion = events.find((e) => e.actor === 'az-b' && e.step === 'cleanup' && e.outcome === 'deleted' && e.generation === 2);
    expect(deletion!.at).toBeGreaterThan(staleWrite!.at);
    // Two witnesses: the embedded DNS server answers from the zone model itself, with no cache between, so every
    // probe's resolver answer is what the zone held (ListResourceRecordSets), the outage included.
    const probes = events.filter((e) => e.step === 'probe' && e.addresses);
    expect(report.witnesses).toEqual({ compared: probes.length, disagreements: [] });
    expect(probes.every((e) => e.zoneAddresses)).toBe(true);
    expect(report.endpoints.find((e) => e.endpoint === 'dynamodb.us-east-1')).toMatchObject({ addresses: [], zoneAddresses: [] });
    // The first probe (t0) comes before any plan: it asked the resolver nothing, so no NXDOMAIN could be cached.
    expect(probes[0]).toMatchObject({
      outcome: 'empty',
      addresses: Object.fromEntries(endpoints.map((e) => [e, []])),
      zoneAddresses: Object.fromEntries(endpoints.map((e) => [e, []])),
    });
  });

  it.each<[Safeguard, 'outage' | 'healthy']>([
    ['write-time-check', 'healthy'],
    ['protect-active', 'healthy'],
    ['never-empty', 'healthy'],
    ['self-heal', 'healthy'],
    ['recheck-each-endpoint', 'outage'],
  ])("%s alone: the outcome is %s and the safeguard's story plays out", async (safeguard, outcome) => {
    const {
      run: { failure },
      report,
    } = await run([safeguard]);
    expect(failure).toBeUndefined();
    expect(report.story?.events.filter((line) => !line.seen)).toEqual([]);
    expect(report).toMatchObject({ outcome, asExpected: true, story: { played: true } });
    expect(report.witnesses.disagreements).toEqual([]);
  });

  it('plays the same run twice: the same event log, to the millisecond, and the same digest', async () => {
    const first = await baseline();
    const second = await run([]);
    const strip = (report: RunReport) => report.events.map(({ runId: _runId, at: _at, ...event }) => event);
    expect(strip(second.report)).toEqual(strip(first.report));
    expect(second.report.eventsDigest).toBe(first.report.eventsDigest);
  });

  it('tells the same story through heavy latency and cold starts, on the loopback endpoints too', async () => {
    for (const seed of [1, 2]) {
      const { report, run: result } = await run([], { callSeconds: { min: 0, max: 3 }, coldStartSeconds: 5, seed });
      expect(result.failure).toBeUndefined();
      expect(report).toMatchObject({ outcome: 'outage', story: { played: true } });
    }
  });

  it("the DNS server's answers agree with the Probe's, empty answer included", async () => {
    const {
      run: { events },
      lab,
    } = await baseline();
    const finalProbe = events.filter((e) => e.addresses).at(-1)!;
    const resolver = new DnsResolver(lab.config.dnsServer);
    for (const endpoint of endpoints) {
      const seen = new Set<string>();
      for (let i = 0; i < 24; i++) for (const address of await resolver.resolve4(endpointName(endpoint, lab.zone))) seen.add(address);
      expect([...seen].sort()).toEqual(finalProbe.addresses![endpoint]);
    }
    // The incident's empty answer: NOERROR with no addresses (ENODATA), not NXDOMAIN (ENOTFOUND): the
    // endpoint's alias is still there, pointing at a tree that no longer exists.
    const raw = new dns.Resolver();
    raw.setServers([lab.config.dnsServer!]);
    const regional = endpointName('dynamodb.us-east-1', lab.zone);
    await expect(raw.resolve4(regional)).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(raw.resolve4(`g000002.plans.${regional}`)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    // The lock's value, as DAT453 describes it: holder and expiry in epoch seconds (to the millisecond), then the fencing token.
    expect((await raw.resolveTxt(lockName('dynamodb.us-east-1', lab.zone))).flat()[0]).toMatch(/^holder=az-a expires=\d{10}\.\d{3} token=\d+$/);
  });
});
