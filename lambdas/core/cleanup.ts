// The Enactor's clean-up: delete plans more than N generations older than the
// one it just applied, both the DynamoDB row and the Route 53 subtree. In the
// outage this deleted the plan a delayed Enactor had just made live.
import type { RecordChange, RecordSet } from './dns-records.ts';
import { planSubtreeName } from './dns-tree.ts';
import { cnameGeneration, readCname } from './endpoint-state.ts';
import type { EnactorContext, EnactorWork, StepResult } from './enactor.ts';
import { ChangeRejected, Throttled } from './errors.ts';
import type { Plan } from './plan.ts';

type SubtreeOutcome = 'deleted' | 'absent' | 'active' | 'retry';

export async function cleanUp(ctx: EnactorContext, work: EnactorWork): Promise<StepResult> {
  const below = work.plan.generation - ctx.policy.keepGenerations;
  const deleted: number[] = [];
  for (const generation of await ctx.store.listGenerations()) {
    if (generation >= below) continue;
    const plan = await ctx.store.getPlan(generation);
    if (!plan) continue;
    if (await deletePlan(ctx, plan)) deleted.push(generation);
  }
  const detail = deleted.length ? `deleted ${deleted.map((g) => `g${g}`).join(', ')}` : 'nothing to delete';
  await ctx.record({ step: 'cleanup', outcome: 'cleaned', generation: work.plan.generation, detail });
  return { continue: false, status: 'cleaned', work, detail };
}

/** Deletes one plan's subtree and row; returns false when a safeguard kept the plan. */
async function deletePlan(ctx: EnactorContext, plan: Plan): Promise<boolean> {
  const protect = ctx.safeguards.has('protect-active');
  const guard = protect || ctx.safeguards.has('never-empty');
  const outcome = await deleteSubtree(ctx, plan, guard);
  if (outcome === 'active') {
    if (protect) {
      await ctx.record({ step: 'cleanup', outcome: 'kept', generation: plan.generation, detail: 'an endpoint points at it' });
      return false;
    }
    // never-empty guards DNS changes only: the DNS records stay, the row still goes.
    await ctx.record({ step: 'cleanup', outcome: 'refused', generation: plan.generation, detail: 'DNS records kept: deleting them would empty an endpoint' });
  }
  await ctx.store.deletePlan(plan.generation);
  const detail = outcome === 'active' ? 'plan row only (its DNS records were kept)' : undefined;
  await ctx.record({ step: 'cleanup', outcome: 'deleted', generation: plan.generation, detail });
  return true;
}

const SUBTREE_ATTEMPTS_MAX = 5;

async function deleteSubtree(ctx: EnactorContext, plan: Plan, guard: boolean): Promise<SubtreeOutcome> {
  for (let attempt = 1; attempt <= SUBTREE_ATTEMPTS_MAX; attempt++) {
    const outcome = await attemptDeleteSubtree(ctx, plan, guard);
    if (outcome !== 'retry') return outcome;
    await ctx.clock.sleep(ctx.policy.backoffMs);
  }
  throw new Error(`clean-up of g${plan.generation}: the zone kept changing for ${SUBTREE_ATTEMPTS_MAX} attempts`);
}

async function attemptDeleteSubtree(ctx: EnactorContext, plan: Plan, guard: boolean): Promise<SubtreeOutcome> {
  const changes: RecordChange[] = [];
  if (guard) {
    const cnames: RecordSet[] = [];
    for (const endpoint of plan.endpoints) {
      const cname = await readCname(ctx.dns, endpoint, ctx.zone);
      if (cnameGeneration(cname) === plan.generation) return 'active';
      if (cname) cnames.push(cname);
    }
    // Re-assert each CNAME as read (exact DELETE, then CREATE it again), so the
    // batch fails if an endpoint moved onto this plan after we looked.
    for (const cname of cnames) changes.push({ action: 'DELETE', record: cname }, { action: 'CREATE', record: cname });
  }
  let subtreeRecords = 0;
  for (const endpoint of plan.endpoints) {
    for (const record of await ctx.dns.recordsAt(planSubtreeName(endpoint, plan.generation, ctx.zone))) {
      changes.push({ action: 'DELETE', record });
      subtreeRecords++;
    }
  }
  if (subtreeRecords === 0) return 'absent';
  try {
    await ctx.dns.change(changes);
    return 'deleted';
  } catch (error) {
    if (error instanceof ChangeRejected || error instanceof Throttled) return 'retry';
    throw error;
  }
}
