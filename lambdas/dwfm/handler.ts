// DWFM's Lambda: once per tick it resolves the regional endpoint through the
// lab's DNS, reads its leases and the operator's switches if DynamoDB is in
// reach, runs the tick (lambdas/core/cascade/dwfm.ts) and writes the leases back.
import { dwfmHandoff } from '../core/cascade/chain.ts';
import { dwfmTick, INITIAL_DWFM_STATE } from '../core/cascade/dwfm.ts';
import { endpointName } from '../core/dns-tree.ts';
import { TICK_FIGURES } from '../core/cascade/verdict.ts';
import { cascadeOf, recordTick } from '../cascade-tick.ts';
import { answeringWarmUp, lambdaEntry, reportingFailures, type LabDeps } from '../deps.ts';
import { dwfmInputSchema, parseTaskInput } from '../task-input.ts';

export function dwfmHandler(deps: LabDeps) {
  return answeringWarmUp(
    reportingFailures(deps, 'dwfm', 'tick', async (event: unknown) => {
      const input = parseTaskInput(dwfmInputSchema, event, 'dwfm');
      const settings = cascadeOf(input, 'dwfm');
      // DWFM reaches DynamoDB by the regional endpoint's name, as every client did: an empty answer fails every call.
      const answers = await deps.resolver.resolve4(endpointName(settings.endpoint, deps.zone));
      const reachable = answers.length > 0;
      const state = input.state ?? INITIAL_DWFM_STATE;
      const stored = reachable ? await deps.cascade.read(input.runId, settings.droplets) : undefined;
      const tickInput = {
        ...input.tick,
        reachable,
        leases: stored?.leases,
        controls: stored?.controls ?? state.controls, // unreachable: the switches as last read
        levers: input.levers,
        settings,
        seed: input.settings.seed,
      };
      const result = dwfmTick(state, tickInput);
      if (result.leases) await deps.cascade.writeLeases(input.runId, result.leases);
      await recordTick(deps, input, 'dwfm', result, { tick: input.tick.fromSecond, ...TICK_FIGURES.dwfm(result) });
      return { state: result.state, handoff: dwfmHandoff(tickInput, result) };
    }),
  );
}

export const handler = lambdaEntry(dwfmHandler);
