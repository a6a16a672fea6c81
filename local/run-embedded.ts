// Runs a scenario's state machine on the embedded target: the very ASL the
// CDK stack deploys, executed by aws-local-stepfunctions in virtual time
// (local/simulation), with each Task bound to its handler through the
// builder's task table. On the loopback lab the handlers make their real SDK
// calls to dynalite and the lab's Route 53 endpoint, and a gate's Query goes
// to dynalite as Step Functions' aws-sdk integration would send it; the
// in-memory lab (local/memory-lab.ts) plays the same run without sockets.
import './node-compat.ts';
import { StateMachine } from 'aws-local-stepfunctions';
import { systemClock } from '../lambdas/adapters/clocks.ts';
import { makeRecorder, RUNNER, type RunEvent } from '../lambdas/core/events.ts';
import { describePatterns, outcomesOf, patternList, type EventPattern, type EventPatterns } from '../lambdas/core/event-pattern.ts';
import type { Safeguard } from '../lambdas/core/safeguards/index.ts';
import type { CascadeLever } from '../lambdas/core/cascade/settings.ts';
import type { LabDeps } from '../lambdas/deps.ts';
import { enactorHandler } from '../lambdas/enactor/handler.ts';
import { plannerHandler } from '../lambdas/planner/handler.ts';
import { probeHandler } from '../lambdas/probe/handler.ts';
import { dwfmHandler } from '../lambdas/dwfm/handler.ts';
import { launcherHandler } from '../lambdas/launcher/handler.ts';
import { networkHandler } from '../lambdas/network/handler.ts';
import { nlbHandler } from '../lambdas/nlb/handler.ts';
import { operatorHandler } from '../lambdas/operator/handler.ts';
import { isWarmUp } from '../lambdas/task-input.ts';
import {
  buildScenarioDefinition,
  FUNCTION_KEYS,
  substitutePlaceholders,
  type AslDefinition,
  type FunctionKey,
  type TaskEntry,
} from '../infra/scenario-definition.ts';
import { executionInput } from '../scenario/schedule.ts';
import { ACTORS, type LatencySettings, type Scenario, type Step } from '../scenario/schema.ts';
import { UsageError } from '../scenario/usage-error.ts';
import type { ScenarioLab } from './scenario-lab.ts';
import { simulatedDeps, Simulation } from './simulation/simulation.ts';

export interface EmbeddedRunOptions {
  runId: string;
  safeguards: Safeguard[];
  levers?: CascadeLever[];
  seed?: number;
  /** Overrides of the scenario's latency; the seed defaults to the run's seed. */
  latency?: Partial<LatencySettings>;
  /**
   * The operator's steps handed over to a person (`racelab up --hand-over`): at the scenario's first operator step
   * the run holds, no virtual time passing and no actor moving, until `handOver` resolves; the operator's steps are
   * then the person's, and none runs. Give it the scenario as `handedOver` returns it.
   */
  handOver?: (moment: HandOverMoment) => Promise<void>;
}

/** Where a run is when it hands the operator's steps over. */
export interface HandOverMoment {
  runId: string;
  /** Scenario seconds since second 0. */
  atSeconds: number;
  /** The run's events so far. */
  events: RunEvent[];
}

/** How the run was simulated: enough to reproduce it, and its size. */
export interface SimulationSummary {
  latency: LatencySettings;
  /** Virtual seconds from scenario second 0 to the end of the run. */
  virtualSeconds: number;
  /** Calls the actors made to the lab's endpoints. */
  calls: number;
}

export interface EmbeddedRun {
  events: RunEvent[];
  simulation: SimulationSummary;
  /** Set when the execution failed (a gate timed out, say): the error and its cause. */
  failure?: { error: string; cause: string };
}

type Handler = (input: unknown) => Promise<unknown>;
type Overrides = NonNullable<NonNullable<Parameters<StateMachine['run']>[1]>['overrides']>;
type LocalHandler = NonNullable<Overrides['taskResourceLocalHandlers']>[string];

/** The latency a run uses: the scenario's, overridden by the options, seeded by the run's seed unless told. */
export function latencyFor(scenario: Scenario, options: Pick<EmbeddedRunOptions, 'seed' | 'latency'>): LatencySettings {
  return {
    callSeconds: options.latency?.callSeconds ?? scenario.latency.callSeconds,
    coldStartSeconds: options.latency?.coldStartSeconds ?? scenario.latency.coldStartSeconds,
    seed: options.latency?.seed ?? options.seed ?? scenario.seed,
  };
}

/**
 * ASL requires each Lambda Task's Resource to be an ARN. Nothing calls them:
 * every Task is bound to a local handler by its state name, from the task table.
 */
const NEVER_CALLED_ARNS = Object.fromEntries(
  FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-east-1:000000000000:function:racelab-embedded-${key}`]),
) as Record<FunctionKey, string>;

/**
 * Not validated here: compiling the ASL schema (ajv) costs a quarter of a
 * cold run, and the builder's output is validated by its tests
 * (test/unit/scenario-definition.test.ts) for every shape it produces.
 */
function stateMachine(definition: AslDefinition): StateMachine {
  return new StateMachine(definition as never, { validationOptions: { noValidate: true } });
}

const HANDLERS: Record<FunctionKey, (deps: LabDeps) => Handler> = {
  planner: plannerHandler,
  'enactor-az-a': enactorHandler,
  'enactor-az-b': enactorHandler,
  'enactor-az-c': enactorHandler,
  probe: probeHandler,
  dwfm: dwfmHandler,
  launcher: launcherHandler,
  network: networkHandler,
  nlb: nlbHandler,
  operator: operatorHandler,
};

/** The actor whose calls a function's handler makes. */
function actorOf(key: FunctionKey): string {
  return key.replace(/^enactor-/, '');
}

function bindTasks(lab: ScenarioLab, simulation: Simulation, tasks: Record<string, TaskEntry>, handedOver?: Handler): Record<string, LocalHandler> {
  const handlers = new Map<FunctionKey, Handler>();
  const handler = (key: FunctionKey): Handler => {
    // A run handed over to a person: the operator's steps are theirs.
    if (key === 'operator' && handedOver) return handedOver;
    let bound = handlers.get(key);
    if (!bound) {
      const run = HANDLERS[key](simulatedDeps(lab.deps(systemClock), simulation, actorOf(key)));
      // The first invocation of a function pays its cold start, whichever Task it is.
      bound = async (input) => {
        await simulation.coldStart(key);
        return run(input);
      };
      handlers.set(key, bound);
    }
    return bound;
  };
  const bound: Record<string, LocalHandler> = {};
  for (const [name, task] of Object.entries(tasks)) {
    bound[name] = (
      task.kind === 'gate' ? (input: unknown) => simulation.call(task.actor, () => lab.gateQuery(input, task.pattern)) : handler(task.function)
    ) as LocalHandler;
  }
  return bound;
}

/**
 * The scenario as it runs handed over to a person (`racelab up --hand-over`): its first operator step is where
 * their turn comes, and it is the one operator step left (the rest are theirs to do); what the run expects is
 * every endpoint answering at the end, with no story (the scenario's story is its own operator's). Refused when
 * the scenario has no operator step, or when another actor waits for an operator event that a handed-over run
 * never records (only `handed-over`, at the start of the person's turn).
 */
export function handedOver(scenario: Scenario): Scenario {
  const first = scenario.timeline.operator[0];
  if (!first) {
    throw new UsageError(
      `--hand-over: ${scenario.name} has no operator step to hand over (the turn comes where the scenario's operator first acts); ` + 'try oct-2025-freeze',
    );
  }
  const waits: [string, EventPatterns | undefined][] = [
    ...scenario.faults.map((fault, i): [string, EventPatterns | undefined] => [`faults.${i}.until`, fault.until]),
    ...ACTORS.filter((actor) => actor !== 'operator').flatMap((actor) =>
      (scenario.timeline[actor] as Step[]).map((step, i): [string, EventPatterns | undefined] => [`timeline.${actor}.${i}.after`, step.after]),
    ),
  ];
  const ownStep = (pattern: EventPattern) => pattern.actor === 'operator' && !(outcomesOf(pattern) ?? ['handed-over']).includes('handed-over');
  // A gate with a list waits in vain only if every pattern of it names such a step.
  const blocked = waits.filter(([, patterns]) => patterns !== undefined && patternList(patterns).every(ownStep));
  if (blocked.length) {
    throw new UsageError(
      `--hand-over: in ${scenario.name}, other actors wait for the operator's own steps, which a handed-over run never takes:`,
      blocked.map(
        ([path, patterns]) => `  ${path}: "${describePatterns(patterns!)}" (add "handed-over" to its outcomes to go on once the person's turn has come)`,
      ),
    );
  }
  return {
    ...scenario,
    timeline: { ...scenario.timeline, operator: [first] },
    expect: { ...scenario.expect, outcome: 'healthy', story: [], safeguards: {} },
  };
}

/**
 * The operator's Task in a handed-over run: at the first, record the hand-over and hold the run for the person's
 * turn; the later ones (a scenario handedOver left none) do nothing.
 */
function handOverTask(lab: ScenarioLab, simulation: Simulation, runId: string, startAt: () => Date, turn: EmbeddedRunOptions['handOver'] & {}): Handler {
  let handed = false;
  return async (input) => {
    if (isWarmUp(input)) return { warm: true };
    if (handed) return { continue: true, status: 'handed-over' };
    handed = true;
    const deps = simulatedDeps(lab.deps(systemClock), simulation, 'operator');
    const detail = "the operator's steps are a person's from here: the run holds until their turn ends";
    await makeRecorder(deps.events, deps.clock, runId, 'operator')({ step: 'operate', outcome: 'handed-over', detail });
    await simulation.hold('operator', async () => {
      const events = await lab.deps().events.list(runId);
      await turn({ runId, atSeconds: (simulation.time.now() - startAt().getTime()) / 1000, events });
    });
    return { continue: true, status: 'handed-over' };
  };
}

/** The innermost error of a failed execution: for a Fail state, its Error and Cause. */
function failureOf(error: unknown): { error: string; cause: string } {
  let inner = error as Error;
  while (inner.cause instanceof Error) inner = inner.cause;
  return { error: inner.name, cause: inner.message };
}

/**
 * The machine and its task table, built once per scenario and events table: a sweep plays one scenario hundreds
 * of times, and the definition is a pure function of the two. A StateMachine keeps no state between runs (each
 * run makes its own executors), and neither it nor the runner changes the definition or the table.
 */
const machines = new WeakMap<Scenario, Map<string, { machine: StateMachine; tasks: Record<string, TaskEntry> }>>();

function machineFor(scenario: Scenario, eventsTable: string): { machine: StateMachine; tasks: Record<string, TaskEntry> } {
  let byTable = machines.get(scenario);
  if (!byTable) machines.set(scenario, (byTable = new Map()));
  let built = byTable.get(eventsTable);
  if (!built) {
    const { definition, tasks } = buildScenarioDefinition(scenario);
    built = { machine: stateMachine(substitutePlaceholders(definition, { functionArns: NEVER_CALLED_ARNS, eventsTable })), tasks };
    byTable.set(eventsTable, built);
  }
  return built;
}

export async function runScenarioEmbedded(lab: ScenarioLab, scenario: Scenario, options: EmbeddedRunOptions): Promise<EmbeddedRun> {
  const { machine, tasks } = machineFor(scenario, lab.tables.events);
  const latency = latencyFor(scenario, options);
  const simulation = Simulation.start(latency, Math.ceil(Date.now() / 1000) * 1000, lab.realIo);
  let failure: EmbeddedRun['failure'];
  let startAt: Date;
  let endedAt: number;
  try {
    // Scenario second 0 once every function's warm-up (and cold start) is over.
    startAt = new Date(simulation.time.now() + (Math.ceil(latency.coldStartSeconds) + 1) * 1000);
    await lab.deps().events.append({
      runId: options.runId,
      at: startAt.getTime(),
      actor: RUNNER,
      step: 'start',
      outcome: 'scheduled',
      detail: `${scenario.name}, virtual time, latency seed ${latency.seed}`,
    });
    const input = executionInput(scenario, { runId: options.runId, safeguards: options.safeguards, levers: options.levers, seed: options.seed, startAt });
    const handOver = options.handOver && handOverTask(lab, simulation, options.runId, () => startAt, options.handOver);
    const execution = machine.run(input as never, { overrides: { taskResourceLocalHandlers: bindTasks(lab, simulation, tasks, handOver) } });
    try {
      await simulation.time.drive(execution.result);
    } catch (error) {
      failure = failureOf(error);
    }
    endedAt = simulation.time.now();
  } finally {
    simulation.stop();
  }
  return {
    events: await lab.deps().events.list(options.runId),
    simulation: { latency, virtualSeconds: Math.round(endedAt - startAt.getTime()) / 1000, calls: simulation.calls },
    failure,
  };
}
