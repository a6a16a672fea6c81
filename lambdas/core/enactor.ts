// The DNS Enactor, as in the postmortem and AWS's DAT453 account: pick the
// newest plan; check ONCE that it is newer than what is applied; then, for each
// endpoint in turn, apply it with one Route 53 change batch (lock + the plan's
// subtree + the endpoint CNAME + a rollback record), retrying with backoff;
// finally clean up old plans. Each step can run on its own (the state machine
// places delays between them) or back to back (runEnactor).
import type { RecordChange } from './dns-records.ts';
import { endpointCname, lockRecord, planSubtreeRecords, rollbackCname } from './dns-tree.ts';
import { oldestAppliedGeneration, readEndpointState, type EndpointState } from './endpoint-state.ts';
import { ChangeRejected, Throttled } from './errors.ts';
import { describePattern, type EventPattern } from './event-pattern.ts';
import type { RunEvent } from './events.ts';
import { injectFaults, type Fault } from './faults.ts';
import { liveAddresses, type Plan } from './plan.ts';
import type { Clock, DnsZone, PlanStore, Recorder } from './ports.ts';
import type { SafeguardSet } from './safeguards.ts';
import { cleanUp } from './cleanup.ts';

export interface EnactorPolicy {
  /** Clean-up deletes plans more than this many generations older than the one applied. */
  keepGenerations: number;
  /** Attempts per endpoint before the Enactor gives up. */
  attemptsMax: number;
  /** Delay before the first retry; doubles each retry, up to backoffMsMax. */
  backoffMs: number;
  backoffMsMax: number;
}

export interface EnactorContext {
  enactor: string;
  zone: string;
  store: PlanStore;
  dns: DnsZone;
  clock: Clock;
  record: Recorder;
  safeguards: SafeguardSet;
  policy: EnactorPolicy;
  faults: readonly Fault[];
  /** When scenario second 0 was, in the clock's time (faults pinned to the schedule need it). */
  runStartedAt?: number;
  /** This run's events so far: faults that wait for an event read them. */
  history?: () => Promise<readonly RunEvent[]>;
  /** How long a fault may hold one apply step open while it waits for its event; past it the step fails. */
  faultHoldMaxMs?: number;
}

/** When the settings name no limit (the explorer, unit tests); a scenario always passes its gates.timeoutSeconds. */
export const DEFAULT_FAULT_HOLD_MAX_MS = 240_000;

/** What an Enactor carries from its begin step to its apply and clean-up steps. */
export interface EnactorWork {
  /** The plan as read at begin: the Enactor holds it in memory, as the real one did. */
  plan: Plan;
  /** The generation the one-time check compared against (null: nothing applied yet). */
  checkedAgainst: number | null;
}

export const STEP_STATUSES = ['ready', 'no-plan', 'up-to-date', 'applied', 'current', 'stale', 'stuck', 'refused', 'gave-up', 'cleaned'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** A step's result; the state machine goes on with the Enactor's next step only when `continue` is true. */
export interface StepResult {
  continue: boolean;
  status: StepStatus;
  work?: EnactorWork;
  detail?: string;
}

export async function begin(ctx: EnactorContext): Promise<StepResult> {
  const plan = await ctx.store.newestPlan();
  if (!plan) {
    await ctx.record({ step: 'begin', outcome: 'no-plan' });
    return { continue: false, status: 'no-plan' };
  }
  // The one-time staleness check of the postmortem: made here, never again (unless a safeguard says so).
  const applied = await oldestAppliedGeneration(ctx.dns, plan.endpoints, ctx.zone);
  if (applied !== undefined && plan.generation <= applied) {
    await ctx.record({ step: 'begin', outcome: 'up-to-date', generation: plan.generation, detail: `applied g${applied}` });
    return { continue: false, status: 'up-to-date' };
  }
  const detail = applied === undefined ? 'nothing applied yet' : `newer than applied g${applied}`;
  await ctx.record({ step: 'begin', outcome: 'ready', generation: plan.generation, detail });
  return { continue: true, status: 'ready', work: { plan, checkedAgainst: applied ?? null } };
}

export async function applyEndpoint(ctx: EnactorContext, work: EnactorWork, endpoint: string): Promise<StepResult> {
  const { plan } = work;
  if (ctx.safeguards.has('recheck-each-endpoint')) {
    const state = await readEndpointState(ctx.dns, endpoint, ctx.zone);
    const checked = await checkNotStale(ctx, work, endpoint, state, 'recheck');
    if (checked) return checked;
  }
  const holdStartedAt = ctx.clock.now();
  // Attempts spoiled by a fault that waits for an event are not counted: the
  // scenario holds the Enactor until that event, however long it takes to come.
  let counted = 0;
  for (let attempt = 1; counted < ctx.policy.attemptsMax; attempt++) {
    const result = await attemptApply(ctx, work, endpoint, attempt);
    if (result.done) return result.done;
    if (result.heldFor) {
      const heldMs = ctx.clock.now() - holdStartedAt;
      const holdMaxMs = ctx.faultHoldMaxMs ?? DEFAULT_FAULT_HOLD_MAX_MS;
      if (heldMs > holdMaxMs) {
        throw new Error(`${endpoint}: an injected fault waited ${Math.round(heldMs / 1000)} s for "${describePattern(result.heldFor)}", which never happened (raise gates.timeoutSeconds, or fix the fault's "until")`);
      }
    } else {
      counted++;
    }
    if (counted < ctx.policy.attemptsMax) await ctx.clock.sleep(backoffMs(ctx.policy, attempt));
  }
  await ctx.record({ step: 'apply', outcome: 'gave-up', generation: plan.generation, endpoint, detail: `${ctx.policy.attemptsMax} attempts` });
  return { continue: false, status: 'gave-up', work };
}

export function backoffMs(policy: EnactorPolicy, attempt: number): number {
  return Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.backoffMsMax);
}

/** An attempt either ends the step (`done`) or asks for a retry, held open by a fault (`heldFor`) or not. */
type AttemptResult = { done: StepResult; heldFor?: undefined } | { done?: undefined; heldFor?: EventPattern };

/** One attempt: read, check, build the batch, send it. */
async function attemptApply(ctx: EnactorContext, work: EnactorWork, endpoint: string, attempt: number): Promise<AttemptResult> {
  let plan = work.plan;
  const state = await readEndpointState(ctx.dns, endpoint, ctx.zone);
  if (ctx.safeguards.has('write-time-check')) {
    const checked = await checkNotStale(ctx, work, endpoint, state, 'write-time check');
    if (checked) return { done: checked };
    // First line of the fence, faithful on every target: DynamoDB refuses a generation older than one already fenced.
    if (!(await ctx.store.advanceFence(endpoint, plan.generation, ctx.enactor))) {
      const detail = 'write-time check: the fence holds a newer generation';
      await ctx.record({ step: 'apply', outcome: 'stale', generation: plan.generation, endpoint, detail });
      return { done: { continue: false, status: 'stale', work, detail } };
    }
  }

  let previous: Plan | undefined;
  if (state.generation !== undefined && state.generation !== plan.generation) {
    previous = await ctx.store.getPlan(state.generation);
    if (!previous) {
      if (!ctx.safeguards.has('self-heal')) {
        const detail = `active plan g${state.generation} is missing: cannot build the rollback record`;
        await ctx.record({ step: 'apply', outcome: 'stuck', generation: plan.generation, endpoint, detail });
        return { done: { continue: false, status: 'stuck', work, detail } };
      }
      const newest = await ctx.store.newestPlan();
      if (newest && newest.generation > plan.generation) plan = newest;
      await ctx.record({ step: 'apply', outcome: 'self-heal', generation: plan.generation, endpoint, detail: `active plan g${state.generation} missing: applying g${plan.generation}` });
    }
  }

  if (ctx.safeguards.has('never-empty') && liveAddresses(plan).length === 0) {
    const detail = `g${plan.generation} has no live load balancer`;
    await ctx.record({ step: 'apply', outcome: 'refused', generation: plan.generation, endpoint, detail });
    return { done: { continue: false, status: 'refused', work, detail } };
  }

  const changes = applyBatch(ctx, plan, endpoint, state, previous);
  let heldFor: EventPattern | undefined;
  try {
    const faultAt = { enactor: ctx.enactor, endpoint, attempt, zone: ctx.zone, now: ctx.clock.now(), runStartedAt: ctx.runStartedAt, history: ctx.history };
    heldFor = (await injectFaults(ctx.faults, faultAt, ctx.dns)).waitingFor;
    await ctx.dns.change(changes);
  } catch (error) {
    if (!(error instanceof ChangeRejected || error instanceof Throttled)) throw error;
    heldFor ??= error instanceof Throttled ? error.waitingFor : undefined;
    const reason = error instanceof Throttled ? 'throttled' : 'lock or record changed';
    await ctx.record({ step: 'apply', outcome: 'retry', generation: plan.generation, endpoint, detail: `attempt ${attempt}: ${reason}` });
    return { heldFor };
  }
  const over = state.generation === undefined ? 'empty endpoint' : `over g${state.generation}`;
  await ctx.record({ step: 'apply', outcome: 'applied', generation: plan.generation, endpoint, over: state.generation, detail: over });
  return { done: { continue: true, status: 'applied', work: { ...work, plan } } };
}

/** The ONE change batch that applies a plan to an endpoint. */
function applyBatch(ctx: EnactorContext, plan: Plan, endpoint: string, state: EndpointState, previous: Plan | undefined): RecordChange[] {
  const changes: RecordChange[] = [];
  const lock = lockRecord(endpoint, { enactor: ctx.enactor, generation: plan.generation }, ctx.zone);
  // The lock: deleting the exact value read makes the batch fail if another Enactor wrote in between.
  if (state.lock) changes.push({ action: 'DELETE', record: state.lock });
  changes.push({ action: 'CREATE', record: lock });
  for (const record of planSubtreeRecords(plan, endpoint, ctx.zone)) changes.push({ action: 'UPSERT', record });
  const cname = endpointCname(endpoint, plan.generation, ctx.zone);
  if (ctx.safeguards.has('write-time-check') && state.cname) {
    // Second line of the fence: the batch only succeeds if the endpoint still points where we read it.
    changes.push({ action: 'DELETE', record: state.cname }, { action: 'CREATE', record: cname });
  } else {
    changes.push({ action: 'UPSERT', record: cname });
  }
  if (previous) changes.push({ action: 'UPSERT', record: rollbackCname(endpoint, previous.generation, ctx.zone) });
  return changes;
}

/**
 * A safeguard's staleness check: an endpoint already on this generation is
 * done (go on to the next); one on a newer generation means this plan is stale
 * (stop: the Enactor holding the newer plan does the rest). Undefined: write.
 */
async function checkNotStale(ctx: EnactorContext, work: EnactorWork, endpoint: string, state: EndpointState, by: string): Promise<StepResult | undefined> {
  const generation = work.plan.generation;
  if (state.generation === undefined || state.generation < generation) return undefined;
  if (state.generation === generation) {
    await ctx.record({ step: 'apply', outcome: 'current', generation, endpoint, detail: `${by}: already on g${generation}` });
    return { continue: true, status: 'current', work };
  }
  const detail = `${by}: endpoint is at g${state.generation}`;
  await ctx.record({ step: 'apply', outcome: 'stale', generation, endpoint, detail });
  return { continue: false, status: 'stale', work, detail };
}

/**
 * The steps back to back, as an Enactor runs on its own (steady state).
 * `afterStep` sees each step's result: between steps, (steps done, result) is
 * all the state this loop holds, which the explorer uses to merge states.
 */
export async function runEnactor(ctx: EnactorContext, afterStep?: (stepsDone: number, result: StepResult) => void): Promise<StepResult> {
  let result = await begin(ctx);
  afterStep?.(1, result);
  if (!result.continue || !result.work) return result;
  let stepsDone = 1;
  for (const endpoint of result.work.plan.endpoints) {
    result = await applyEndpoint(ctx, result.work!, endpoint);
    afterStep?.(++stepsDone, result);
    if (!result.continue) return result;
  }
  return cleanUp(ctx, result.work!);
}
