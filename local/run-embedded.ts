// Runs a scenario's state machine on the embedded target: the very ASL the
// CDK stack deploys, executed by aws-local-stepfunctions, with each Lambda
// Task bound to its handler. Time is scaled through the execution input's
// schedule (and the handlers' clock), not by rewriting the definition.
import './node-compat.ts';
import { StateMachine } from 'aws-local-stepfunctions';
import { ScaledClock } from '../lambdas/adapters/clocks.ts';
import type { RunEvent } from '../lambdas/core/events.ts';
import type { Safeguard } from '../lambdas/core/safeguards.ts';
import type { LabDeps } from '../lambdas/deps.ts';
import { enactorHandler } from '../lambdas/enactor/handler.ts';
import { plannerHandler } from '../lambdas/planner/handler.ts';
import { probeHandler } from '../lambdas/probe/handler.ts';
import { allStates, buildScenarioDefinition, FUNCTION_KEYS, substituteFunctionArns, type AslDefinition, type FunctionKey } from '../infra/scenario-definition.ts';
import { executionInput, type Scenario } from '../infra/scenario.ts';
import type { EmbeddedLab } from './embedded-lab.ts';

export interface EmbeddedRunOptions {
  runId: string;
  safeguards: Safeguard[];
  seed?: number;
  /** Overrides the scenario's msPerSecond. */
  msPerSecond?: number;
}

type Handler = (input: unknown) => Promise<unknown>;
const START_LEAD_MS = 80;
type Overrides = NonNullable<NonNullable<Parameters<StateMachine['run']>[1]>['overrides']>;
type LocalHandler = NonNullable<Overrides['taskResourceLocalHandlers']>[string];

/** Stand-in ARNs: the embedded target never calls Lambda, it binds each Task to a handler by its ARN. */
function embeddedArn(key: FunctionKey): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:racelab-${key}`;
}

const EMBEDDED_ARNS = Object.fromEntries(FUNCTION_KEYS.map((key) => [key, embeddedArn(key)])) as Record<FunctionKey, string>;

/** Validating ASL costs ~100 ms (ajv); do it once per distinct definition. */
const machines = new Map<string, StateMachine>();
function validatedMachine(definition: AslDefinition): StateMachine {
  const key = JSON.stringify(definition);
  let machine = machines.get(key);
  if (!machine) {
    machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    machines.set(key, machine);
  }
  return machine;
}

function handlersFor(deps: LabDeps): Record<FunctionKey, Handler> {
  const enactor = enactorHandler(deps);
  return { planner: plannerHandler(deps), 'enactor-az-a': enactor, 'enactor-az-b': enactor, 'enactor-az-c': enactor, probe: probeHandler(deps) };
}

export async function runScenarioEmbedded(lab: EmbeddedLab, scenario: Scenario, options: EmbeddedRunOptions): Promise<RunEvent[]> {
  const msPerSecond = options.msPerSecond ?? scenario.msPerSecond;
  const definition = substituteFunctionArns(buildScenarioDefinition(scenario), EMBEDDED_ARNS);
  const machine = validatedMachine(definition);
  // Scenario second 0 a little ahead, so the first steps are not late.
  const startAt = new Date(Date.now() + START_LEAD_MS);
  const deps = lab.deps(new ScaledClock(msPerSecond, startAt.getTime()));
  const handlers = handlersFor(deps);
  const byArn = new Map(FUNCTION_KEYS.map((key) => [EMBEDDED_ARNS[key], handlers[key]]));

  const taskResourceLocalHandlers: Record<string, LocalHandler> = {};
  for (const [name, state] of allStates(definition.States)) {
    if (state.Type === 'Task') {
      const handler = byArn.get(state.Resource as string);
      if (!handler) throw new Error(`state "${name}" calls ${String(state.Resource)}, which no handler serves`);
      taskResourceLocalHandlers[name] = handler as LocalHandler;
    }
  }

  // Anchors the timeline: event times read as seconds since scenario second 0.
  await deps.events.append({ runId: options.runId, at: startAt.getTime(), actor: 'racelab', step: 'start', outcome: 'scheduled', detail: `${scenario.name} at ${msPerSecond} ms per scenario second` });
  const input = executionInput(scenario, { runId: options.runId, safeguards: options.safeguards, seed: options.seed, startAt, msPerSecond });
  await machine.run(input as never, { overrides: { taskResourceLocalHandlers } }).result;
  return deps.events.list(options.runId);
}
