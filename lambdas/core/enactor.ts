// The DNS Enactor, as in the postmortem and AWS's DAT453 account: pick the
// newest plan; check ONCE that it is newer than what is applied; then, for each
// endpoint in turn, apply it with one Route 53 change batch (the lock, the
// plan's tree, the endpoint's alias and the rollback record), retrying with
// backoff; finally clean up old plans. Each step can run on its own (the state
// machine places delays between them) or back to back (runEnactor).
//
// Written as moves over a state value (enactor-state.ts), each making at most
// one call on the world, which the driver (enactor-driver.ts) strings together.
import { CLEANUP_MOVES } from './cleanup.ts';
import type { RecordChange } from './dns-records.ts';
import { endpointRecord, extraTreeRecords, leaseFrom, leaseLive, lockName, lockRecord, planTreeRecords, rollbackRecord } from './dns-tree.ts';
import { drive, type Moves } from './enactor-driver.ts';
import { applyState, beginState, cycleState, endStep, type Next, type StateAt } from './enactor-state.ts';
import type { EnactorContext, EnactorPolicy, EnactorWork, SafeguardHooks, StepResult } from './enactor-types.ts';
import { activeTreeGone, endpointRecords, oldestAppliedGeneration, snapshotOf, type EndpointSnapshot } from './endpoint-state.ts';
import { ChangeRejected, Throttled } from './errors.ts';
import { describePattern, type EventPattern } from './event-pattern.ts';
import { contenderRead, contenderTakes, nextSpoilingFault, type FaultAttempt } from './faults.ts';
import type { Plan } from './plan.ts';

/** When the settings name no limit (the explorer, unit tests); a scenario always passes its gates.timeoutSeconds. */
export const DEFAULT_FAULT_HOLD_MS_MAX = 240_000;

/** The begin step: the newest plan, and the one-time staleness check. */
export function begin(ctx: EnactorContext): Promise<StepResult> {
  return drive(ctx, beginState(), MOVES);
}

/** One endpoint's apply step: the safeguards' checks, then attempts until one lands, one ends the step, or the tries run out. */
export function applyEndpoint(ctx: EnactorContext, work: EnactorWork, endpoint: string): Promise<StepResult> {
  return drive(ctx, applyState(work, endpoint), MOVES);
}

/** The steps back to back, as an Enactor runs on its own (steady state). */
export function runEnactor(ctx: EnactorContext): Promise<StepResult> {
  return drive(ctx, cycleState(), MOVES);
}

export function backoffMs(policy: EnactorPolicy, attempt: number): number {
  return Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.backoffMsMax);
}

// ---- begin ----

async function readNewestPlan(ctx: EnactorContext, { whole }: StateAt<'begin'>): Promise<Next> {
  const plan = await ctx.store.newestPlan();
  if (!plan) {
    await ctx.record({ step: 'begin', outcome: 'no-plan' });
    return { end: { continue: false, status: 'no-plan' } };
  }
  return { at: 'check-applied', plan, whole };
}

/** The one-time staleness check of the postmortem: made here, never again (unless a safeguard says so). */
async function checkApplied(ctx: EnactorContext, { plan, whole }: StateAt<'check-applied'>): Promise<Next> {
  const applied = await oldestAppliedGeneration(ctx.dns, plan.endpoints, ctx.zone);
  if (applied !== undefined && plan.generation <= applied) {
    await ctx.record({ step: 'begin', outcome: 'up-to-date', generation: plan.generation, detail: `applied g${applied}` });
    return { end: { continue: false, status: 'up-to-date' } };
  }
  const detail = applied === undefined ? 'nothing applied yet' : `newer than applied g${applied}`;
  await ctx.record({ step: 'begin', outcome: 'ready', generation: plan.generation, detail });
  // A whole cycle applies the endpoints of the plan read here, in its order.
  const cycle = whole ? { endpoints: plan.endpoints, next: 0 } : undefined;
  return endStep({ continue: true, status: 'ready', work: { plan, checkedAgainst: applied ?? null } }, cycle);
}

// ---- apply: the safeguards' checks before the endpoint ----

/** The index of the next hook from `from` on that has `point`, or undefined. */
function nextHook(hooks: readonly SafeguardHooks[], from: number, point: keyof SafeguardHooks): number | undefined {
  for (let index = from; index < hooks.length; index++) if (hooks[index]![point]) return index;
  return undefined;
}

/** One safeguard's check before the endpoint's first attempt (each may read the world once), then the first attempt. */
async function beforeEndpoint(ctx: EnactorContext, state: StateAt<'before-endpoint'>): Promise<Next> {
  const { work, endpoint, cycle } = state;
  const hook = nextHook(ctx.safeguards.hooks, state.hook, 'beforeEndpoint');
  if (hook === undefined) return { at: 'read', work, tries: { endpoint, attempt: 1, counted: 0, holdStartedAt: ctx.clock.now() }, cycle };
  const result = await ctx.safeguards.hooks[hook]!.beforeEndpoint!(ctx, work, endpoint);
  if (result) return endStep(result, cycle);
  return { ...state, hook: hook + 1 };
}

// ---- apply: one attempt ----

/** An attempt's read: the endpoint's records, one consistent snapshot; a live lock of another Enactor means try again later. */
async function readForAttempt(ctx: EnactorContext, state: StateAt<'read'>): Promise<Next> {
  const { work, tries, cycle } = state;
  const read = await endpointRecords(ctx.dns, tries.endpoint, ctx.zone);
  const { lease } = snapshotOf(tries.endpoint, ctx.zone, read);
  // The lock of DAT453: another Enactor's unexpired lease means back off and try again.
  if (lease && lease.holder !== ctx.enactor && leaseLive(lease, ctx.clock.now())) {
    // How long, not until when: an event's detail must not carry the wall clock (runs compare by digest).
    const left = (lease.expiresAtMs - ctx.clock.now()) / 1000;
    return retry(ctx, state, `lock held by ${lease.holder} for ${left.toFixed(1)} s more`);
  }
  return { at: 'before-write', hook: 0, work, tries, read, cycle };
}

const snapshotIn = (ctx: EnactorContext, state: { tries: { endpoint: string }; read: StateAt<'before-write'>['read'] }): EndpointSnapshot =>
  snapshotOf(state.tries.endpoint, ctx.zone, state.read);

/** One safeguard's check on the snapshot, before the batch (each may make one call: write-time-check's fence). */
async function beforeWrite(ctx: EnactorContext, state: StateAt<'before-write'>): Promise<Next> {
  const hook = nextHook(ctx.safeguards.hooks, state.hook, 'beforeWrite');
  const { hook: _, at: __, ...attempt } = state;
  if (hook === undefined) return settlePlan(ctx, attempt);
  const result = await ctx.safeguards.hooks[hook]!.beforeWrite!(ctx, state.work, snapshotIn(ctx, state));
  if (result) return endStep(result, state.cycle);
  return { ...state, hook: hook + 1 };
}

type Attempt = Omit<StateAt<'before-write'>, 'at' | 'hook'>;
type Settled = Attempt & { plan: Plan; rollbackTo?: number };

/** Which plan to write, and whether a rollback record goes with it. No call. */
async function settlePlan(ctx: EnactorContext, attempt: Attempt): Promise<Next> {
  const snapshot = snapshotIn(ctx, attempt);
  const rollbackTo = snapshot.generation !== attempt.work.plan.generation ? snapshot.generation : undefined;
  // DAT453's "inconsistent state": the rollback record must point at the active tree, and it is gone.
  // (Re-applying the endpoint's own generation needs no rollback record: it writes that tree again.)
  if (rollbackTo !== undefined && activeTreeGone(snapshot)) return { at: 'tree-gone', hook: 0, ...attempt };
  return refuseOrGo(ctx, { ...attempt, plan: attempt.work.plan, rollbackTo });
}

/** The active tree is gone: a safeguard may name another plan to write instead (one call each); with none, the Enactor is stuck. */
async function treeGone(ctx: EnactorContext, state: StateAt<'tree-gone'>): Promise<Next> {
  const { hook: _, at: __, ...attempt } = state;
  const snapshot = snapshotIn(ctx, state);
  const hook = nextHook(ctx.safeguards.hooks, state.hook, 'whenActiveTreeGone');
  if (hook === undefined) {
    const detail = `active tree g${snapshot.generation} is gone from DNS: cannot write the rollback record`;
    await ctx.record({ step: 'apply', outcome: 'stuck', generation: state.work.plan.generation, endpoint: state.tries.endpoint, detail });
    return endStep({ continue: false, status: 'stuck', work: state.work, detail }, state.cycle);
  }
  const instead = await ctx.safeguards.hooks[hook]!.whenActiveTreeGone!(ctx, state.work, snapshot);
  if (instead) return refuseOrGo(ctx, { ...attempt, plan: instead, rollbackTo: undefined });
  return { ...state, hook: hook + 1 };
}

/** A safeguard may refuse the plan outright; else on to the faults and the batch. No call. */
async function refuseOrGo(ctx: EnactorContext, settled: Settled): Promise<Next> {
  const { plan, work, tries, cycle } = settled;
  for (const hooks of ctx.safeguards.hooks) {
    const refusal = hooks.refusePlan?.(plan);
    if (refusal === undefined) continue;
    await ctx.record({ step: 'apply', outcome: 'refused', generation: plan.generation, endpoint: tries.endpoint, detail: refusal });
    return endStep({ continue: false, status: 'refused', work, detail: refusal }, cycle);
  }
  // Faults strike here, after every check, where a real retry storm or a lost lock would hold the Enactor.
  return { at: 'faults', fault: 0, now: ctx.clock.now(), ...settled };
}

function faultAttempt(ctx: EnactorContext, state: StateAt<'faults' | 'contend'>): FaultAttempt {
  const { endpoint, attempt } = state.tries;
  return { enactor: ctx.enactor, endpoint, attempt, zone: ctx.zone, now: state.now, runStartedAt: ctx.runStartedAt, history: ctx.history };
}

/** The next injected fault that spoils this attempt, acted out: throttling fails it; lock contention reads the lock (then takes it). */
async function actOutFaults(ctx: EnactorContext, state: StateAt<'faults'>): Promise<Next> {
  const index = await nextSpoilingFault(ctx.faults, faultAttempt(ctx, state), state.fault);
  if (index === undefined) return buildBatch(ctx, state);
  const fault = ctx.faults[index]!;
  const waitingFor = fault.until ?? state.waitingFor;
  if (fault.kind === 'throttle') return retry(ctx, state, 'throttled', waitingFor);
  try {
    const held = await contenderRead(faultAttempt(ctx, state), ctx.dns);
    return { ...state, at: 'contend', fault: index, waitingFor, held };
  } catch (error) {
    return batchFailed(ctx, state, error, undefined);
  }
}

/** The contender takes the lock it read, then the next fault. */
async function contend(ctx: EnactorContext, state: StateAt<'contend'>): Promise<Next> {
  const { held, ...rest } = state;
  try {
    await contenderTakes(faultAttempt(ctx, state), ctx.dns, held);
  } catch (error) {
    return batchFailed(ctx, state, error, undefined);
  }
  return { ...rest, at: 'faults', fault: state.fault + 1 };
}

/** The batch, from the snapshot: from here on the step needs no more of it than the batch. No call. */
function buildBatch(ctx: EnactorContext, state: StateAt<'faults'>): Next {
  const { work, tries, plan, rollbackTo, waitingFor, cycle } = state;
  const snapshot = snapshotIn(ctx, state);
  return { at: 'send', work, tries, plan, over: snapshot.generation, heldFor: waitingFor, batch: applyBatch(ctx, plan, snapshot, rollbackTo), cycle };
}

/** The one change batch that applies the plan. */
async function send(ctx: EnactorContext, state: StateAt<'send'>): Promise<Next> {
  const { work, tries, plan, over, heldFor, batch, cycle } = state;
  try {
    await ctx.dns.change(batch);
  } catch (error) {
    return batchFailed(ctx, state, error, heldFor);
  }
  const detail = over === undefined ? 'empty endpoint' : `over g${over}`;
  await ctx.record({ step: 'apply', outcome: 'applied', generation: plan.generation, endpoint: tries.endpoint, over, detail });
  return endStep({ continue: true, status: 'applied', work: { ...work, plan } }, cycle);
}

type Trying = { work: EnactorWork; tries: StateAt<'read'>['tries']; cycle?: StateAt<'read'>['cycle'] };

/** Throttling and a rejected batch spoil the attempt; anything else is a defect, and fails the Enactor. */
function batchFailed(ctx: EnactorContext, state: Trying, error: unknown, heldFor: EventPattern | undefined): Promise<Next> {
  if (error instanceof Throttled) return retry(ctx, state, 'throttled', heldFor ?? error.waitingFor);
  if (error instanceof ChangeRejected) return retry(ctx, state, rejectionReason(error, lockName(state.tries.endpoint, ctx.zone)), heldFor);
  throw error;
}

/**
 * The attempt failed: say why, then try again after the backoff, or give up. An attempt a fault holds open
 * while it waits for an event does not count against attemptsMax, but it may not wait forever.
 */
async function retry(ctx: EnactorContext, { work, tries, cycle }: Trying, detail: string, heldFor?: EventPattern): Promise<Next> {
  const { endpoint, attempt } = tries;
  await ctx.record({ step: 'apply', outcome: 'retry', generation: work.plan.generation, endpoint, detail: `attempt ${attempt}: ${detail}` });
  let { counted } = tries;
  if (heldFor) {
    const heldMs = ctx.clock.now() - tries.holdStartedAt;
    const holdMaxMs = ctx.faultHoldMsMax ?? DEFAULT_FAULT_HOLD_MS_MAX;
    if (heldMs > holdMaxMs) {
      throw new Error(
        `${endpoint}: an injected fault waited ${Math.round(heldMs / 1000)} s for "${describePattern(heldFor)}", which never ` +
          `happened (raise gates.timeoutSeconds, or fix the fault's "until")`,
      );
    }
  } else {
    counted++;
  }
  if (counted < ctx.policy.attemptsMax) {
    await ctx.clock.sleep(backoffMs(ctx.policy, attempt));
    return { at: 'read', work, tries: { ...tries, counted, attempt: attempt + 1 }, cycle };
  }
  await ctx.record({ step: 'apply', outcome: 'gave-up', generation: work.plan.generation, endpoint, detail: `${ctx.policy.attemptsMax} attempts` });
  return endStep({ continue: false, status: 'gave-up', work }, cycle);
}

/** Why Route 53 rejected the batch, in a few words: losing the lock is the usual reason. */
function rejectionReason(error: ChangeRejected, lock: string): string {
  if (error.messages.some((message) => message.includes(`name='${lock}.'`))) return 'lost the lock (it changed since it was read)';
  const first = error.messages[0] ?? error.message;
  return `change batch rejected: ${first.replace(/^\[|\]$/g, '')}`;
}

/**
 * The ONE change batch that applies a plan to an endpoint, built from one
 * snapshot. It starts by deleting the exact lock value read and creating a new
 * lease: every batch that moves an endpoint does the same, so if the endpoint
 * moved since the snapshot this batch fails, and what it writes (the rollback
 * target) and reports ("over gN") are true when it lands.
 */
function applyBatch(ctx: EnactorContext, plan: Plan, snapshot: EndpointSnapshot, rollbackTo: number | undefined): RecordChange[] {
  const { endpoint } = snapshot;
  const changes: RecordChange[] = [];
  if (snapshot.lock) changes.push({ action: 'DELETE', record: snapshot.lock });
  const lease = leaseFrom(ctx.enactor, ctx.clock.now(), ctx.policy.lockLeaseSeconds, snapshot.lease);
  changes.push({ action: 'CREATE', record: lockRecord(endpoint, lease, ctx.zone) });
  // The tree before the alias that targets it: Route 53 checks an alias's target as the batch goes. Exactly the
  // plan's: what else the tree holds goes first (a simple record there would clash with the weighted ones).
  const tree = planTreeRecords(plan, endpoint, ctx.zone);
  for (const record of extraTreeRecords(tree, snapshot.trees.get(plan.generation) ?? [])) changes.push({ action: 'DELETE', record });
  for (const record of tree) changes.push({ action: 'UPSERT', record });
  const alias = endpointRecord(endpoint, plan.generation, ctx.zone);
  if (snapshot.record && ctx.safeguards.hooks.some((hooks) => hooks.conditionalEndpointWrite)) {
    changes.push({ action: 'DELETE', record: snapshot.record }, { action: 'CREATE', record: alias });
  } else {
    changes.push({ action: 'UPSERT', record: alias });
  }
  if (rollbackTo !== undefined) changes.push({ action: 'UPSERT', record: rollbackRecord(endpoint, rollbackTo, ctx.zone) });
  return changes;
}

/** Every move of the Enactor, by the state it takes: the explorer drives them one by one (explorer/execution.ts). */
export const MOVES: Moves = {
  begin: readNewestPlan,
  'check-applied': checkApplied,
  'before-endpoint': beforeEndpoint,
  read: readForAttempt,
  'before-write': beforeWrite,
  'tree-gone': treeGone,
  faults: actOutFaults,
  contend,
  send,
  ...CLEANUP_MOVES,
};
