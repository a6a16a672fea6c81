// never-empty: no DNS change may leave an endpoint without addresses. The
// Enactor refuses a plan with no live load balancer; clean-up keeps the tree
// an endpoint points at (but, guarding DNS only, still deletes the plan's row).
import type { SafeguardHooks } from '../enactor-types.ts';
import { liveAddresses } from '../plan.ts';

export const name = 'never-empty';

export const summary =
  'refuse any DNS change that leaves an endpoint without addresses: a plan with no live load balancer, or deleting the tree an endpoint points at';

export const hooks: SafeguardHooks = {
  refusePlan: (plan) => (liveAddresses(plan).length === 0 ? `g${plan.generation} has no live load balancer` : undefined),
  cleanupKeeps: 'tree',
};
