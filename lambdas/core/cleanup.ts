// The Enactor's clean-up: delete plans more than N generations older than the
// one it just applied, both the DynamoDB row and the tree in Route 53. In the
// outage this deleted the tree a delayed Enactor had just made live.
import type { RecordChange } from './dns-records.ts';
import { drive, type Moves } from './enactor-driver.ts';
import { cleanupState, type Deletion, type Next, type Progress, type StateAt } from './enactor-state.ts';
import type { EnactorContext, EnactorWork, SafeguardHooks, StepResult } from './enactor-types.ts';
import { readEndpoints, type EndpointSnapshot } from './endpoint-state.ts';
import { ChangeRejected, Throttled } from './errors.ts';

type Guard = SafeguardHooks['cleanupKeeps'];

/** The clean-up step alone, as the state machine runs it last. */
export function cleanUp(ctx: EnactorContext, work: EnactorWork): Promise<StepResult> {
  return drive(ctx, cleanupState(work), CLEANUP_MOVES);
}

/** The generations clean-up deletes below: more than keepGenerations older than the plan just applied. */
const deleteBelow = (ctx: EnactorContext, work: EnactorWork) => work.plan.generation - ctx.policy.keepGenerations;

/** First the rows: which old plans the table holds. */
async function listPlans(ctx: EnactorContext, { work }: StateAt<'cleanup'>): Promise<Next> {
  const below = deleteBelow(ctx, work);
  const rows = [...new Set((await ctx.store.listGenerations()).filter((generation) => generation < below))];
  return { at: 'cleanup-read', work, rows };
}

/**
 * Then the zone: the zone last, so the deletions start from the freshest read. What clean-up keeps from here on
 * is Progress, the deletions left and no more of the read than they need, so two clean-ups that read different
 * zones but have the same deletions left are one state to the explorer.
 */
async function readZone(ctx: EnactorContext, { work, rows }: StateAt<'cleanup-read'>): Promise<Next> {
  const below = deleteBelow(ctx, work);
  // Every plan covers the same endpoints, so the applied plan's list names where old trees live.
  const snapshots = await readEndpoints(ctx.dns, work.plan.endpoints, ctx.zone);
  // Trees without a row are old plans too: a stale Enactor can write a tree after its row was deleted.
  const trees = snapshots.flatMap((snapshot) => [...snapshot.trees.keys()]).filter((generation) => generation < below);
  const generations = [...new Set([...rows, ...trees])].sort((a, b) => a - b);
  const progress: Progress = { ...deletions(generations, new Set(rows), snapshots, keeps(ctx.safeguards.hooks)), deleted: [], attempt: 1 };
  return { at: 'cleanup-delete', work, progress };
}

/** The next old plan: kept (a safeguard says an endpoint points at it), its row alone, or its trees in one batch (then its row). */
async function deleteNext(ctx: EnactorContext, { work, progress }: StateAt<'cleanup-delete'>): Promise<Next> {
  const next = progress.left[0];
  if (!next) return finish(ctx, work, progress);
  const guard = keeps(ctx.safeguards.hooks);
  const { generation, hasRow, pointing } = next;
  if (guard && pointing.length > 0) {
    const detail = `${pointing.join(', ')} ${pointing.length === 1 ? 'points' : 'point'} at it`;
    if (guard === 'plan' || !hasRow) {
      await ctx.record({ step: 'cleanup', outcome: 'kept', generation, detail });
      return { at: 'cleanup-delete', work, progress: done(progress, undefined) };
    }
    // never-empty guards DNS changes only: the tree stays, the row still goes.
    await ctx.record({ step: 'cleanup', outcome: 'refused', generation, detail: `tree kept: ${detail}` });
    await ctx.store.deletePlan(generation);
    await ctx.record({ step: 'cleanup', outcome: 'deleted', generation, detail: 'plan row only (its tree was kept)' });
    return { at: 'cleanup-delete', work, progress: done(progress, generation) };
  }

  const changes = next.tree.map((record): RecordChange => ({ action: 'DELETE', record }));
  // Re-assert each endpoint's lock exactly as read (DELETE, then CREATE it again). Every batch that
  // moves an endpoint rewrites its lock, so this batch fails if an endpoint moved onto this plan after
  // the read: the check and the deletion are one step. (The alias itself cannot be re-asserted when
  // its target is gone: Route 53 refuses to create an alias to nothing.)
  for (const lock of progress.locks) changes.push({ action: 'DELETE', record: lock }, { action: 'CREATE', record: lock });
  if (changes.length > 0) {
    try {
      await ctx.dns.change(changes);
    } catch (error) {
      if (error instanceof ChangeRejected || error instanceof Throttled) return retryDeletion(ctx, work, progress);
      throw error;
    }
  }
  return { at: 'cleanup-row', work, progress };
}

/** The trees are gone (or there were none): now the row, a move of its own. */
async function deleteRow(ctx: EnactorContext, { work, progress }: StateAt<'cleanup-row'>): Promise<Next> {
  const { generation, hasRow, tree } = progress.left[0]!;
  if (hasRow) await ctx.store.deletePlan(generation);
  const detail = !hasRow ? 'tree only (its row was already gone)' : tree.length === 0 ? 'row only (no tree was left)' : undefined;
  await ctx.record({ step: 'cleanup', outcome: 'deleted', generation, detail });
  return { at: 'cleanup-delete', work, progress: done(progress, generation) };
}

/** The next plan in line is dealt with: deleted (`generation`) or kept. */
function done(progress: Progress, generation: number | undefined): Progress {
  return { ...progress, left: progress.left.slice(1), deleted: generation === undefined ? progress.deleted : [...progress.deleted, generation], attempt: 1 };
}

/**
 * The zone changed under the batch. As many tries per plan as per endpoint; old plans left behind cost nothing
 * but space, and the next clean-up deletes them: no reason to fail.
 */
async function retryDeletion(ctx: EnactorContext, work: EnactorWork, progress: Progress): Promise<Next> {
  const next = progress.left[0]!;
  if (progress.attempt >= ctx.policy.attemptsMax) {
    const left = progress.left.map((deletion) => `g${deletion.generation}`).join(', ');
    const detail = `the zone kept changing for ${ctx.policy.attemptsMax} attempts; ${left} left for the next clean-up`;
    await ctx.record({ step: 'cleanup', outcome: 'gave-up', generation: next.generation, detail });
    return finish(ctx, work, progress, next.generation);
  }
  await ctx.clock.sleep(ctx.policy.backoffMs);
  return { at: 'cleanup-reread', work, progress: { ...progress, attempt: progress.attempt + 1 } };
}

/** Read again, and plan what is left from what is there now. */
async function reread(ctx: EnactorContext, { work, progress }: StateAt<'cleanup-reread'>): Promise<Next> {
  const fresh = await readEndpoints(ctx.dns, work.plan.endpoints, ctx.zone);
  const hasRow = new Set(progress.left.filter((deletion) => deletion.hasRow).map((deletion) => deletion.generation));
  const left = progress.left.map((deletion) => deletion.generation);
  return { at: 'cleanup-delete', work, progress: { ...progress, ...deletions(left, hasRow, fresh, keeps(ctx.safeguards.hooks)) } };
}

/** Clean-up ends the cycle, whatever it managed: say what it deleted, and where it gave up. */
async function finish(ctx: EnactorContext, work: EnactorWork, progress: Progress, gaveUp?: number): Promise<Next> {
  const parts = [progress.deleted.length ? `deleted g${progress.deleted.join(', g')}` : 'nothing deleted'];
  if (gaveUp !== undefined) parts.push(`gave up at g${gaveUp}: the zone kept changing`);
  const detail = progress.deleted.length === 0 && gaveUp === undefined ? 'nothing to delete' : parts.join('; ');
  await ctx.record({ step: 'cleanup', outcome: 'cleaned', generation: work.plan.generation, detail });
  return { end: { continue: false, status: 'cleaned', work, detail } };
}

/** What a safeguard keeps when an endpoint points at a plan clean-up would delete: the whole plan wins over the tree alone. */
function keeps(hooks: readonly SafeguardHooks[]): Guard {
  const kept = hooks.map((hook) => hook.cleanupKeeps);
  return kept.includes('plan') ? 'plan' : kept.includes('tree') ? 'tree' : undefined;
}

/** Each plan's deletion, and the locks to re-assert, from one read: only what deleting them uses. */
function deletions(
  generations: readonly number[],
  rows: ReadonlySet<number>,
  snapshots: readonly EndpointSnapshot[],
  guard: Guard,
): Pick<Progress, 'left' | 'locks'> {
  const left = generations.map((generation): Deletion => ({
    generation,
    hasRow: rows.has(generation),
    tree: snapshots.flatMap((snapshot) => snapshot.trees.get(generation) ?? []),
    pointing: guard ? snapshots.filter((snapshot) => snapshot.generation === generation).map((snapshot) => snapshot.endpoint) : [],
  }));
  const locks = guard ? snapshots.flatMap(({ lock }) => (lock ? [lock] : [])) : [];
  return { left, locks };
}

/** Clean-up's moves, by the state each takes. */
export const CLEANUP_MOVES: Moves<'cleanup' | 'cleanup-read' | 'cleanup-delete' | 'cleanup-row' | 'cleanup-reread'> = {
  cleanup: listPlans,
  'cleanup-read': readZone,
  'cleanup-delete': deleteNext,
  'cleanup-row': deleteRow,
  'cleanup-reread': reread,
};
