import { makeRecorder } from '../core/events.ts';
import { writePlans } from '../core/planner.ts';
import { answeringWarmUp, lambdaEntry, reportingFailures, type LabDeps } from '../deps.ts';
import { parseTaskInput, plannerInputSchema } from '../task-input.ts';

export function plannerHandler(deps: LabDeps) {
  return answeringWarmUp(
    reportingFailures(deps, 'planner', 'plan', async (event: unknown) => {
      const input = parseTaskInput(plannerInputSchema, event, 'planner');
      const record = makeRecorder(deps.events, deps.clock, input.runId, 'planner');
      const { endpoints, pool, seed, emptyPlans } = input.settings;
      const generations = await writePlans(
        { store: deps.store, clock: deps.clock, record, killSwitch: deps.killSwitch },
        { endpoints, pool, seed, emptyGenerations: emptyPlans },
        input.count,
      );
      // Fewer than asked: the kill switch stopped the Planner (its `frozen` event says where).
      return { continue: true, status: generations.length < input.count ? 'frozen' : 'written', generations };
    }),
  );
}

export const handler = lambdaEntry(plannerHandler);
