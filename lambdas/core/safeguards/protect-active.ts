// protect-active: clean-up keeps every plan an endpoint points at, its row and
// its tree. The check is made atomic with the deletion: the clean-up batch
// re-asserts each endpoint record exactly as read, so it fails if an endpoint
// moved onto the plan meanwhile, and the row is deleted only after that batch.
import type { SafeguardHooks } from '../enactor-types.ts';

export const name = 'protect-active';

export const summary = 'clean-up never deletes a plan that an endpoint points at: neither its row nor its tree';

export const hooks: SafeguardHooks = { cleanupKeeps: 'plan' };
