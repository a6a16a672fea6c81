// The driver: it passes an Enactor's state value (enactor-state.ts) from move to
// move until a move ends what it was asked to run (one step, or a whole cycle).
// A move is a function of (context, state) that makes at most ONE call on the
// world (a PlanStore or DnsZone method) and returns the next state. Recording
// an event, reading the clock and sleeping are not calls on the world.
//
// The rule is what lets the explorer (explorer/execution.ts) stop an Enactor at
// each call and know it by its state alone: at every call, what the Enactor
// holds is the state its move started from, so two Enactors with the same state
// and the same world ahead behave the same. The explorer's own driver enforces
// the rule; this one, which the Lambda handlers and the embedded lab run, just
// passes the value along, and reads the kill switch before the moves that
// change the world (kill-switch.ts).
import type { EnactorContext, StepResult } from './enactor-types.ts';
import { isEnd, type At, type EnactorState, type Next, type StateAt } from './enactor-state.ts';
import { enactorFrozen } from './kill-switch.ts';

export type Move<A extends At> = (ctx: EnactorContext, state: StateAt<A>) => Promise<Next>;

/** The moves, one per state tag: a table, so a state names the move that takes it. */
export type Moves<K extends At = At> = { readonly [A in K]: Move<A> };

/** Takes the one move the state names. */
export function takeMove(ctx: EnactorContext, state: EnactorState, moves: Partial<Moves>): Promise<Next> {
  const move = moves[state.at] as Move<typeof state.at> | undefined;
  if (!move) throw new Error(`enactor: no move takes the state "${state.at}"`);
  return move(ctx, state as never);
}

/**
 * Moves from `state` until a move ends the step (or the cycle), and returns how it ended. Before each move that
 * starts a cycle or an attempt, sends a change batch or deletes an old plan, it reads the kill switch: thrown, the
 * Enactor stops there (`frozen`) and the move never makes its call.
 */
export async function drive(ctx: EnactorContext, state: EnactorState, moves: Partial<Moves>): Promise<StepResult> {
  for (;;) {
    const frozen = await enactorFrozen(ctx, state);
    if (frozen) return frozen;
    const next = await takeMove(ctx, state, moves);
    if (isEnd(next)) return next.end;
    state = next;
  }
}
