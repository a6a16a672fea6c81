// The DNS Planner: writes the next generation of the plan, with load-balancer
// weights that depend only on the seed and the generation (deterministic).
// Generations come from the store's counter, never from "newest + 1": after a
// clean-up deletes plans, newest + 1 could hand out a number used before.
import type { Plan } from './plan.ts';
import type { Clock, PlanStore, Recorder } from './ports.ts';
import { randomInt, seededRandom } from './random.ts';

export interface PoolMember {
  id: string;
  address: string;
}

export interface PlannerSettings {
  endpoints: string[];
  pool: PoolMember[];
  seed: number;
}

export interface PlannerContext {
  store: PlanStore;
  clock: Clock;
  record: Recorder;
}

const WEIGHT_MAX = 3;

export function makePlan(generation: number, settings: PlannerSettings, createdAt: number): Plan {
  // Mix the generation into the seed so every generation differs, yet replays identically.
  const random = seededRandom(settings.seed ^ Math.imul(generation, 0x9e3779b1));
  return {
    generation,
    createdAt,
    endpoints: [...settings.endpoints],
    loadBalancers: settings.pool.map((member) => ({ ...member, weight: randomInt(random, 1, WEIGHT_MAX) })),
  };
}

/** Writes `count` new generations, each taken from the store's counter; returns the generations written. */
export async function writePlans(ctx: PlannerContext, settings: PlannerSettings, count: number): Promise<number[]> {
  const written: number[] = [];
  for (let i = 0; i < count; i++) {
    written.push(await writeNextPlan(ctx, settings));
  }
  return written;
}

async function writeNextPlan(ctx: PlannerContext, settings: PlannerSettings): Promise<number> {
  const generation = await ctx.store.nextGeneration();
  // PlanExists here would mean the counter fell behind the plans: let it surface.
  await ctx.store.putPlan(makePlan(generation, settings, ctx.clock.now()));
  await ctx.record({ step: 'plan', outcome: 'written', generation });
  return generation;
}
