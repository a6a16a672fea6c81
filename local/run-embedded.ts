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
  /** Filled in when given: how far the run slipped from its schedule. */
  timing?: ScheduleTiming;
}

/**
 * How far a run slipped from its script, in scenario seconds. The scripted
 * order assumes steps start on time and short steps stay short; on a machine
 * too busy for that, the race may not play out as written.
 */
export interface ScheduleTiming {
  /** The most any step started after its scheduled second, counting only steps whose actor was idle by then. */
  lateSecondsMax: number;
  /** The longest a plan or begin step took: steps that never sleep and should take well under a second. */
  busySecondsMax: number;
}

/** Above these the run warns that the script may not have held. */
export const SLIP_WARNING = { lateSeconds: 0.5, busySeconds: 2 } as const;

export function slipped(timing: ScheduleTiming): boolean {
  return timing.lateSecondsMax > SLIP_WARNING.lateSeconds || timing.busySecondsMax > SLIP_WARNING.busySeconds;
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

/** Each Task that follows a scheduled Wait: its actor (branch) and scenario second. */
function scheduledTasks(definition: AslDefinition): Map<string, { actor: string; at: number }> {
  const tasks = new Map<string, { actor: string; at: number }>();
  const branches = (definition.States.Race?.Branches as { StartAt: string; States: Record<string, Record<string, unknown>> }[] | undefined) ?? [];
  branches.forEach((branch, index) => {
    for (const state of Object.values(branch.States)) {
      const at = /schedule\.t(\d+)$/.exec(String(state.TimestampPath ?? ''))?.[1];
      if (at === undefined) continue;
      const next = branch.States[state.Next as string];
      // The Wait leads to the Task, or to the Choice that guards it.
      const task = next?.Type === 'Choice' ? ((next.Choices as { Next: string }[])[0]?.Next ?? '') : (state.Next as string);
      tasks.set(task, { actor: `branch-${index}`, at: Number(at) });
    }
  });
  return tasks;
}

function handlersFor(deps: LabDeps): Record<FunctionKey, Handler> {
  const enactor = enactorHandler(deps);
  return { planner: plannerHandler(deps), 'enactor-az-a': enactor, 'enactor-az-b': enactor, 'enactor-az-c': enactor, probe: probeHandler(deps) };
}

export async function runScenarioEmbedded(lab: EmbeddedLab, scenario: Scenario, options: EmbeddedRunOptions): Promise<RunEvent[]> {
  const msPerSecond = options.msPerSecond ?? scenario.msPerSecond;
  const definition = substituteFunctionArns(buildScenarioDefinition(scenario), EMBEDDED_ARNS);
  const machine = validatedMachine(definition);
  // The first call of each handler compiles its code paths; do that before the
  // schedule starts (read-only calls: begin finds no plan yet, the probe only resolves).
  const rehearsal = executionInput(scenario, { runId: `${options.runId}-warm-up`, safeguards: options.safeguards, startAt: new Date(), msPerSecond });
  const warmDeps = lab.deps();
  await enactorHandler(warmDeps)({ ...rehearsal, enactor: 'az-a', step: 'begin' });
  await probeHandler(warmDeps)({ ...rehearsal, label: 'warm-up' });
  // Scenario second 0 a little ahead, so the first steps are not late.
  const startAt = new Date(Date.now() + START_LEAD_MS);
  const deps = lab.deps(new ScaledClock(msPerSecond, startAt.getTime()));
  const handlers = handlersFor(deps);
  const byArn = new Map(FUNCTION_KEYS.map((key) => [EMBEDDED_ARNS[key], handlers[key]]));

  const taskResourceLocalHandlers: Record<string, LocalHandler> = {};
  const scheduled = scheduledTasks(definition);
  const idleSince = new Map<string, number>();
  let lateMsMax = 0;
  let busyMsMax = 0;
  for (const [name, state] of allStates(definition.States)) {
    if (state.Type !== 'Task') continue;
    const handler = byArn.get(state.Resource as string);
    if (!handler) throw new Error(`state "${name}" calls ${String(state.Resource)}, which no handler serves`);
    const plan = scheduled.get(name);
    // Planner tasks carry a count; Enactor begin steps never sleep. Both should be short.
    const parameters = (state.Parameters ?? {}) as { step?: string; count?: number };
    const short = parameters.count !== undefined || parameters.step === 'begin';
    taskResourceLocalHandlers[name] = (async (input: unknown) => {
      const started = Date.now();
      if (plan) lateMsMax = Math.max(lateMsMax, started - Math.max(startAt.getTime() + plan.at * msPerSecond, idleSince.get(plan.actor) ?? 0));
      try {
        return await handler(input);
      } finally {
        if (short) busyMsMax = Math.max(busyMsMax, Date.now() - started);
        if (plan) idleSince.set(plan.actor, Date.now());
      }
    }) as LocalHandler;
  }

  // Anchors the timeline: event times read as seconds since scenario second 0.
  await deps.events.append({ runId: options.runId, at: startAt.getTime(), actor: 'racelab', step: 'start', outcome: 'scheduled', detail: `${scenario.name} at ${msPerSecond} ms per scenario second` });
  const input = executionInput(scenario, { runId: options.runId, safeguards: options.safeguards, seed: options.seed, startAt, msPerSecond });
  await machine.run(input as never, { overrides: { taskResourceLocalHandlers } }).result;
  if (options.timing) {
    options.timing.lateSecondsMax = Math.round((lateMsMax / msPerSecond) * 10) / 10;
    options.timing.busySecondsMax = Math.round((busyMsMax / msPerSecond) * 10) / 10;
  }
  return deps.events.list(options.runId);
}
