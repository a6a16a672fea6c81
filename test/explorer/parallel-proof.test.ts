// The exhaustive search on two threads sharing one table of seen states: the
// same verdict and the same number of states as one thread (each state is
// claimed once), and the same counterexample, since a search that finds one is
// made again in one thread.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, type ExplorerConfig } from '../../explorer/config.ts';
import { exhaustiveInParallel } from '../../explorer/parallel-proof.ts';
import { exhaustive } from '../../explorer/search.ts';

const config = (safeguards: ExplorerConfig['safeguards'], bounds: Partial<ExplorerConfig> = {}): ExplorerConfig => ({
  ...DEFAULT_BOUNDS,
  enactors: 2,
  endpoints: 2,
  ...bounds,
  safeguards,
});

describe('the exhaustive search on two threads', () => {
  // Three Enactors (symmetry's classes, mapped between the threads) at the fewest generations that still give
  // each thread work to share; protect-active adds clean-up's retries and a verdict with counterexamples.
  it.each([
    ['3 × 1 × 3, write-time-check', config(['write-time-check'], { enactors: 3, endpoints: 1, generations: 3 })],
    ['3 × 1 × 3, protect-active', config(['protect-active'], { enactors: 3, endpoints: 1, generations: 3 })],
  ])('reaches the states one thread reaches, with the same verdict (%s)', async (_, bounds) => {
    const one = await exhaustive(bounds);
    const two = await exhaustiveInParallel(bounds, { threads: 2 });
    expect(two.stats.complete).toBe(true);
    expect(two.stats.states).toBe(one.stats.states);
    expect(two.violations).toEqual(one.violations);
  });
});
