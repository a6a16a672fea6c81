// The DNS Enactor, as in the postmortem and AWS's DAT453 account: pick the
// newest plan; check ONCE that it is newer than what is applied; then, for each
// endpoint in turn, apply it with one Route 53 change batch (the lock, the
// plan's tree, the endpoint's alias and the rollback record), retrying with
// backoff; finally clean up old plans. Each step can run on its own (the state
// machine places delays between them) or back to back (runEnactor).
import { cleanUp } from './cleanup.ts';
import type { RecordChange } from './dns-records.ts';
import { endpointRecord, extraTreeRecords, leaseFrom, leaseLive, lockName, lockRecord, planTreeRecords, rollbackRecord } from './dns-tree.ts';
import type { AttemptResult, EnactorContext, EnactorPolicy, EnactorWork, StepResult } from './enactor-types.ts';
import { activeTreeGone, oldestAppliedGeneration, readEndpoint, type EndpointSnapshot } from './endpoint-state.ts';
import { ChangeRejected, Throttled } from './errors.ts';
import { describePattern, type EventPattern } from './event-pattern.ts';
import { injectFaults } from './faults.ts';
import type { Plan } from './plan.ts';

/** When the settings name no limit (the explorer, unit tests); a scenario always passes its gates.timeoutSeconds. */
export const DEFAULT_FAULT_HOLD_MAX_MS = 240_000;

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
  for (const hooks of ctx.safeguards.hooks) {
    const result = await hooks.beforeEndpoint?.(ctx, work, endpoint);
    if (result) return result;
  }
  const tries: Tries = { endpoint, attempt: 1, counted: 0, holdStartedAt: ctx.clock.now() };
  for (; tries.counted < ctx.policy.attemptsMax; tries.attempt++) {
    const result = await attemptApply(ctx, work, tries);
    if (result.done) return result.done;
    if (result.heldFor) {
      const heldMs = ctx.clock.now() - tries.holdStartedAt;
      const holdMaxMs = ctx.faultHoldMaxMs ?? DEFAULT_FAULT_HOLD_MAX_MS;
      if (heldMs > holdMaxMs) {
        throw new Error(
          `${endpoint}: an injected fault waited ${Math.round(heldMs / 1000)} s for "${describePattern(result.heldFor)}", which never ` +
            `happened (raise gates.timeoutSeconds, or fix the fault's "until")`,
        );
      }
    } else {
      tries.counted++;
    }
    if (tries.counted < ctx.policy.attemptsMax) await ctx.clock.sleep(backoffMs(ctx.policy, tries.attempt));
  }
  await ctx.record({ step: 'apply', outcome: 'gave-up', generation: work.plan.generation, endpoint, detail: `${ctx.policy.attemptsMax} attempts` });
  return { continue: false, status: 'gave-up', work };
}

/** An endpoint's tries so far: all its apply step keeps from one attempt to the next. */
interface Tries {
  endpoint: string;
  attempt: number;
  /**
   * Attempts that count against attemptsMax. One spoiled by a fault that waits for an event does not: the
   * scenario holds the Enactor until that event, however long it takes to come.
   */
  counted: number;
  holdStartedAt: number;
}

export function backoffMs(policy: EnactorPolicy, attempt: number): number {
  return Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.backoffMsMax);
}

/**
 * One attempt: read the endpoint (one consistent snapshot), respect a live
 * lock, run the safeguards' checks, build the batch from that snapshot, send it.
 */
async function attemptApply(ctx: EnactorContext, work: EnactorWork, tries: Tries): Promise<AttemptResult> {
  const { endpoint, attempt } = tries;
  const generation = work.plan.generation;
  const retry = async (detail: string, heldFor?: EventPattern): Promise<AttemptResult> => {
    await ctx.record({ step: 'apply', outcome: 'retry', generation, endpoint, detail: `attempt ${attempt}: ${detail}` });
    return { heldFor };
  };
  const snapshot = await readEndpoint(ctx.dns, endpoint, ctx.zone);
  // The lock of DAT453: another Enactor's unexpired lease means back off and try again.
  if (snapshot.lease && snapshot.lease.holder !== ctx.enactor && leaseLive(snapshot.lease, ctx.clock.now())) {
    // How long, not until when: an event's detail must not carry the wall clock (runs compare by digest).
    const left = (snapshot.lease.expiresAtMs - ctx.clock.now()) / 1000;
    return retry(`lock held by ${snapshot.lease.holder} for ${left.toFixed(1)} s more`);
  }
  for (const hooks of ctx.safeguards.hooks) {
    const result = await hooks.beforeWrite?.(ctx, work, snapshot);
    if (result) return { done: result };
  }

  let plan = work.plan;
  let rollbackTo = snapshot.generation !== plan.generation ? snapshot.generation : undefined;
  if (rollbackTo !== undefined && activeTreeGone(snapshot)) {
    // DAT453's "inconsistent state": the rollback record must point at the active tree, and it is gone.
    // (Re-applying the endpoint's own generation needs no rollback record: it writes that tree again.)
    let instead: Plan | undefined;
    for (const hooks of ctx.safeguards.hooks) instead ??= await hooks.whenActiveTreeGone?.(ctx, work, snapshot);
    if (!instead) {
      const detail = `active tree g${snapshot.generation} is gone from DNS: cannot write the rollback record`;
      await ctx.record({ step: 'apply', outcome: 'stuck', generation, endpoint, detail });
      return { done: { continue: false, status: 'stuck', work, detail } };
    }
    plan = instead;
    rollbackTo = undefined;
  }

  for (const hooks of ctx.safeguards.hooks) {
    const refusal = hooks.refusePlan?.(plan);
    if (refusal === undefined) continue;
    await ctx.record({ step: 'apply', outcome: 'refused', generation: plan.generation, endpoint, detail: refusal });
    return { done: { continue: false, status: 'refused', work, detail: refusal } };
  }

  const over = snapshot.generation;
  let heldFor: EventPattern | undefined;
  try {
    // Faults strike here, after every check, where a real retry storm or a lost lock would hold the Enactor.
    const faultAt = { enactor: ctx.enactor, endpoint, attempt, zone: ctx.zone, now: ctx.clock.now(), runStartedAt: ctx.runStartedAt, history: ctx.history };
    heldFor = (await injectFaults(ctx.faults, faultAt, ctx.dns)).waitingFor;
    const batch = applyBatch(ctx, plan, snapshot, rollbackTo);
    // From here on the step needs no more of the snapshot than this.
    ctx.checkpoint?.('step', { tries, plan, over, heldFor, batch });
    await ctx.dns.change(batch);
  } catch (error) {
    if (error instanceof Throttled) return retry('throttled', heldFor ?? error.waitingFor);
    if (error instanceof ChangeRejected) return retry(rejectionReason(error, lockName(endpoint, ctx.zone)), heldFor);
    throw error;
  }
  await ctx.record({
    step: 'apply',
    outcome: 'applied',
    generation: plan.generation,
    endpoint,
    over,
    detail: over === undefined ? 'empty endpoint' : `over g${over}`,
  });
  return { done: { continue: true, status: 'applied', work: { ...work, plan } } };
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

/** The steps back to back, as an Enactor runs on its own (steady state). Between steps, (steps done, result) is all it holds. */
export async function runEnactor(ctx: EnactorContext): Promise<StepResult> {
  let result = await begin(ctx);
  ctx.checkpoint?.('run', [1, result]);
  if (!result.continue || !result.work) return result;
  let stepsDone = 1;
  for (const endpoint of result.work.plan.endpoints) {
    result = await applyEndpoint(ctx, result.work!, endpoint);
    ctx.checkpoint?.('run', [++stepsDone, result]);
    if (!result.continue) return result;
  }
  return cleanUp(ctx, result.work!);
}
