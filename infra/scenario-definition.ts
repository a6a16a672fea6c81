// The scenario state machine, in Amazon States Language, built by ONE pure
// function. The CDK stack deploys this output (function ARNs substituted via
// DefinitionSubstitutions) and the embedded target runs it with
// aws-local-stepfunctions. Each actor is a Parallel branch of Wait + Task
// steps; delays sit BETWEEN an Enactor's steps, which is where the race needs
// them. Waits are absolute (TimestampPath into the execution input's schedule)
// so one actor's slow step does not shift the others: the race keeps its order
// on every target, and the embedded target scales time through the schedule.
import { ENACTOR_IDS, type EnactorId } from '../lambdas/task-input.ts';
import { scheduleKey, type Actor, type EnactorStepSpec, type PlannerStep, type Scenario, type Step } from './scenario.ts';

export const FUNCTION_KEYS = ['planner', 'enactor-az-a', 'enactor-az-b', 'enactor-az-c', 'probe'] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

/** The DefinitionSubstitutions placeholder of each function's ARN. */
export const FUNCTION_PLACEHOLDERS: Record<FunctionKey, string> = {
  planner: 'PlannerFunctionArn',
  'enactor-az-a': 'EnactorAzAFunctionArn',
  'enactor-az-b': 'EnactorAzBFunctionArn',
  'enactor-az-c': 'EnactorAzCFunctionArn',
  probe: 'ProbeFunctionArn',
};

export function enactorFunction(enactor: EnactorId): FunctionKey {
  return `enactor-${enactor}`;
}

type State = Record<string, unknown>;
export interface AslDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
}

const FROM_EXECUTION = {
  'runId.$': '$$.Execution.Input.runId',
  'startedAt.$': '$$.Execution.Input.schedule.t0',
  'safeguards.$': '$$.Execution.Input.safeguards',
  'settings.$': '$$.Execution.Input.settings',
};

/** Retry only what Lambda itself throws; the handlers' own outcomes come back as results. */
const LAMBDA_RETRY = [
  {
    ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
  },
];

/** Time for the last steps' work (retries, clean-up) after the last scheduled second. */
const TIMEOUT_MARGIN_SECONDS = 600;
const FINAL_PROBE = 'Final probe';
const RUN_COMPLETE = 'Run complete';

export function buildScenarioDefinition(scenario: Scenario): AslDefinition {
  const branches = [
    ...(scenario.timeline.planner.length ? [actorBranch('planner', scenario.timeline.planner)] : []),
    ...ENACTOR_IDS.filter((id) => scenario.timeline[id].length).map((id) => actorBranch(id, scenario.timeline[id])),
    probeBranch(scenario.probe.everySeconds, scenario.probe.untilSeconds),
  ];
  const lastSecond = Math.max(scenario.probe.untilSeconds, ...Object.values(scenario.timeline).flatMap((steps) => steps.map((step) => step.at)));
  return {
    Comment: `dns-race-lab scenario ${scenario.name}: ${scenario.title}`,
    StartAt: 'Race',
    TimeoutSeconds: lastSecond + TIMEOUT_MARGIN_SECONDS,
    States: {
      Race: { Type: 'Parallel', Branches: branches, ResultPath: null, Next: FINAL_PROBE },
      [FINAL_PROBE]: probeTask('final', RUN_COMPLETE),
      [RUN_COMPLETE]: { Type: 'Succeed' },
    },
  };
}

function resource(key: FunctionKey): string {
  return `\${${FUNCTION_PLACEHOLDERS[key]}}`;
}

function task(key: FunctionKey, parameters: Record<string, unknown>, next: string): State {
  return {
    Type: 'Task',
    Resource: resource(key),
    Parameters: { ...FROM_EXECUTION, ...parameters },
    ResultPath: '$.last',
    Retry: LAMBDA_RETRY,
    // An unexpected handler error ends that actor's cycle, not the whole run.
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.last', Next: next }],
    Next: next,
  };
}

function probeTask(label: string, next: string): State {
  // A failed probe is recorded (a `failed` event) and skipped; the run goes on.
  return {
    Type: 'Task',
    Resource: resource('probe'),
    Parameters: { ...FROM_EXECUTION, label },
    ResultPath: '$.last',
    Retry: LAMBDA_RETRY,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.last', Next: next }],
    Next: next,
  };
}

/** Whether a step continues the cycle its actor began (and is skipped when the cycle stopped). */
function continuesCycle(step: Step): boolean {
  return step.do === 'apply' || step.do === 'cleanup';
}

function stepLabel(step: Step): string {
  if (step.do === 'plan') return `plan ${step.count}`;
  if (step.do === 'apply') return `apply ${step.endpoint}`;
  return step.do;
}

/** Waits until scenario second `at`, read from the execution input's schedule (already past: no wait). */
function waitUntil(at: number, next: string): State {
  return { Type: 'Wait', TimestampPath: `$$.Execution.Input.schedule.${scheduleKey(at)}`, Next: next };
}

function actorBranch(actor: Actor, steps: readonly (PlannerStep | EnactorStepSpec)[]): { StartAt: string; States: Record<string, State> } {
  const states: Record<string, State> = {};
  const done = `${actor} done`;
  const names = steps.map((step, i) => {
    const base = `${actor} ${i + 1} ${stepLabel(step)}`;
    return { wait: `${base} at t+${step.at}s`, guard: `${base} ready?`, task: base };
  });
  steps.forEach((step, i) => {
    const name = names[i]!;
    const next = names[i + 1]?.wait ?? done;
    states[name.wait] = waitUntil(step.at, continuesCycle(step) ? name.guard : name.task);
    if (continuesCycle(step)) {
      // Go on only if this Enactor's previous step said so ($.last.continue).
      states[name.guard] = {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.last.continue', IsPresent: true },
              { Variable: '$.last.continue', BooleanEquals: true },
            ],
            Next: name.task,
          },
        ],
        Default: next,
      };
    }
    states[name.task] =
      actor === 'planner'
        ? task('planner', { count: (step as PlannerStep).count }, next)
        : task(enactorFunction(actor), enactorParameters(actor, step as EnactorStepSpec), next);
  });
  states[done] = { Type: 'Succeed' };
  return { StartAt: names[0]?.wait ?? done, States: states };
}

function enactorParameters(enactor: EnactorId, step: EnactorStepSpec): Record<string, unknown> {
  const base = { enactor, step: step.do };
  if (step.do === 'apply') return { ...base, endpoint: step.endpoint, 'work.$': '$.last.work' };
  if (step.do === 'cleanup') return { ...base, 'work.$': '$.last.work' };
  return base;
}

function probeBranch(everySeconds: number, untilSeconds: number): { StartAt: string; States: Record<string, State> } {
  const states: Record<string, State> = {};
  const times: number[] = [];
  for (let t = 0; t <= untilSeconds; t += everySeconds) times.push(t);
  times.forEach((t, i) => {
    const next = times[i + 1];
    states[`probe wait to t+${t}s`] = waitUntil(t, `probe t+${t}s`);
    states[`probe t+${t}s`] = probeTask(`t+${t}s`, next === undefined ? 'probe done' : `probe wait to t+${next}s`);
  });
  states['probe done'] = { Type: 'Succeed' };
  return { StartAt: 'probe wait to t+0s', States: states };
}

/** Replaces ${Placeholder} function ARNs, as CloudFormation's DefinitionSubstitutions does. */
export function substituteFunctionArns(definition: AslDefinition, arns: Record<FunctionKey, string>): AslDefinition {
  let json = JSON.stringify(definition);
  for (const key of FUNCTION_KEYS) json = json.split(`\${${FUNCTION_PLACEHOLDERS[key]}}`).join(arns[key]);
  return JSON.parse(json) as AslDefinition;
}

/** Every state of a definition, Parallel branches included (state names are unique machine-wide). */
export function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => {
    const branches = (state.Branches as { States: Record<string, State> }[] | undefined) ?? [];
    return [[name, state] as [string, State], ...branches.flatMap((branch) => allStates(branch.States))];
  });
}
