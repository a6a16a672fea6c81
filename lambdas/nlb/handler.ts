// NLB's Lambda: once per tick, the health checks of its seconds
// (lambdas/core/cascade/nlb.ts) on the instances launched and their delays.
import { runNlb } from '../core/cascade/chain.ts';
import { initialNlbState } from '../core/cascade/nlb.ts';
import { TICK_FIGURES } from '../core/cascade/verdict.ts';
import { cascadeOf, recordTick } from '../cascade-tick.ts';
import { answeringWarmUp, lambdaEntry, reportingFailures, type LabDeps } from '../deps.ts';
import { nlbInputSchema, parseTaskInput } from '../task-input.ts';

export function nlbHandler(deps: LabDeps) {
  return answeringWarmUp(
    reportingFailures(deps, 'nlb', 'tick', async (event: unknown) => {
      const input = parseTaskInput(nlbInputSchema, event, 'nlb');
      const settings = cascadeOf(input, 'nlb');
      const result = runNlb(input.state ?? initialNlbState(settings), input.handoff, input.levers, settings);
      await recordTick(deps, input, 'nlb', result, { tick: input.handoff.fromSecond, ...TICK_FIGURES.nlb(result) });
      return { state: result.state };
    }),
  );
}

export const handler = lambdaEntry(nlbHandler);
