// recheck-each-endpoint: the one-time staleness check repeated before every
// endpoint. It narrows the window and no more: the stale write can still land
// between the recheck and the write. The lab keeps it to show exactly that.
import type { SafeguardHooks } from '../enactor-types.ts';
import { readEndpoint } from '../endpoint-state.ts';
import { checkNotStale } from '../staleness.ts';

export const name = 'recheck-each-endpoint';

export const summary = 'repeat the staleness check before every endpoint (narrows the window only)';

export const hooks: SafeguardHooks = {
  async beforeEndpoint(ctx, work, endpoint) {
    return checkNotStale(ctx, work, await readEndpoint(ctx.dns, endpoint, ctx.zone), 'recheck');
  },
};
