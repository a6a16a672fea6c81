// write-time-check: the staleness check moved to the moment of writing, and
// made part of the write. It is the fix: a stale Enactor cannot move an
// endpoint back, because its write only lands if nothing newer got there first.
import type { SafeguardHooks } from '../enactor-types.ts';
import { checkNotStale } from '../staleness.ts';

export const name = 'write-time-check';

export const summary =
  'each endpoint write is fenced: a DynamoDB conditional write refuses a generation older than the newest one fenced, and the Route 53 ' +
  'batch deletes the exact endpoint record it read, so it fails if the endpoint moved';

export const hooks: SafeguardHooks = {
  async beforeWrite(ctx, work, snapshot) {
    const checked = await checkNotStale(ctx, work, snapshot, 'write-time check');
    if (checked) return checked;
    // First line of the fence, faithful on every target: DynamoDB refuses a generation older than one already fenced.
    if (await ctx.store.advanceFence(snapshot.endpoint, work.plan.generation, ctx.enactor)) return undefined;
    const detail = 'write-time check: the fence holds a newer generation';
    await ctx.record({ step: 'apply', outcome: 'stale', generation: work.plan.generation, endpoint: snapshot.endpoint, detail });
    return { continue: false, status: 'stale', work, detail };
  },
  // Second line: the batch only succeeds if the endpoint still points where the Enactor read it.
  conditionalEndpointWrite: true,
};
