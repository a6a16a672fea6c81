// The Enactor's clean-up: delete plans more than N generations older than the
// one it just applied, both the DynamoDB row and the tree in Route 53. In the
// outage this deleted the tree a delayed Enactor had just made live.
import type { RecordChange, RecordSet } from './dns-records.ts';
import type { EnactorContext, EnactorWork, SafeguardHooks, StepResult } from './enactor-types.ts';
import { readEndpoints, type EndpointSnapshot } from './endpoint-state.ts';
import { ChangeRejected, Throttled } from './errors.ts';

type Guard = SafeguardHooks['cleanupKeeps'];

/** One old plan to delete, with all that deleting it needs from the last read. */
interface Deletion {
  generation: number;
  hasRow: boolean;
  /** Its trees' records, under every endpoint. */
  tree: RecordSet[];
  /** The endpoints that pointed at it (only read when a safeguard keeps what an endpoint points at). */
  pointing: string[];
}

/**
 * Clean-up's whole state from one call to the next, beside the work it was given. The loop keeps nothing
 * else, so it tells the explorer (EnactorContext.checkpoint), which then treats two clean-ups that read
 * different zones but have the same deletions left as one.
 */
interface Progress {
  /** What is left to delete, the next one first, as of the last read. */
  left: Deletion[];
  /** Each endpoint's lock as last read, which a guarded batch re-asserts (none when nothing is guarded). */
  locks: RecordSet[];
  deleted: number[];
  /** Tries at `left[0]` so far. */
  attempt: number;
}

export async function cleanUp(ctx: EnactorContext, work: EnactorWork): Promise<StepResult> {
  const below = work.plan.generation - ctx.policy.keepGenerations;
  // Every plan covers the same endpoints, so the applied plan's list names where old trees live.
  const endpoints = work.plan.endpoints;
  const guard = keeps(ctx.safeguards.hooks);
  const rows = new Set((await ctx.store.listGenerations()).filter((generation) => generation < below));
  // The zone last, so the loop starts from the freshest read (and holds no more of it than it needs).
  const snapshots = await readEndpoints(ctx.dns, endpoints, ctx.zone);
  // Trees without a row are old plans too: a stale Enactor can write a tree after its row was deleted.
  const trees = snapshots.flatMap((snapshot) => [...snapshot.trees.keys()]).filter((generation) => generation < below);
  const generations = [...new Set([...rows, ...trees])].sort((a, b) => a - b);
  const progress: Progress = { ...deletions(generations, rows, snapshots, guard), deleted: [], attempt: 1 };
  let gaveUp: number | undefined;
  while (progress.left.length > 0) {
    ctx.checkpoint?.('step', progress);
    const next = progress.left[0]!;
    const outcome = await deletePlan(ctx, next, progress.locks, guard);
    if (outcome !== 'retry') {
      if (outcome === 'deleted') progress.deleted.push(next.generation);
      progress.left.shift();
      progress.attempt = 1;
      continue;
    }
    // As many tries per plan as per endpoint. Old plans left behind cost nothing but space, and the next
    // clean-up deletes them: no reason to fail.
    if (progress.attempt >= ctx.policy.attemptsMax) {
      gaveUp = next.generation;
      const left = progress.left.map((deletion) => `g${deletion.generation}`).join(', ');
      const detail = `the zone kept changing for ${ctx.policy.attemptsMax} attempts; ${left} left for the next clean-up`;
      await ctx.record({ step: 'cleanup', outcome: 'gave-up', generation: next.generation, detail });
      break;
    }
    progress.attempt++;
    await ctx.clock.sleep(ctx.policy.backoffMs);
    // Read again, and plan what is left from what is there now.
    const fresh = await readEndpoints(ctx.dns, endpoints, ctx.zone);
    const hasRow = new Set(progress.left.filter((deletion) => deletion.hasRow).map((deletion) => deletion.generation));
    Object.assign(
      progress,
      deletions(
        progress.left.map((deletion) => deletion.generation),
        hasRow,
        fresh,
        guard,
      ),
    );
  }
  const parts = [progress.deleted.length ? `deleted g${progress.deleted.join(', g')}` : 'nothing deleted'];
  if (gaveUp !== undefined) parts.push(`gave up at g${gaveUp}: the zone kept changing`);
  const detail = progress.deleted.length === 0 && gaveUp === undefined ? 'nothing to delete' : parts.join('; ');
  await ctx.record({ step: 'cleanup', outcome: 'cleaned', generation: work.plan.generation, detail });
  return { continue: false, status: 'cleaned', work, detail };
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

/** Deletes one plan's trees (one batch) and then its row; 'retry' when the zone changed under the batch. */
async function deletePlan(ctx: EnactorContext, deletion: Deletion, locks: readonly RecordSet[], guard: Guard): Promise<'deleted' | 'kept' | 'retry'> {
  const { generation, hasRow, pointing } = deletion;
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

  const changes = deletion.tree.map((record): RecordChange => ({ action: 'DELETE', record }));
  // Re-assert each endpoint's lock exactly as read (DELETE, then CREATE it again). Every batch that
  // moves an endpoint rewrites its lock, so this batch fails if an endpoint moved onto this plan after
  // the read: the check and the deletion are one step. (The alias itself cannot be re-asserted when
  // its target is gone: Route 53 refuses to create an alias to nothing.)
  for (const lock of locks) changes.push({ action: 'DELETE', record: lock }, { action: 'CREATE', record: lock });
  if (changes.length > 0) {
    try {
      await ctx.dns.change(changes);
    } catch (error) {
      if (error instanceof ChangeRejected || error instanceof Throttled) return 'retry';
      throw error;
    }
  }
  if (hasRow) await ctx.store.deletePlan(generation);
  const detail = !hasRow ? 'tree only (its row was already gone)' : deletion.tree.length === 0 ? 'row only (no tree was left)' : undefined;
  await ctx.record({ step: 'cleanup', outcome: 'deleted', generation, detail });
  return 'deleted';
}
