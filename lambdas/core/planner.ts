// The DNS Planner: writes the next generation of the plan, with load-balancer
// weights that depend only on the seed and the generation (deterministic).
// Generations come from the store's counter, never from "newest + 1": after a
// clean-up deletes plans, newest + 1 could hand out a number used before.
import type { Plan } from './plan.ts';
import { plannerFrozen } from './kill-switch.ts';
import type { Clock, KillSwitch, PlanStore, Recorder } from './ports.ts';
import { randomInt, seededRandom } from './random.ts';

export interface PoolMember {
  id: string;
  address: string;
}

/** The lab's pool of load balancers: lb-1 at 10.10.0.11, lb-2 at 10.10.0.12, and so on. */
export function loadBalancerPool(count: number): PoolMember[] {
  return Array.from({ length: count }, (_, i) => ({ id: `lb-${i + 1}`, address: `10.10.0.${11 + i}` }));
}

export interface PlannerSettings {
  endpoints: string[];
  pool: PoolMember[];
  seed: number;
  /** A Planner fault: these generations come out with every load balancer at weight 0. */
  emptyGenerations?: readonly number[];
}

export interface PlannerContext {
  store: PlanStore;
  clock: Clock;
  record: Recorder;
  /** The automation's kill switch, read before each plan (kill-switch.ts). */
  killSwitch: KillSwitch;
}

const WEIGHT_MAX = 3;

/**
 * One generation's weights. Weight 0 is capacity the Planner removed (a load
 * balancer out of service), as AWS describes its Planner doing. The Planner
 * keeps at least one load balancer live, unless `removeAll` (a Planner fault)
 * says every one failed.
 */
export function makePlan(generation: number, settings: PlannerSettings, createdAt: number, removeAll = false): Plan {
  // Mix the generation into the seed so every generation differs, yet replays identically.
  const random = seededRandom(settings.seed ^ Math.imul(generation, 0x9e3779b1));
  const weights: number[] = settings.pool.map(() => (removeAll ? 0 : randomInt(random, 0, WEIGHT_MAX)));
  if (!removeAll && !weights.some((weight) => weight > 0)) weights[generation % weights.length] = 1;
  return {
    generation,
    createdAt,
    endpoints: [...settings.endpoints],
    loadBalancers: settings.pool.map((member, i) => ({ ...member, weight: weights[i]! })),
  };
}

/**
 * Writes `count` new generations, each taken from the store's counter; returns the generations written. Before each
 * it reads the kill switch: thrown, it records `frozen` and writes no more (and takes no generation).
 */
export async function writePlans(ctx: PlannerContext, settings: PlannerSettings, count: number): Promise<number[]> {
  const written: number[] = [];
  for (let i = 0; i < count; i++) {
    if (await plannerFrozen(ctx.killSwitch, ctx.record)) break;
    written.push(await writeNextPlan(ctx, settings));
  }
  return written;
}

async function writeNextPlan(ctx: PlannerContext, settings: PlannerSettings): Promise<number> {
  const generation = await ctx.store.nextGeneration();
  // PlanExists here would mean the counter fell behind the plans: let it surface.
  await ctx.store.putPlan(makePlan(generation, settings, ctx.clock.now(), settings.emptyGenerations?.includes(generation)));
  await ctx.record({ step: 'plan', outcome: 'written', generation });
  return generation;
}
