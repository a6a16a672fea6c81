// The explorer on the real Planner and Enactor code: it finds the outage from
// scratch, proves the closing safeguard within its bounds, tells the truth
// about the others, and its reductions change the work but not the answer.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, type ExplorerConfig } from '../../explorer/config.ts';
import { counterexampleReport, counterexampleScenario } from '../../explorer/counterexample.ts';
import { Execution } from '../../explorer/execution.ts';
import { exhaustive, randomWalks, replaySchedule, shrink } from '../../explorer/search.ts';
import { parseScenario } from '../../scenario/schema.ts';
import type { Safeguard } from '../../lambdas/core/safeguards.ts';

const small = (safeguards: Safeguard[] = [], bounds: Partial<ExplorerConfig> = {}): ExplorerConfig => ({
  ...DEFAULT_BOUNDS,
  enactors: 2,
  endpoints: 2,
  generations: 4,
  ...bounds,
  safeguards,
});

// Exhaustive searches are CPU-bound: on a loaded machine they take longer, and that is not a failure.
describe('explorer', { timeout: 180_000 }, () => {
  it('finds the empty answer from scratch in the baseline, with no scripted delays', async () => {
    const result = await exhaustive(small(), { stopOn: ['answers'] });
    const found = result.violations.answers!;
    expect(found.detail).toMatch(/answers nothing \(CNAME → g2, whose records are gone\)/);
    // Replaying the schedule reproduces it exactly.
    const { violations } = await replaySchedule(result.config, found.schedule);
    expect(violations.map((v) => v.invariant)).toContain('answers');
  });

  it('proves write-time-check for every interleaving within the bounds', async () => {
    const result = await exhaustive(small(['write-time-check']));
    expect(result.stats.complete).toBe(true);
    expect(result.stats.states).toBeGreaterThan(1000);
    expect(result.violations).toEqual({});
  });

  it('tells the truth about each safeguard alone', async () => {
    const holds = async (safeguard: Safeguard) => Object.keys((await exhaustive(small([safeguard]))).violations).sort();
    expect(await holds('protect-active')).not.toContain('answers');
    expect(await holds('never-empty')).not.toContain('answers');
    const selfHeal = await holds('self-heal');
    expect(selfHeal).toContain('answers');
    expect(selfHeal).not.toContain('converges');
    // Re-checking before each endpoint narrows the window, so it must show a counterexample.
    expect(await holds('recheck-each-endpoint')).toContain('answers');
  });

  it('finds nothing a plain search would find differently: sleep sets change the work, not the states or the verdict', async () => {
    const withPor = await exhaustive(small([], { endpoints: 1 }));
    const without = await exhaustive(small([], { endpoints: 1 }), { partialOrderReduction: false });
    expect(withPor.stats.states).toBe(without.stats.states);
    expect(Object.keys(withPor.violations).sort()).toEqual(Object.keys(without.violations).sort());
    expect(withPor.stats.schedules).toBeLessThan(without.stats.schedules);
  });

  it('misses no state: every state random walks reach, the exhaustive search visited too', async () => {
    const config = small(['write-time-check'], { endpoints: 1 });
    const exhaustiveStates = new Set<string>();
    const walkStates = new Set<string>();
    await exhaustive(config, { visitedStates: exhaustiveStates });
    const walks = await randomWalks(config, 300, 42, { visitedStates: walkStates });
    expect(walks.violations).toEqual({});
    expect(walkStates.size).toBeGreaterThan(100);
    const missed = [...walkStates].filter((key) => !exhaustiveStates.has(key));
    expect(missed).toEqual([]);
  });

  it('forks an execution into an identical, independent copy', async () => {
    const config = small();
    const original = await Execution.replay(config, [0, 1, 1, 2]);
    const fork = await original.fork();
    expect(fork.stateKey()).toBe(original.stateKey());
    await fork.step(fork.enabled()[0]!);
    expect(fork.stateKey()).not.toBe(original.stateKey());
    expect((await original.fork()).stateKey()).toBe(original.stateKey());
  });

  it('shrinks a counterexample and writes it as a valid scenario that plays the steps in order', async () => {
    const config = small();
    const result = await exhaustive(config, { stopOn: ['answers'] });
    const shrunk = await shrink(config, result.violations.answers!);
    expect(shrunk.schedule.length).toBeLessThanOrEqual(result.violations.answers!.schedule.length);
    const { report, execution } = await counterexampleReport(config, shrunk);
    expect(report.outcome).toBe('outage');
    const scenario = counterexampleScenario(config, shrunk, execution, report.outcome);
    expect(() => parseScenario(JSON.parse(JSON.stringify(scenario)), 'counterexample')).not.toThrow();
    expect(scenario.timeline['az-a'][0]).toMatchObject({ do: 'begin' });
    expect(scenario.counterexample).toMatchObject({ invariant: 'answers', safeguards: [] });
  });
});
