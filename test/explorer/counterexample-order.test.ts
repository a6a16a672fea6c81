// A counterexample explore writes keeps its order by its gates, not by its
// seconds: replayed on the embedded target (dynalite and the Route 53
// endpoint) with every step at second 0 and slow, seeded calls and cold
// starts, its steps still end in the counterexample's order and the same
// violation follows; without its gates the same replay loses the order.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExplorerConfig } from '../../explorer/config.ts';
import { Execution } from '../../explorer/execution.ts';
import { matchesPattern, patternList } from '../../lambdas/core/event-pattern.ts';
import { computeVerdict } from '../../lambdas/core/verdict.ts';
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { ACTORS, type Scenario, type Step } from '../../scenario/schema.ts';
import { baselineCounterexample, replayedOrder, scriptedOrder, withoutGates, withoutSeconds } from '../support/counterexample-order.ts';

let config: ExplorerConfig;
let scenario: Scenario;
beforeAll(async () => {
  ({ config, scenario } = await baselineCounterexample());
});

/** Each replay on a lab of its own, as explore's: a run starts from an empty plans table and zone. */
async function replayOnEmbedded(played: Scenario, options: Parameters<typeof runScenarioEmbedded>[2]) {
  const lab = await startEmbeddedLab();
  try {
    return await runScenarioEmbedded(lab, played, options);
  } finally {
    await lab.close();
  }
}

/** Calls of up to 3 s and cold starts of up to 5 s, seeded: ten times the 2 s between steps the seconds allow. */
const SLOW = { callSeconds: { min: 0.05, max: 3 }, coldStartSeconds: 5 };

const replay = (played: Scenario, runId: string, seed = 1) => replayOnEmbedded(played, { runId, safeguards: [], latency: { ...SLOW, seed } });

describe('a counterexample scenario', () => {
  it('gates each step that follows another actor on that step, and no step on its own actor', async () => {
    const order = ACTORS.flatMap((actor) => (scenario.timeline[actor] as Step[]).map((step) => ({ actor, step }))).sort((a, b) => a.step.at - b.step.at);
    order.forEach(({ actor, step }, i) => {
      const before = order[i - 1];
      expect([actor, step.at, step.after !== undefined]).toEqual([actor, step.at, before !== undefined && before.actor !== actor]);
    });
    // The steady state's events (az-c's run) open none of the race's gates but the first's, which waits for the steady state to
    // end: a gate on an Enactor's step names its generation, or how its cycle stops.
    expect(order[2]!.step.after).toEqual({ actor: 'az-c', step: 'cleanup', outcome: 'cleaned', generation: 1 });
    const steady = await Execution.steadyStateEvents(config, 'az-c');
    const race = order.slice(3).flatMap(({ step }) => (step.after ? patternList(step.after) : []));
    expect(race.length).toBeGreaterThan(3);
    expect(race.filter((pattern) => steady.some((event) => matchesPattern(event, pattern)))).toEqual([]);
  });

  it('replays in its order and breaks the same invariant, as written', async () => {
    const run = await replayOnEmbedded(scenario, { runId: 'as-written', safeguards: [] });
    expect(run.failure).toBeUndefined();
    expect(replayedOrder(scenario, run.events)).toEqual(scriptedOrder(scenario));
    expect(computeVerdict(run.events).outcome).toBe('outage');
  });

  it.each([1, 2, 3])('keeps its order with every step at second 0 and slow calls, by its gates alone (latency seed %i)', async (seed) => {
    const run = await replay(withoutSeconds(scenario), `no-seconds-${seed}`, seed);
    expect(run.failure).toBeUndefined();
    expect(replayedOrder(scenario, run.events)).toEqual(scriptedOrder(scenario));
    expect(computeVerdict(run.events).outcome).toBe('outage');
  });

  it('loses its order with every step at second 0 and no gates (the control)', async () => {
    const run = await replay(withoutGates(withoutSeconds(scenario)), 'no-seconds-no-gates');
    expect(run.failure).toBeUndefined();
    expect(replayedOrder(scenario, run.events)).not.toEqual(scriptedOrder(scenario));
  });
});
