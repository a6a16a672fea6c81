// self-heal: the way out of the incident's "inconsistent state". An Enactor
// that finds the endpoint's active tree gone (so it cannot write the rollback
// record) applies the newest plan instead of stopping.
import type { SafeguardHooks } from '../enactor-types.ts';

export const name = 'self-heal';

export const summary = "an Enactor that finds the active plan's tree gone from DNS applies the newest plan instead of ending stuck";

export const hooks: SafeguardHooks = {
  async whenActiveTreeGone(ctx, work, snapshot) {
    const newest = await ctx.store.newestPlan();
    const plan = newest && newest.generation > work.plan.generation ? newest : work.plan;
    const detail = `active tree g${snapshot.generation} is gone: applying g${plan.generation}`;
    await ctx.record({ step: 'apply', outcome: 'self-heal', generation: plan.generation, endpoint: snapshot.endpoint, detail });
    return plan;
  },
};
