// The cascade end to end on the embedded target: the race empties the
// regional endpoint, and DWFM, the launcher, Network Manager, NLB and the
// operator run as Lambda handlers from the scenario's state machine, through
// the AWS SDK against dynalite and the lab's DNS, in virtual time.
import { describe, expect, it } from 'vitest';
import type { CascadeLever } from '../../lambdas/core/cascade/settings.ts';
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf } from '../../scenario/run-report.ts';

async function run(levers: CascadeLever[], runId: string, name = 'oct-2025-cascade') {
  const lab = await startEmbeddedLab();
  try {
    const scenario = await loadScenario(name);
    const result = await runScenarioEmbedded(lab, scenario, { runId, safeguards: [], levers });
    return { result, report: reportOf({ scenario, safeguards: [], levers, seed: scenario.seed, latency: {} }, { target: 'local', runId }, result.events) };
  } finally {
    await lab.close();
  }
}

describe('oct-2025-cascade on the embedded target', () => {
  it('plays its story: the race is the trigger, DWFM collapses after DNS is back, the operator recovers it; the same log twice', async () => {
    const first = await run([], 'cascade-a');
    expect(first.result.failure).toBeUndefined();
    expect(first.report.story?.events.filter((line) => !line.seen)).toEqual([]);
    const cascade = first.report.cascade!;
    // DNS came back with the operator's repair, and still no lease was made for the whole window.
    expect(cascade.dnsBackAtSeconds).toBeGreaterThan(174);
    expect(cascade).toMatchObject({ metastable: true, goodputAfterDns: 0 });
    expect(cascade.recoveredAtSeconds).toBeGreaterThan(878);
    expect(cascade.series.validLeases.at(-1)).toBe(1000);
    expect(Math.min(...cascade.series.nlbCapacity)).toBeLessThan(1);
    expect(first.report.asExpected).toBe(true);
    const second = await run([], 'cascade-b');
    expect(second.report.eventsDigest).toBe(first.report.eventsDigest);
  });

  it('with admission-control, DWFM re-establishes the leases as soon as DNS is back: not metastable', async () => {
    const { report } = await run(['admission-control'], 'cascade-admission');
    expect(report.cascade).toMatchObject({ metastable: false });
    expect(report.cascade!.goodputAfterDns).toBeGreaterThanOrEqual(0.2);
    expect(report.asExpected).toBe(true);
  });

  it('oct-2025-collapse: the DNS repaired and nothing else done, DWFM never recovers though DynamoDB answers', async () => {
    const { report } = await run([], 'collapse', 'oct-2025-collapse');
    expect(report.cascade).toMatchObject({ metastable: true, recoveredAtSeconds: null });
    // DNS stayed back to the end, and still droplets were owed leases at the last tick.
    expect(report.cascade!.series.backlog.at(-1)).toBe(1000);
    expect(report.asExpected).toBe(true);
  });
});
