// The staleness check some safeguards make again, later than the Enactor's
// one-time check at begin: is the endpoint already on this plan, or newer?
import type { EnactorContext, EnactorWork, StepResult } from './enactor-types.ts';
import type { EndpointSnapshot } from './endpoint-state.ts';

/**
 * An endpoint already on this generation is done (go on to the next); one on a
 * newer generation means this plan is stale (stop: the Enactor holding the
 * newer plan does the rest). Undefined: go on and write.
 */
export async function checkNotStale(ctx: EnactorContext, work: EnactorWork, snapshot: EndpointSnapshot, by: string): Promise<StepResult | undefined> {
  const generation = work.plan.generation;
  const { endpoint } = snapshot;
  if (snapshot.generation === undefined || snapshot.generation < generation) return undefined;
  if (snapshot.generation === generation) {
    await ctx.record({ step: 'apply', outcome: 'current', generation, endpoint, detail: `${by}: already on g${generation}` });
    return { continue: true, status: 'current', work };
  }
  const detail = `${by}: endpoint is at g${snapshot.generation}`;
  await ctx.record({ step: 'apply', outcome: 'stale', generation, endpoint, detail });
  return { continue: false, status: 'stale', work, detail };
}
