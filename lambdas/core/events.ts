// Run events: every component appends one per step to the run-events table;
// the timeline and the verdict are computed from them alone, on every target.

export interface RunEvent {
  runId: string;
  /** Milliseconds since the epoch, in the target's clock. */
  at: number;
  /** planner, az-a, az-b, az-c, probe, ... */
  actor: string;
  step: string;
  outcome: string;
  generation?: number;
  endpoint?: string;
  detail?: string;
  /** Probe events: the addresses each endpoint resolved to. */
  addresses?: Record<string, string[]>;
}

export type EventFields = Omit<RunEvent, 'runId' | 'at' | 'actor'>;

/** Where events go (a DynamoDB table, memory). */
export interface EventLog {
  append(event: RunEvent): Promise<void>;
  list(runId: string): Promise<RunEvent[]>;
}

/** Orders events by time, then by actor, so renderings are stable. */
export function byTime(a: RunEvent, b: RunEvent): number {
  return a.at - b.at || a.actor.localeCompare(b.actor);
}

/** A Recorder for one actor of one run; the clock stamps each event. */
export function makeRecorder(log: EventLog, clock: { now(): number }, runId: string, actor: string): (fields: EventFields) => Promise<void> {
  return (fields) => log.append({ runId, at: clock.now(), actor, ...fields });
}
