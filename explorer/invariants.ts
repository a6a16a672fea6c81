// The invariants, each with a name, checked after every step (and, for
// convergence, once every actor has ended).
import { runEnactor } from '../lambdas/core/enactor.ts';
import { NEVER_THROWN } from '../lambdas/core/kill-switch.ts';
import { writePlans } from '../lambdas/core/planner.ts';
import { applyRepair, planRepair, repairNeeded } from '../lambdas/core/repair.ts';
import { MemoryDnsZone } from '../local/memory-dns-zone.ts';
import { endpointsOf, EXPLORER_ZONE, plannerSettings, type ExplorerConfig } from './config.ts';
import { enactorContext, stillClock } from './execution.ts';
import type { InvariantName } from './invariant-names.ts';
import type { World } from './world.ts';

export interface Violation {
  invariant: InvariantName;
  detail: string;
}

/** Actors that threw something the domain does not handle: a defect in the code under test, never a result. */
export function crashes(actors: readonly { id: string; status: string; error?: string }[]): Violation[] {
  return actors
    .filter((actor) => actor.status === 'failed')
    .map((actor) => ({ invariant: 'no-crash', detail: `${actor.id} failed: ${actor.error ?? 'unknown error'}` }));
}

/** What each endpoint points at, and whether that plan's row and tree exist, to judge the next step. */
export interface Pointer {
  generation?: number;
  row: boolean;
  tree: boolean;
}
export type Pointers = Map<string, Pointer>;

function pointer(world: World, endpoint: string): Pointer {
  const generation = world.pointsAt(endpoint);
  if (generation === undefined) return { row: false, tree: false };
  return { generation, row: world.store.plans.has(generation), tree: world.treeExists(endpoint, generation) };
}

export function pointers(world: World, config: ExplorerConfig): Pointers {
  return new Map(endpointsOf(config).map((endpoint) => [endpoint, pointer(world, endpoint)]));
}

/**
 * Invariants of a state and of the step that led to it (from `before`).
 * `only` picks the step's invariants (transition) or the state's (not).
 */
export function checkStep(world: World, config: ExplorerConfig, before: Pointers | undefined, only?: { transition: boolean }): Violation[] {
  const violations: Violation[] = [];
  const state = only?.transition !== true;
  const transition = only?.transition !== false && before !== undefined;
  for (const endpoint of endpointsOf(config)) {
    const now = pointer(world, endpoint);
    if (state && world.addresses(endpoint).length === 0) {
      violations.push({
        invariant: 'answers',
        detail: `${endpoint} answers nothing${now.generation === undefined ? '' : ` (alias → g${now.generation}'s tree, whose records are gone)`}`,
      });
    }
    const was = before?.get(endpoint);
    if (!transition || was?.generation === undefined || now.generation === undefined) continue;
    if (now.generation < was.generation) {
      violations.push({ invariant: 'never-older', detail: `${endpoint} moved from g${was.generation} back to g${now.generation}` });
    }
    // A deletion, judged when it happens: a plan written again later, after it was deleted, is another matter.
    if (now.generation === was.generation) {
      const lost = [was.row && !now.row ? 'row' : '', was.tree && !now.tree ? 'tree' : ''].filter(Boolean).join(' and ');
      if (lost) violations.push({ invariant: 'active-kept', detail: `g${now.generation}'s ${lost} deleted while ${endpoint} pointed at it` });
    }
  }
  return violations;
}

/**
 * Convergence, at the end of a run: one more Enactor cycle with nobody racing
 * it must leave every endpoint on the newest plan and answering. Runs on a
 * copy of the world so the explored state stays as it was.
 */
export async function checkConvergence(world: World, config: ExplorerConfig): Promise<Violation[]> {
  const after = world.clone();
  let result: Awaited<ReturnType<typeof runEnactor>>;
  try {
    result = await runEnactor(enactorContext(config, 'next-enactor', after.store, new MemoryDnsZone(after.zone), stillClock, async () => {}));
  } catch (error) {
    // The Enactor's code under test threw: a defect, reported with the schedule that leads here, never a crash of the search.
    // A recovery that is not idempotent (a plan row written again) fails here, on its second run.
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return [{ invariant: 'no-crash', detail: `the next Enactor cycle, run alone after this interleaving, failed: ${why}` }];
  }
  const newest = (await after.store.newestPlan())?.generation;
  const behind = endpointsOf(config).filter((endpoint) => after.pointsAt(endpoint) !== newest || after.addresses(endpoint).length === 0);
  if (behind.length === 0) return [];
  const why = result.status === 'stuck' ? `: the Enactor is stuck (${result.detail})` : ` (the Enactor ended ${result.status})`;
  return [{ invariant: 'converges', detail: `${behind.join(', ')} not on g${newest}${why}` }];
}

/**
 * `racelab repair`, run alone on a copy of this state: afterwards every
 * endpoint answers, none moved back or lost its plan on the way, the next
 * Enactor converges, a second repair would change nothing, and the automation
 * goes on: the Planner's next plan is newer than every plan there is, and the
 * next Enactor brings every endpoint onto it.
 */
export async function checkRepair(world: World, config: ExplorerConfig): Promise<Violation[]> {
  const after = world.clone();
  const before = pointers(after, config);
  const ctx = { store: after.store, dns: new MemoryDnsZone(after.zone), clock: stillClock, zone: EXPLORER_ZONE };
  await applyRepair(ctx, await planRepair(ctx));
  const violations = [...checkStep(after, config, before), ...(await checkConvergence(after, config))];
  if (repairNeeded(await planRepair(ctx))) violations.push({ invariant: 'converges', detail: 'a second repair would still change something' });
  const newest = Math.max(...(await after.store.listGenerations()));
  let next: number;
  try {
    [next] = (await writePlans({ store: after.store, clock: stillClock, record: async () => {}, killSwitch: NEVER_THROWN }, plannerSettings(config), 1)) as [
      number,
    ];
  } catch (error) {
    return [...violations, { invariant: 'no-crash', detail: `the Planner failed after the repair: ${(error as Error).message}` }];
  }
  // A plan older than the newest would be passed over by every Enactor, and the Planner would throw once it caught up.
  if (next <= newest) violations.push({ invariant: 'converges', detail: `the Planner's next plan is g${next}, not newer than g${newest}` });
  return [...violations, ...(await checkConvergence(after, config))];
}
