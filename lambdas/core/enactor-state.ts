// What an Enactor carries from one call on the world to the next, as one value.
// Each move (enactor.ts, cleanup.ts) takes a state, makes at most one call on
// the plan store or the zone, and returns the next state or the step's end;
// the driver (enactor-driver.ts) passes the value along. Nothing else carries
// over between moves: no closure, no module variable. So the value is all an
// Enactor keeps, and the explorer keys and forks an Enactor by it. It is plain
// JSON (no Map, no class, no function): a copy made through JSON is the same.
import type { RecordChange, RecordSet } from './dns-records.ts';
import type { EnactorWork, StepResult } from './enactor-types.ts';
import type { EventPattern } from './event-pattern.ts';
import type { Plan } from './plan.ts';

/**
 * Where a whole cycle run back to back (runEnactor) goes when this step ends: the endpoints of the plan it
 * began with, and the index of the one to apply next (clean-up when none is left). Absent: one step on its own.
 */
export interface Cycle {
  endpoints: string[];
  next: number;
}

/** An endpoint's tries so far: all its apply step keeps from one attempt to the next. */
export interface Tries {
  endpoint: string;
  attempt: number;
  /**
   * Attempts that count against attemptsMax. One spoiled by a fault that waits for an event does not: the
   * scenario holds the Enactor until that event, however long it takes to come.
   */
  counted: number;
  holdStartedAt: number;
}

/** One attempt after its read: the work, the tries, and the endpoint's records as read (the snapshot is built from them). */
interface Attempt {
  work: EnactorWork;
  tries: Tries;
  read: RecordSet[];
  cycle?: Cycle;
}

/** The attempt once its plan is settled (a safeguard may have swapped it), up to the faults and the batch. */
interface Settled extends Attempt {
  plan: Plan;
  /** The generation the rollback record points at, if one is written. */
  rollbackTo?: number;
}

/** One old plan to delete, with all that deleting it needs from the last read. */
export interface Deletion {
  generation: number;
  hasRow: boolean;
  /** Its trees' records, under every endpoint. */
  tree: RecordSet[];
  /** The endpoints that pointed at it (only read when a safeguard keeps what an endpoint points at). */
  pointing: string[];
}

/** Clean-up's whole state from one call to the next, beside the work it was given. */
export interface Progress {
  /** What is left to delete, the next one first, as of the last read. */
  left: Deletion[];
  /** Each endpoint's lock as last read, which a guarded batch re-asserts (none when nothing is guarded). */
  locks: RecordSet[];
  deleted: number[];
  /** Tries at `left[0]` so far. */
  attempt: number;
}

export type EnactorState =
  // begin: read the newest plan, then the zone, for the one-time staleness check.
  // (`whole`: a whole cycle, run back to back; the plan read here fixes its endpoints.)
  | { at: 'begin'; whole?: boolean }
  | { at: 'check-applied'; plan: Plan; whole?: boolean }
  // apply: each safeguard's check before the endpoint (`hook`: the next hook to ask), then attempts.
  | { at: 'before-endpoint'; work: EnactorWork; endpoint: string; hook: number; cycle?: Cycle }
  | { at: 'read'; work: EnactorWork; tries: Tries; cycle?: Cycle }
  | ({ at: 'before-write'; hook: number } & Attempt)
  | ({ at: 'tree-gone'; hook: number } & Attempt)
  /** Acting out the injected faults from `fault` on; `now` is the time they were asked at, `waitingFor` what they wait for so far. */
  | ({ at: 'faults'; fault: number; now: number; waitingFor?: EventPattern } & Settled)
  /** A contender taking the lock (a lock-contention fault): it read `held`, and now writes. */
  | ({ at: 'contend'; fault: number; now: number; waitingFor?: EventPattern; held?: RecordSet } & Settled)
  /** The batch, built: from here the step needs no more of the snapshot than this. */
  | { at: 'send'; work: EnactorWork; tries: Tries; plan: Plan; over?: number; heldFor?: EventPattern; batch: RecordChange[]; cycle?: Cycle }
  // clean-up: list the plans, read the zone, then delete old plans one by one (tree, then row).
  | { at: 'cleanup'; work: EnactorWork }
  | { at: 'cleanup-read'; work: EnactorWork; rows: number[] }
  | { at: 'cleanup-delete'; work: EnactorWork; progress: Progress }
  | { at: 'cleanup-row'; work: EnactorWork; progress: Progress }
  | { at: 'cleanup-reread'; work: EnactorWork; progress: Progress };

export type At = EnactorState['at'];
export type StateAt<A extends At> = Extract<EnactorState, { at: A }>;

/** What a move returns: the next state, or the end of what the driver was asked to run. */
export type Next = EnactorState | { end: StepResult };

export function isEnd(next: Next): next is { end: StepResult } {
  return 'end' in next;
}

/** The first state of each step, as the Step Functions state machine runs them one by one. */
export const beginState = (): EnactorState => ({ at: 'begin' });
export const applyState = (work: EnactorWork, endpoint: string, cycle?: Cycle): EnactorState => ({ at: 'before-endpoint', work, endpoint, hook: 0, cycle });
export const cleanupState = (work: EnactorWork): EnactorState => ({ at: 'cleanup', work });

/** A whole cycle, back to back (steady state). */
export const cycleState = (): EnactorState => ({ at: 'begin', whole: true });

/**
 * A step ended with `result`. On its own, that is the end. In a whole cycle, an Enactor goes on while the
 * result says so: to the next endpoint of the plan it began with, then to clean-up, which ends the cycle.
 */
export function endStep(result: StepResult, cycle: Cycle | undefined): Next {
  if (!cycle || !result.continue || !result.work) return { end: result };
  const endpoint = cycle.endpoints[cycle.next];
  if (endpoint === undefined) return cleanupState(result.work);
  return applyState(result.work, endpoint, { endpoints: cycle.endpoints, next: cycle.next + 1 });
}
