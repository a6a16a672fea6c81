// The EC2 launcher's Lambda: once per tick, the launches of its seconds
// (lambdas/core/cascade/launcher.ts), on the leases DWFM handed on.
import { runLauncher } from '../core/cascade/chain.ts';
import { INITIAL_LAUNCHER_STATE } from '../core/cascade/launcher.ts';
import { TICK_FIGURES } from '../core/cascade/verdict.ts';
import { cascadeOf, recordTick } from '../cascade-tick.ts';
import { answeringWarmUp, lambdaEntry, reportingFailures, type LabDeps } from '../deps.ts';
import { launcherInputSchema, parseTaskInput } from '../task-input.ts';

export function launcherHandler(deps: LabDeps) {
  return answeringWarmUp(
    reportingFailures(deps, 'launcher', 'tick', async (event: unknown) => {
      const input = parseTaskInput(launcherInputSchema, event, 'launcher');
      const { result, handoff } = runLauncher(input.state ?? INITIAL_LAUNCHER_STATE, input.handoff, cascadeOf(input, 'launcher'));
      await recordTick(deps, input, 'launcher', result, { tick: handoff.fromSecond, ...TICK_FIGURES.launcher(result) });
      return { state: result.state, handoff };
    }),
  );
}

export const handler = lambdaEntry(launcherHandler);
