// The operator's Lambda: the scenario's operator steps. `repair` repairs the
// DNS as `racelab repair` does; every other step changes one of the cascade's
// switches (lambdas/core/cascade/operator.ts), which DWFM reads each tick.
import { OPERATOR_STEPS } from '../core/cascade/operator.ts';
import { makeRecorder } from '../core/events.ts';
import { applyRepair, planRepair } from '../core/repair.ts';
import { answeringWarmUp, lambdaEntry, reportingFailures, type LabDeps } from '../deps.ts';
import { operatorInputSchema, parseTaskInput } from '../task-input.ts';

export function operatorHandler(deps: LabDeps) {
  return answeringWarmUp(
    reportingFailures(deps, 'operator', 'operate', async (event: unknown) => {
      const input = parseTaskInput(operatorInputSchema, event, 'operator');
      const record = makeRecorder(deps.events, deps.clock, input.runId, 'operator');
      if (input.action === 'repair') {
        // What engineers did at 2:25 AM, as `racelab repair` does it: every endpoint pointed at a tree that exists.
        const ctx = { store: deps.store, dns: deps.dns, clock: deps.clock, zone: deps.zone };
        const repair = await planRepair(ctx);
        await applyRepair(ctx, repair);
        const changed = repair.endpoints.filter((endpoint) => endpoint.changes.length).map((endpoint) => endpoint.endpoint);
        const onto = repair.plan ? ` onto g${repair.plan.generation}` : '';
        await record({ step: 'operate', outcome: OPERATOR_STEPS.repair.outcome, detail: `repaired ${changed.length ? changed.join(', ') : 'nothing'}${onto}` });
        return { continue: true, status: OPERATOR_STEPS.repair.outcome };
      }
      const { outcome, change } = OPERATOR_STEPS[input.action];
      const controls = await deps.cascade.changeControls(input.runId, change);
      await record({ step: 'operate', outcome, detail: input.action });
      return { continue: true, status: outcome, controls };
    }),
  );
}

export const handler = lambdaEntry(operatorHandler);
