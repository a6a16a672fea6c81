// The operator's Lambda: the scenario's operator steps. `repair` repairs the
// DNS as `racelab repair` does; `freeze` and `unfreeze` throw and release the
// DNS automation's kill switch (lambdas/core/kill-switch.ts), as AWS disabled
// the Planner and the Enactors worldwide on the day; every other step changes
// one of the cascade's switches (lambdas/core/cascade/operator.ts), which DWFM
// reads each tick.
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
      if (input.action === 'freeze' || input.action === 'unfreeze') {
        const thrown = input.action === 'freeze';
        // Stamped when the write starts: an actor that meets the switch reads it after the write lands, and may record
        // that before this handler records (events are ordered by time), which would put the effect before its cause.
        const at = deps.clock.now();
        await deps.killSwitch.set({ thrown, by: 'operator' });
        const detail = thrown
          ? 'kill switch thrown: the Planner and every Enactor stop before their next change'
          : 'kill switch released: the automation goes on';
        const outcome = OPERATOR_STEPS[input.action].outcome;
        await deps.events.append({ runId: input.runId, at, actor: 'operator', step: 'operate', outcome, detail });
        return { continue: true, status: outcome };
      }
      const { outcome, change } = OPERATOR_STEPS[input.action];
      const controls = await deps.cascade.changeControls(input.runId, change);
      await record({ step: 'operate', outcome, detail: input.action });
      return { continue: true, status: outcome, controls };
    }),
  );
}

export const handler = lambdaEntry(operatorHandler);
