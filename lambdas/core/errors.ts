// Named domain errors; adapters map their SDK errors onto these.
import type { EventPattern } from './event-pattern.ts';

/** Route 53 rejected a change batch (InvalidChangeBatch): a precondition no longer held. */
export class ChangeRejected extends Error {
  override readonly name = 'ChangeRejected';
  constructor(readonly messages: string[]) {
    super(messages.join('; ') || 'change batch rejected');
  }
}

/** The DNS API asked us to slow down (Throttling, PriorRequestNotComplete). */
export class Throttled extends Error {
  override readonly name = 'Throttled';
  /** @param waitingFor set when an injected fault holds this throttling open until an event */
  constructor(
    message: string,
    readonly waitingFor?: EventPattern,
  ) {
    super(message);
  }
}

/** A plan of that generation is already stored. */
export class PlanExists extends Error {
  override readonly name = 'PlanExists';
  constructor(readonly generation: number) {
    super(`plan generation ${generation} already exists`);
  }
}
