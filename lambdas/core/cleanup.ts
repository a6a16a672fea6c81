// The Enactor's clean-up: delete plans more than N generations older than the
// one it just applied, both the DynamoDB row and the tree in Route 53. In the
// outage this deleted the tree a delayed Enactor had just made live.
import type { RecordChange } from './dns-records.ts';
import type { EnactorContext, EnactorWork, SafeguardHooks, StepResult } from './enactor-types.ts';
import { readEndpoints, type EndpointSnapshot } from './endpoint-state.ts';
import { ChangeRejected, Throttled } from './errors.ts';

const ATTEMPTS_MAX = 5;

export async function cleanUp(ctx: EnactorContext, work: EnactorWork): Promise<StepResult> {
  const below = work.plan.generation - ctx.policy.keepGenerations;
  // Every plan covers the same endpoints, so the applied plan's list names where old trees live.
  const endpoints = work.plan.endpoints;
  let snapshots = await readEndpoints(ctx.dns, endpoints, ctx.zone);
  const rows = new Set((await ctx.store.listGenerations()).filter((generation) => generation < below));
  // Trees without a row are old plans too: a stale Enactor can write a tree after its row was deleted.
  const trees = snapshots.flatMap((snapshot) => [...snapshot.trees.keys()]).filter((generation) => generation < below);
  const deleted: number[] = [];
  for (const generation of [...new Set([...rows, ...trees])].sort((a, b) => a - b)) {
    for (let attempt = 1; ; attempt++) {
      const outcome = await deletePlan(ctx, generation, rows.has(generation), snapshots);
      if (outcome === 'deleted') deleted.push(generation);
      if (outcome !== 'retry') break;
      if (attempt >= ATTEMPTS_MAX) throw new Error(`clean-up of g${generation}: the zone kept changing for ${ATTEMPTS_MAX} attempts`);
      await ctx.clock.sleep(ctx.policy.backoffMs);
      snapshots = await readEndpoints(ctx.dns, endpoints, ctx.zone);
    }
  }
  const detail = deleted.length ? `deleted ${deleted.map((g) => `g${g}`).join(', ')}` : 'nothing to delete';
  await ctx.record({ step: 'cleanup', outcome: 'cleaned', generation: work.plan.generation, detail });
  return { continue: false, status: 'cleaned', work, detail };
}

/** What a safeguard keeps when an endpoint points at a plan clean-up would delete: the whole plan wins over the tree alone. */
function keeps(hooks: readonly SafeguardHooks[]): SafeguardHooks['cleanupKeeps'] {
  const kept = hooks.map((hook) => hook.cleanupKeeps);
  return kept.includes('plan') ? 'plan' : kept.includes('tree') ? 'tree' : undefined;
}

/** Deletes one plan's trees (one batch) and then its row; 'retry' when the zone changed under the batch. */
async function deletePlan(
  ctx: EnactorContext,
  generation: number,
  hasRow: boolean,
  snapshots: readonly EndpointSnapshot[],
): Promise<'deleted' | 'kept' | 'retry'> {
  const guard = keeps(ctx.safeguards.hooks);
  const pointing = snapshots.filter((snapshot) => snapshot.generation === generation).map((snapshot) => snapshot.endpoint);
  if (guard && pointing.length > 0) {
    const detail = `${pointing.join(', ')} ${pointing.length === 1 ? 'points' : 'point'} at it`;
    if (guard === 'plan' || !hasRow) {
      await ctx.record({ step: 'cleanup', outcome: 'kept', generation, detail });
      return 'kept';
    }
    // never-empty guards DNS changes only: the tree stays, the row still goes.
    await ctx.record({ step: 'cleanup', outcome: 'refused', generation, detail: `tree kept: ${detail}` });
    await ctx.store.deletePlan(generation);
    await ctx.record({ step: 'cleanup', outcome: 'deleted', generation, detail: 'plan row only (its tree was kept)' });
    return 'deleted';
  }

  const changes: RecordChange[] = snapshots.flatMap((snapshot) =>
    (snapshot.trees.get(generation) ?? []).map((record): RecordChange => ({ action: 'DELETE', record })),
  );
  const treeRecords = changes.length;
  if (guard) {
    // Re-assert each endpoint's lock exactly as read (DELETE, then CREATE it again). Every batch that
    // moves an endpoint rewrites its lock, so this batch fails if an endpoint moved onto this plan after
    // the read: the check and the deletion are one step. (The alias itself cannot be re-asserted when
    // its target is gone: Route 53 refuses to create an alias to nothing.)
    for (const { lock } of snapshots) if (lock) changes.push({ action: 'DELETE', record: lock }, { action: 'CREATE', record: lock });
  }
  if (changes.length > 0) {
    try {
      await ctx.dns.change(changes);
    } catch (error) {
      if (error instanceof ChangeRejected || error instanceof Throttled) return 'retry';
      throw error;
    }
  }
  if (hasRow) await ctx.store.deletePlan(generation);
  const detail = !hasRow ? 'tree only (its row was already gone)' : treeRecords === 0 ? 'row only (no tree was left)' : undefined;
  await ctx.record({ step: 'cleanup', outcome: 'deleted', generation, detail });
  return 'deleted';
}
