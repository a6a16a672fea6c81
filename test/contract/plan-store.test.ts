// One contract, two PlanStores: the DynamoDB adapter (on dynalite, through the
// AWS SDK) and the in-memory one the explorer uses must behave the same.
import { describe, expect, it } from 'vitest';
import { PlanExists } from '../../lambdas/core/errors.ts';
import type { Plan } from '../../lambdas/core/plan.ts';
import type { PlanStore } from '../../lambdas/core/ports.ts';
import { DynamoDbPlanStore } from '../../lambdas/adapters/dynamodb-plan-store.ts';
import { dynaliteTables } from '../support/dynalite-tables.ts';
import { MemoryPlanStore } from '../../local/memory-plan-store.ts';
import { PLANS_TABLE_KEYS } from '../../lambdas/adapters/tables.ts';

const newTable = dynaliteTables('contract');

const plan = (generation: number): Plan => ({
  generation,
  createdAt: 1_700_000_000_000 + generation,
  endpoints: ['dynamodb.us-east-1'],
  loadBalancers: [{ id: 'lb-1', address: '10.10.0.11', weight: 2 }],
});

const stores: [string, () => Promise<PlanStore>][] = [
  ['memory', async () => new MemoryPlanStore()],
  [
    'DynamoDB (dynalite)',
    async () => {
      const { name, documents } = await newTable(PLANS_TABLE_KEYS);
      return new DynamoDbPlanStore(name, documents);
    },
  ],
];

describe.each(stores)('PlanStore contract: %s', (_name, makeStore) => {
  it('hands out generations that only go up, even after plans are deleted', async () => {
    const store = await makeStore();
    const first = await store.nextGeneration();
    await store.putPlan(plan(first));
    await store.deletePlan(first);
    expect(await store.nextGeneration()).toBe(first + 1);
  });

  it("reads the counter, and raises it (repair's, after the table was lost) but never lowers it; nextGeneration goes on from there", async () => {
    const store = await makeStore();
    expect(await store.generationCounter()).toBe(0);
    await store.raiseGenerationCounter(6);
    expect(await store.generationCounter()).toBe(6);
    await store.raiseGenerationCounter(4);
    expect(await store.generationCounter()).toBe(6);
    expect(await store.nextGeneration()).toBe(7);
    await store.raiseGenerationCounter(7);
    expect(await store.nextGeneration()).toBe(8);
  });

  it('refuses a second plan with the same generation', async () => {
    const store = await makeStore();
    await store.putPlan(plan(1));
    await expect(store.putPlan({ ...plan(1), createdAt: 5 })).rejects.toBeInstanceOf(PlanExists);
    expect((await store.getPlan(1))?.createdAt).toBe(plan(1).createdAt);
  });

  it('returns the newest plan, lists generations and deletes rows', async () => {
    const store = await makeStore();
    expect(await store.newestPlan()).toBeUndefined();
    for (const generation of [3, 1, 2]) await store.putPlan(plan(generation));
    expect(await store.newestPlan()).toEqual(plan(3));
    expect((await store.listGenerations()).sort((a, b) => a - b)).toEqual([1, 2, 3]);
    await store.deletePlan(2);
    expect(await store.getPlan(2)).toBeUndefined();
    expect((await store.listGenerations()).sort((a, b) => a - b)).toEqual([1, 3]);
  });

  it('fences monotonically per endpoint: equal or newer passes, older is refused', async () => {
    const store = await makeStore();
    expect(await store.advanceFence('a', 5, 'az-a')).toBe(true);
    expect(await store.advanceFence('a', 5, 'az-b')).toBe(true);
    expect(await store.advanceFence('a', 4, 'az-c')).toBe(false);
    expect(await store.advanceFence('a', 6, 'az-c')).toBe(true);
    expect(await store.advanceFence('b', 1, 'az-c')).toBe(true);
  });
});
