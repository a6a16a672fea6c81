// Network Manager's Lambda: once per tick, the propagation of its seconds
// (lambdas/core/cascade/network-manager.ts) for the leases and launches handed on.
import { runNetwork } from '../core/cascade/chain.ts';
import { INITIAL_NETWORK_STATE } from '../core/cascade/network-manager.ts';
import { TICK_FIGURES } from '../core/cascade/verdict.ts';
import { cascadeOf, recordTick } from '../cascade-tick.ts';
import { answeringWarmUp, lambdaEntry, reportingFailures, type LabDeps } from '../deps.ts';
import { networkInputSchema, parseTaskInput } from '../task-input.ts';

export function networkHandler(deps: LabDeps) {
  return answeringWarmUp(
    reportingFailures(deps, 'network', 'tick', async (event: unknown) => {
      const input = parseTaskInput(networkInputSchema, event, 'network');
      const { result, handoff } = runNetwork(input.state ?? INITIAL_NETWORK_STATE, input.handoff, cascadeOf(input, 'network'));
      await recordTick(deps, input, 'network', result, { tick: handoff.fromSecond, ...TICK_FIGURES.network(result) });
      return { state: result.state, handoff };
    }),
  );
}

export const handler = lambdaEntry(networkHandler);
