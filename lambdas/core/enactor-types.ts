// What the Enactor's steps, its clean-up and the safeguards share: the context
// an Enactor runs in, the work it carries between steps, and a step's result.
// Kept apart from enactor.ts so clean-up and safeguards need not import it.
import type { RunEvent } from './events.ts';
import type { Fault } from './faults.ts';
import type { Plan } from './plan.ts';
import type { Clock, DnsZone, KillSwitch, PlanStore, Recorder } from './ports.ts';
import type { EndpointSnapshot } from './endpoint-state.ts';

export interface EnactorPolicy {
  /** Clean-up deletes plans more than this many generations older than the one applied. */
  keepGenerations: number;
  /** Attempts per endpoint before the Enactor gives up. */
  attemptsMax: number;
  /** Delay before the first retry; doubles each retry, up to backoffMsMax. */
  backoffMs: number;
  backoffMsMax: number;
  /** How long the lock an Enactor writes holds: another Enactor backs off until it expires. */
  lockLeaseSeconds: number;
}

export interface EnactorContext {
  enactor: string;
  zone: string;
  store: PlanStore;
  dns: DnsZone;
  clock: Clock;
  record: Recorder;
  /** The automation's kill switch, read before each change (kill-switch.ts); the driver reads it, never a move. */
  killSwitch: KillSwitch;
  safeguards: ActiveSafeguards;
  policy: EnactorPolicy;
  faults: readonly Fault[];
  /** When scenario second 0 was, in the clock's time (faults pinned to the schedule need it). */
  runStartedAt?: number;
  /** This run's events so far: faults that wait for an event read them. */
  history?: () => Promise<readonly RunEvent[]>;
  /** How long a fault may hold one apply step open while it waits for its event; past it the step fails. */
  faultHoldMsMax?: number;
}

/** What an Enactor carries from its begin step to its apply and clean-up steps. */
export interface EnactorWork {
  /** The plan as read at begin: the Enactor holds it in memory, as the real one did. */
  plan: Plan;
  /** The generation the one-time check compared against (null: nothing applied yet). */
  checkedAgainst: number | null;
}

export const STEP_STATUSES = ['ready', 'no-plan', 'up-to-date', 'applied', 'current', 'stale', 'stuck', 'refused', 'gave-up', 'cleaned', 'frozen'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** A step's result; the state machine goes on with the Enactor's next step only when `continue` is true. */
export interface StepResult {
  continue: boolean;
  status: StepStatus;
  work?: EnactorWork;
  detail?: string;
}

/**
 * The points where a safeguard changes what the Enactor or its clean-up does.
 * Each safeguard (lambdas/core/safeguards/) fills in the hooks it needs.
 */
export interface SafeguardHooks {
  /** Before an endpoint's first attempt. A result ends the endpoint's step. */
  beforeEndpoint?(ctx: EnactorContext, work: EnactorWork, endpoint: string): Promise<StepResult | undefined>;
  /** In every attempt, after the consistent read and before the batch. A result ends the step. */
  beforeWrite?(ctx: EnactorContext, work: EnactorWork, snapshot: EndpointSnapshot): Promise<StepResult | undefined>;
  /** The batch replaces the endpoint record only if it is still exactly as read (DELETE of the read value, then CREATE). */
  conditionalEndpointWrite?: boolean;
  /** The active tree is gone, so no rollback record can point at it: the plan to apply instead, or undefined to end stuck. */
  whenActiveTreeGone?(ctx: EnactorContext, work: EnactorWork, snapshot: EndpointSnapshot): Promise<Plan | undefined>;
  /** Why this plan must not be written to an endpoint, or undefined. */
  refusePlan?(plan: Plan): string | undefined;
  /** Clean-up found an endpoint pointing at a plan it would delete: keep the whole plan, or only its tree in DNS. */
  cleanupKeeps?: 'plan' | 'tree';
}

/** The safeguards switched on for a run, as the Enactor sees them. */
export interface ActiveSafeguards {
  readonly hooks: readonly SafeguardHooks[];
}
