// The invariants, each with a name, checked after every step (and, for
// convergence, once every actor has ended).
import { runEnactor } from '../lambdas/core/enactor.ts';
import { MemoryDnsZone } from '../local/memory-dns-zone.ts';
import { endpointsOf, type ExplorerConfig } from './config.ts';
import { enactorContext } from './execution.ts';
import type { World } from './world.ts';

export const INVARIANTS = {
  answers: 'every endpoint resolves to at least one address',
  'never-older': 'an endpoint never moves to an older generation',
  'active-kept': 'no plan that an endpoint points at is deleted',
  converges: 'once the race is over, an Enactor brings every endpoint to the newest plan',
} as const;

export type InvariantName = keyof typeof INVARIANTS;
export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[];

export interface Violation {
  invariant: InvariantName;
  detail: string;
}

/** What each endpoint points at, to judge the next step's move. */
export type Pointers = Map<string, number | undefined>;

export function pointers(world: World, config: ExplorerConfig): Pointers {
  return new Map(endpointsOf(config).map((endpoint) => [endpoint, world.pointsAt(endpoint)]));
}

/**
 * Invariants of a state and of the step that led to it (from `before`).
 * `only` picks the step's invariant (transition) or the state's (not).
 */
export function checkStep(world: World, config: ExplorerConfig, before: Pointers | undefined, only?: { transition: boolean }): Violation[] {
  const violations: Violation[] = [];
  const state = only?.transition !== true;
  const transition = only?.transition !== false && before !== undefined;
  for (const endpoint of endpointsOf(config)) {
    const now = world.pointsAt(endpoint);
    if (state && world.addresses(endpoint).length === 0) {
      violations.push({ invariant: 'answers', detail: `${endpoint} answers nothing${now === undefined ? '' : ` (CNAME → g${now}, whose records are gone)`}` });
    }
    const was = before?.get(endpoint);
    if (transition && was !== undefined && now !== undefined && now < was) {
      violations.push({ invariant: 'never-older', detail: `${endpoint} moved from g${was} back to g${now}` });
    }
    if (state && now !== undefined && !world.store.plans.has(now)) {
      violations.push({ invariant: 'active-kept', detail: `${endpoint} points at g${now}, which is no longer in the plan store` });
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
  const clock = { now: () => 0, sleep: async () => {} };
  const result = await runEnactor(enactorContext(config, 'repair', after.store, new MemoryDnsZone(after.zone), clock, async () => {}));
  const newest = (await after.store.newestPlan())?.generation;
  const behind = endpointsOf(config).filter((endpoint) => after.pointsAt(endpoint) !== newest || after.addresses(endpoint).length === 0);
  if (behind.length === 0) return [];
  const why = result.status === 'stuck' ? `: the Enactor is stuck (${result.detail})` : ` (the Enactor ended ${result.status})`;
  return [{ invariant: 'converges', detail: `${behind.join(', ')} not on g${newest}${why}` }];
}
