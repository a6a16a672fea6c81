// Run events: every component appends one per step to the run-events table;
// the timeline and the verdict are computed from them alone, on every target.

/** The three Enactors, one per Availability Zone. */
export const ENACTOR_IDS = ['az-a', 'az-b', 'az-c'] as const;
export type EnactorId = (typeof ENACTOR_IDS)[number];

/** The cascade's subsystems (lambdas/core/cascade/), each recording one event per tick. */
export const CASCADE_ACTORS = ['dwfm', 'launcher', 'network', 'nlb'] as const;
export type CascadeActor = (typeof CASCADE_ACTORS)[number];

/** Every actor that records events during a scenario: the race's, the cascade's, and the operator's. */
export const EVENT_ACTORS = ['planner', ...ENACTOR_IDS, 'probe', ...CASCADE_ACTORS, 'operator'] as const;
/** The steps they record. */
export const EVENT_STEPS = ['plan', 'begin', 'apply', 'cleanup', 'probe', 'tick', 'operate'] as const;

/** Every outcome an actor records. Gates, faults and stories name these, so a typo is caught when the scenario loads. */
export const EVENT_OUTCOMES = [
  // racelab (the runner)
  'scheduled',
  // planner
  'written',
  // enactor steps (StepStatus) and what happens within them
  'ready',
  'no-plan',
  'up-to-date',
  'applied',
  'current',
  'stale',
  'stuck',
  'refused',
  'gave-up',
  'cleaned',
  'retry',
  'self-heal',
  'kept',
  'deleted',
  // probe
  'empty',
  'answering',
  // the cascade's phases, one per subsystem tick (dwfm; launcher; network; nlb)
  'unreachable',
  'collapsed',
  'recovering',
  'healthy',
  'launching',
  'insufficient-capacity',
  'request-limited',
  'propagated',
  'backlogged',
  'in-service',
  'capacity-removed',
  'failover-off',
  // the operator's steps
  'repaired',
  'throttled',
  'restarted',
  'failover-disabled',
  'throttles-relaxed',
  'failover-enabled',
  // the kill switch: the operator throws or releases it; the Planner or an Enactor that finds it thrown stops (frozen)
  'frozen',
  'unfrozen',
  // the embedded runner hands the operator's steps to a person (racelab up --hand-over)
  'handed-over',
  // any handler that threw
  'failed',
] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export interface RunEvent {
  runId: string;
  /** Milliseconds since the epoch, in the target's clock. */
  at: number;
  /** planner, az-a, az-b, az-c, probe, ... */
  actor: string;
  step: string;
  outcome: EventOutcome;
  generation?: number;
  endpoint?: string;
  /** An `applied` event: the generation the endpoint pointed at before this write. */
  over?: number;
  detail?: string;
  /** Probe events: the addresses each endpoint resolved to. */
  addresses?: Record<string, string[]>;
  /** Probe events: the addresses the zone held for each endpoint, read through the Route 53 API (the second witness). */
  zoneAddresses?: Record<string, string[]>;
  /** Cascade events: the tick's figures (its start second, leases, backlog, launches, delay, capacity...). */
  metrics?: Record<string, number>;
}

export type EventFields = Omit<RunEvent, 'runId' | 'at' | 'actor'>;

/** Where events go (a DynamoDB table, memory). */
export interface EventLog {
  append(event: RunEvent): Promise<void>;
  list(runId: string): Promise<RunEvent[]>;
}

/** The actor of the runner's own events: the `start` event that anchors a run at scenario second 0. */
export const RUNNER = 'racelab';

/** Orders events by time, then the runner's first (the start event leads its millisecond), then by actor, so renderings are stable. */
export function byTime(a: RunEvent, b: RunEvent): number {
  return a.at - b.at || Number(b.actor === RUNNER) - Number(a.actor === RUNNER) || a.actor.localeCompare(b.actor);
}

/** A Recorder for one actor of one run; the clock stamps each event. */
export function makeRecorder(log: EventLog, clock: { now(): number }, runId: string, actor: string): (fields: EventFields) => Promise<void> {
  return (fields) => log.append({ runId, at: clock.now(), actor, ...fields });
}
