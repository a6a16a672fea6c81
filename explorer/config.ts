// What the explorer explores: every bound is explicit, printed, and part of
// the counterexample, so a result can always be reproduced.
import { DEFAULT_ZONE_NAME } from '../lambdas/config.ts';
import type { EnactorPolicy } from '../lambdas/core/enactor-types.ts';
import { SAFEGUARDS, type Safeguard } from '../lambdas/core/safeguards/index.ts';
import { ENACTOR_IDS } from '../lambdas/core/events.ts';
import { loadBalancerPool, type PlannerSettings } from '../lambdas/core/planner.ts';

export const EXPLORER_ENDPOINTS = ['dynamodb.us-east-1', 'dynamodb-fips.us-east-1', 'dynamodb.us-east-1.api'] as const;
export const EXPLORER_ZONE = DEFAULT_ZONE_NAME;

export interface ExplorerConfig {
  /** Enactors racing, each running one full cycle (begin, apply every endpoint, clean up): 1..3. */
  enactors: number;
  /** Endpoints sharing the plan: 1..3. */
  endpoints: number;
  /** Plans in all: g1 is applied before exploring starts; the Planner writes the rest while the Enactors run. */
  generations: number;
  /** Attempts per endpoint, and per old plan in clean-up (the Enactor's attemptsMax). */
  retries: number;
  /** Clean-up deletes plans more than this many generations older than the one applied. */
  keepGenerations: number;
  safeguards: Safeguard[];
}

/** What explore, check and the matrix search when told no bound: proofs in about a second on 2 cores. */
export const DEFAULT_BOUNDS = { enactors: 2, endpoints: 2, generations: 4, retries: 2, keepGenerations: 1 } as const;

/** The incident's size: three AZs' Enactors and three endpoints (a proof takes tens of seconds to minutes). */
export const INCIDENT_BOUNDS = { ...DEFAULT_BOUNDS, enactors: 3, endpoints: 3 } as const;

export const BOUND_LIMITS = {
  enactors: { min: 1, max: ENACTOR_IDS.length },
  endpoints: { min: 1, max: EXPLORER_ENDPOINTS.length },
  generations: { min: 2, max: 8 },
  retries: { min: 1, max: 5 },
  keepGenerations: { min: 1, max: 5 },
} as const;

export function endpointsOf(config: ExplorerConfig): string[] {
  return EXPLORER_ENDPOINTS.slice(0, config.endpoints);
}

export function enactorIds(config: ExplorerConfig): string[] {
  return ENACTOR_IDS.slice(0, config.enactors);
}

/** Two load balancers keep plans small; what matters to the race is generations, not weights. */
export const EXPLORER_POOL = loadBalancerPool(2);
export const EXPLORER_SEED = 2025;

/** What the explorer's Planner writes: plans over the explored endpoints, from the small pool. */
export function plannerSettings(config: ExplorerConfig): PlannerSettings {
  return { endpoints: endpointsOf(config), pool: EXPLORER_POOL, seed: EXPLORER_SEED };
}

export function explorerPolicy(config: ExplorerConfig): EnactorPolicy {
  // Backoff does not matter here: the explorer lets any actor run before any port call. Nor does a
  // lease's length: any actor may wait any time between calls, so every lease is over by the next read
  // (lease 0). A live lease would only make an Enactor back off, a delay the interleavings already cover.
  return { keepGenerations: config.keepGenerations, attemptsMax: config.retries, backoffMs: 0, backoffMsMax: 0, lockLeaseSeconds: 0 };
}

export function describeConfig(config: ExplorerConfig): string {
  const safeguards = config.safeguards.length ? config.safeguards.join(', ') : 'none';
  return `${describeBounds(config)}; safeguards: ${safeguards}`;
}

export function describeBounds(bounds: Bounds): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return (
    `${count(bounds.enactors, 'enactor')} × ${count(bounds.endpoints, 'endpoint')} × ${bounds.generations} generations, ${bounds.retries} attempt(s) per ` +
    `endpoint, keep ${bounds.keepGenerations}`
  );
}

/** A set of bounds without the safeguards: what a search covers. */
export type Bounds = Omit<ExplorerConfig, 'safeguards'>;

/**
 * The bound sets `check` (given no bound option) and `exercise verify` prove a change at, each a search of its own.
 * Each is here because a change to a shipped safeguard's mechanism passes the others and fails it
 * (test/explorer/check-bounds.test.ts keeps that true):
 * - 2 enactors × 2 endpoints: an Enactor that guards only the first endpoint of its plan passes with one endpoint;
 * - 3 enactors × 1 endpoint, one attempt: protect-active or never-empty without clean-up's lock re-assertion passes
 *   with two Enactors, and with three at 3 generations or 2 attempts: it takes a clean-up that read the zone, two
 *   other Enactors moving the endpoint onto the plan it deletes, and no retry to hide it.
 */
export const CHECK_BOUND_SETS: readonly Bounds[] = [
  { enactors: 2, endpoints: 2, generations: 4, retries: 2, keepGenerations: 1 },
  { enactors: 3, endpoints: 1, generations: 4, retries: 1, keepGenerations: 1 },
];

/**
 * The reductions `check` and `exercise verify` leave out, since they judge Enactor code a trainee changed.
 * Symmetry assumes Enactors that use their ids as names only; relative lock tokens assume every lock write
 * deletes the exact value it read (explorer/lock-tokens.ts). A change may break either. Keying an Enactor by its
 * state value stays: it holds for any code that keeps its state in the value, which the driver's one-call rule,
 * the frozen context and the lint rule against module-level variables in lambdas/core see to
 * (explorer/execution.ts).
 */
export const CHANGED_CODE_LIMITS = { symmetry: false, literalTokens: true } as const;

/** The matrix's rows (`explore --matrix`): the baseline, each safeguard alone, and each pair. */
export const MATRIX_ROWS: readonly Safeguard[][] = [
  [],
  ...SAFEGUARDS.map((name) => [name]),
  ...SAFEGUARDS.flatMap((a, i) => SAFEGUARDS.slice(i + 1).map((b) => [a, b])),
];
