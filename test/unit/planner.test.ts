// The Planner is deterministic for a seed and writes monotonic generations.
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../lambdas/core/planner.ts';
import { loadBalancerPool } from '../../lambdas/core/planner.ts';
import { ENDPOINTS, memoryLab } from '../support/memory-lab.ts';

const settings = { endpoints: ENDPOINTS, pool: loadBalancerPool(4), seed: 42 };

describe('planner', () => {
  it('gives the same weights for the same seed and generation, different ones across generations or seeds', () => {
    const weights = (generation: number, seed = 42) => makePlan(generation, { ...settings, seed }, 0).loadBalancers.map((lb) => lb.weight);
    expect(weights(3)).toEqual(weights(3));
    const across = new Set([1, 2, 3, 4, 5, 6].map((g) => weights(g).join()));
    expect(across.size).toBeGreaterThan(1);
    expect([1, 2, 3, 4, 5, 6].some((g) => weights(g, 7).join() !== weights(g).join())).toBe(true);
    for (const weight of weights(3)) expect(weight).toBeGreaterThanOrEqual(1);
  });

  it('writes consecutive generations and records each', async () => {
    const lab = memoryLab();
    expect(await lab.plan(3)).toEqual([1, 2, 3]);
    expect(await lab.plan(1)).toEqual([4]);
    expect(lab.outcomes('planner')).toEqual(['plan:written', 'plan:written', 'plan:written', 'plan:written']);
  });
});
