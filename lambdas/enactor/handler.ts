// One code for the three Enactor functions: which Enactor (AZ) it is comes in
// the event, so the embedded target can run all three in one process.
import { applyEndpoint, begin, runEnactor } from '../core/enactor.ts';
import type { EnactorContext, StepResult } from '../core/enactor-types.ts';
import { cleanUp } from '../core/cleanup.ts';
import { makeRecorder } from '../core/events.ts';
import { SafeguardSet } from '../core/safeguards/index.ts';
import { answeringWarmUp, lambdaEntry, reportingFailures, type LabDeps } from '../deps.ts';
import { withMetrics } from '../metrics.ts';
import { enactorInputSchema, parseTaskInput, type EnactorInput } from '../task-input.ts';

export function enactorHandler(deps: LabDeps) {
  return answeringWarmUp(
    reportingFailures(deps, 'enactor', 'enactor', async (event: unknown): Promise<StepResult> => {
      const input = parseTaskInput(enactorInputSchema, event, 'enactor');
      return runStep(enactorContextOf(deps, input), input);
    }),
  );
}

/**
 * The context an Enactor runs in, frozen as the explorer's is, with the faults' own fields only when the scenario has
 * faults: code under test cannot tell a Lambda's run from the explorer's (which has none) by what the context holds.
 */
export function enactorContextOf(deps: LabDeps, input: EnactorInput): EnactorContext {
  const faulted = input.settings.faults.length > 0;
  return Object.freeze({
    enactor: input.enactor,
    zone: deps.zone,
    store: deps.store,
    dns: deps.dns,
    clock: deps.clock,
    record: withMetrics(makeRecorder(deps.events, deps.clock, input.runId, input.enactor), input.runId, input.enactor),
    killSwitch: deps.killSwitch,
    safeguards: new SafeguardSet(input.safeguards),
    policy: input.settings.policy,
    faults: input.settings.faults,
    ...(faulted && {
      runStartedAt: input.startedAt === undefined ? undefined : Date.parse(input.startedAt),
      history: () => deps.events.list(input.runId),
      faultHoldMsMax: input.settings.faultHoldMsMax,
    }),
  });
}

function runStep(ctx: EnactorContext, input: EnactorInput): Promise<StepResult> {
  if (input.step === 'begin') return begin(ctx);
  if (input.step === 'run') return runEnactor(ctx);
  if (!input.work) throw new Error(`enactor input is invalid: work: required for step "${input.step}" (pass the begin step's result)`);
  if (input.step === 'cleanup') return cleanUp(ctx, input.work);
  if (!input.endpoint) throw new Error('enactor input is invalid: endpoint: required for step "apply"');
  return applyEndpoint(ctx, input.work, input.endpoint);
}

export const handler = lambdaEntry(enactorHandler);
