// The automation's kill switch: the freeze. On 20 October 2025 AWS disabled the
// DynamoDB DNS Planner and Enactor automation worldwide; here an operator throws
// one switch (an item beside the plans) and the Planner and every Enactor read
// it before each change they would make: the Planner before each plan, an
// Enactor at the start of each cycle, before each attempt and immediately
// before each change batch, and its clean-up at its start and before each old
// plan it deletes. Finding it thrown, an actor records a `frozen` event and
// stops, changing nothing.
//
// The Enactor's check is the driver's (enactor-driver.ts), between its moves,
// not a move of its own: the moves and their state value are what the fix and
// recover exercises change and the explorer proves, and the explorer, which
// models the race and not the operator, runs them with a switch never thrown.
import type { EnactorState } from './enactor-state.ts';
import type { EnactorContext, StepResult } from './enactor-types.ts';
import type { KillSwitch, KillSwitchState, Recorder } from './ports.ts';

export const RELEASED: KillSwitchState = Object.freeze({ thrown: false });

/** A switch nobody can throw: the explorer's and the property tests' world has no operator. */
export const NEVER_THROWN: KillSwitch = Object.freeze({ read: async () => RELEASED });

/** Longest `by` or `reason` an event repeats: the item is written by hand, and its text goes into every frozen event. */
const SAID_MAX = 120;

/** "kill switch thrown by operator (reason)": the start of every frozen event's detail. */
export function describeThrown(state: KillSwitchState): string {
  const by = state.by ? ` by ${state.by.slice(0, SAID_MAX)}` : '';
  const reason = state.reason ? ` (${state.reason.slice(0, SAID_MAX)})` : '';
  return `kill switch thrown${by}${reason}`;
}

/** The Planner, before each plan: whether to stop, recorded as a `frozen` event when so. */
export async function plannerFrozen(killSwitch: KillSwitch, record: Recorder): Promise<boolean> {
  const state = await killSwitch.read();
  if (!state.thrown) return false;
  await record({ step: 'plan', outcome: 'frozen', detail: `${describeThrown(state)}: no plan written` });
  return true;
}

/**
 * What the kill switch guards in an Enactor: the start of a cycle, each attempt, the change batch, the start of
 * clean-up and each old plan it deletes; with the event a stop there records. Undefined: a move the switch does not stop.
 */
function guarded(state: EnactorState): { step: 'begin' | 'apply' | 'cleanup'; generation?: number; endpoint?: string; stopped: string } | undefined {
  switch (state.at) {
    case 'begin':
      return { step: 'begin', stopped: 'no cycle begun' };
    case 'read':
      return { step: 'apply', generation: state.work.plan.generation, endpoint: state.tries.endpoint, stopped: `g${state.work.plan.generation} not written` };
    case 'send':
      return { step: 'apply', generation: state.plan.generation, endpoint: state.tries.endpoint, stopped: `g${state.plan.generation} not written` };
    case 'cleanup':
      return { step: 'cleanup', generation: state.work.plan.generation, stopped: 'no clean-up' };
    // Before each old plan: its tree batch and then its row are one deletion, which a switch thrown between them
    // lets finish (so its `deleted` event tells it).
    case 'cleanup-delete': {
      const left = state.progress.left.map((deletion) => `g${deletion.generation}`);
      // Nothing left to delete: the clean-up only reports, and changes nothing.
      if (!left.length) return undefined;
      return { step: 'cleanup', generation: state.progress.left[0]!.generation, stopped: `${left.join(', ')} not deleted` };
    }
    default:
      return undefined;
  }
}

/**
 * Before a move the switch guards, the driver reads it: thrown, the Enactor records where it stopped and ends the
 * step (and the cycle) with `frozen`, before the move makes its call. Undefined: go on with the move.
 */
export async function enactorFrozen(ctx: EnactorContext, state: EnactorState): Promise<StepResult | undefined> {
  const point = guarded(state);
  if (!point) return undefined;
  const switched = await ctx.killSwitch.read();
  if (!switched.thrown) return undefined;
  const detail = `${describeThrown(switched)}: ${point.stopped}`;
  const { step, generation, endpoint } = point;
  await ctx.record({ step, outcome: 'frozen', ...(generation === undefined ? {} : { generation }), ...(endpoint ? { endpoint } : {}), detail });
  const work = 'work' in state ? state.work : undefined;
  return { continue: false, status: 'frozen', ...(work ? { work } : {}), detail };
}
