// The scenario state machine, in Amazon States Language, built by ONE pure
// function, together with a table of its Tasks. The CDK stack deploys the
// definition (ARNs and the events table substituted via
// DefinitionSubstitutions); the embedded target runs it with
// aws-local-stepfunctions and binds each Task to its handler through the table.
//
// Shape: a warm-up branch invokes every function once before scenario second
// 0; then each actor is a Parallel branch of Wait + Task steps. Waits are
// absolute (TimestampPath into the execution input's schedule) and only pace
// the story. Where the story needs one step after another actor's, the step
// has a gate: a bounded poll of the run-events table (a direct DynamoDB Query
// integration, no Lambda), so the order holds by cause on every target.
import { describePatterns, EXACT_PATTERN_FIELDS, outcomesOf, patternList, type EventPattern, type EventPatterns } from '../lambdas/core/event-pattern.ts';
import { CASCADE_ACTORS, type CascadeActor, type EnactorId } from '../lambdas/core/events.ts';
import { WARM_UP_INPUT } from '../lambdas/task-input.ts';
import { lastScheduledSecond, probeSeconds, scheduleKey } from '../scenario/schedule.ts';
import { ACTORS, type Actor, type EnactorStepSpec, type PlannerStep, type ProbeStep, type Scenario, type Step } from '../scenario/schema.ts';

export const FUNCTION_KEYS = ['planner', 'enactor-az-a', 'enactor-az-b', 'enactor-az-c', 'probe', 'dwfm', 'launcher', 'network', 'nlb', 'operator'] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];

/** The DefinitionSubstitutions placeholder of each function's ARN. */
export const FUNCTION_PLACEHOLDERS: Record<FunctionKey, string> = {
  planner: 'PlannerFunctionArn',
  'enactor-az-a': 'EnactorAzAFunctionArn',
  'enactor-az-b': 'EnactorAzBFunctionArn',
  'enactor-az-c': 'EnactorAzCFunctionArn',
  probe: 'ProbeFunctionArn',
  dwfm: 'DwfmFunctionArn',
  launcher: 'LauncherFunctionArn',
  network: 'NetworkFunctionArn',
  nlb: 'NlbFunctionArn',
  operator: 'OperatorFunctionArn',
};
/** The DefinitionSubstitutions placeholder of the run-events table's name, which gates query. */
export const EVENTS_TABLE_PLACEHOLDER = 'EventsTableName';

/** What the placeholders stand for in one deployment (or on the embedded target). */
export interface DefinitionValues {
  functionArns: Record<FunctionKey, string>;
  eventsTable: string;
}

/**
 * Every lab function's timeout in the CDK stack. Long, because an Enactor
 * held by a fault waits inside one invocation for the event that ends it.
 */
export const FUNCTION_TIMEOUT_SECONDS = 900;
/**
 * How much longer a Lambda Task waits than its function may run, so that Lambda's own timeout always fires first.
 * Step Functions does not stop an invocation whose Task timed out: an Enactor would go on applying a plan after
 * the state machine moved past its step, the delayed Enactor this lab is about, made by the harness. The Task's
 * clock also counts what the function's does not: the Invoke's round trip and a cold start's init (up to 10 s).
 */
export const TASK_TIMEOUT_MARGIN_SECONDS = 60;
/** Every Lambda Task's TimeoutSeconds (the warm-up's too). */
export const TASK_TIMEOUT_SECONDS = FUNCTION_TIMEOUT_SECONDS + TASK_TIMEOUT_MARGIN_SECONDS;

/** The Step Functions integration a gate uses to read the run-events table. */
export const GATE_QUERY_RESOURCE = 'arn:aws:states:::aws-sdk:dynamodb:query';

export function enactorFunction(enactor: EnactorId): FunctionKey {
  return `enactor-${enactor}`;
}

type State = Record<string, unknown>;
interface Branch {
  StartAt: string;
  States: Record<string, State>;
}
export interface AslDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
}

/** What each Task state does: the embedded runner binds handlers by this, never by reading the ASL back. */
export type TaskEntry =
  | { kind: 'warm-up'; function: FunctionKey }
  | { kind: 'step'; function: FunctionKey; actor: Actor; at: number }
  | { kind: 'probe'; function: 'probe'; at?: number }
  | { kind: 'tick'; function: CascadeActor; actor: CascadeActor }
  | { kind: 'gate'; actor: Actor; pattern: EventPatterns };

export interface ScenarioDefinition {
  definition: AslDefinition;
  /** Task state name → what it does. */
  tasks: Record<string, TaskEntry>;
}

const FROM_EXECUTION = {
  'runId.$': '$$.Execution.Input.runId',
  'startedAt.$': '$$.Execution.Input.schedule.t0',
  'safeguards.$': '$$.Execution.Input.safeguards',
  'settings.$': '$$.Execution.Input.settings',
};

/**
 * What Lambda itself throws, retried: the transient service errors the Step Functions guide says to retry on every
 * Lambda task ("Handle Lambda service exceptions"), and Lambda's throttling, which a new account's concurrency
 * quota of 10 can bring. The handlers' outcomes come back as results, and a handler error is never retried.
 */
export const LAMBDA_RETRIED_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/**
 * The guide's policy for them, as it gives it: 2 s, doubling, 6 retries (at most 2+4+…+64 = 126 s of waiting). A
 * retried step starts late, and only its own actor's later steps move (the Waits are absolute); where the story
 * needs it after another actor's step, a gate holds that order, so a late step changes no gated order.
 */
const LAMBDA_RETRY = [{ ErrorEquals: LAMBDA_RETRIED_ERRORS, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }];

/**
 * The error name an aws-sdk integration raises for a service's error, by the Step Functions guide (its page on
 * AWS SDK service integrations): "ServiceName.ErrorName", both in PascalCase, and always with the `Exception`
 * suffix, even where the service's own name for the error lacks it (S3's BucketAlreadyExists is to be caught as
 * S3.BucketAlreadyExistsException).
 */
function awsSdkErrorName(service: string, error: string): string {
  return `${service}.${error.endsWith('Exception') ? error : `${error}Exception`}`;
}

/** The service name DynamoDB's errors carry on the aws-sdk integration, which the gates use (not the optimized `arn:aws:states:::dynamodb:*`). */
const AWS_SDK_DYNAMODB = 'DynamoDb';
/** What DynamoDB's Query throws when it is busy, as the DynamoDB API Reference names them. */
const BUSY_DYNAMODB_ERRORS = ['ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'InternalServerError', 'ThrottlingException'];
/** A gate's read retries what DynamoDB throws when it is busy; anything else fails the run. */
const GATE_RETRY = [
  {
    ErrorEquals: BUSY_DYNAMODB_ERRORS.map((error) => awsSdkErrorName(AWS_SDK_DYNAMODB, error)),
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
  },
];

/** Time after the last scheduled second for the last steps' work (retries, clean-up), beyond what gates may wait. */
const TIMEOUT_MARGIN_SECONDS = 600;
const WARM_UP = 'Warm up';
const RACE = 'Race';
const FINAL_PROBE = 'Final probe';
const RUN_COMPLETE = 'Run complete';
export const GATE_TIMEOUT_ERROR = 'racelab.GateTimeout';

export function buildScenarioDefinition(scenario: Scenario): ScenarioDefinition {
  const tasks: Record<string, TaskEntry> = {};
  const branches = [
    ...ACTORS.filter((actor) => scenario.timeline[actor].length).map((actor) => actorBranch(scenario, actor, scenario.timeline[actor], tasks)),
    periodicProbeBranch(scenario.probe, tasks),
    ...(scenario.cascade ? [cascadeBranch(tasks)] : []),
  ];
  const warmUp = warmUpBranches(tasks);
  const gates = ACTORS.flatMap((actor) => (scenario.timeline[actor] as Step[]).filter((step) => step.after)).length;
  const heldFaults = scenario.faults.filter((fault) => fault.until).length;
  tasks[FINAL_PROBE] = { kind: 'probe', function: 'probe' };
  return {
    definition: {
      Comment: `dns-race-lab scenario ${scenario.name}: ${scenario.title}`,
      StartAt: WARM_UP,
      TimeoutSeconds: lastScheduledSecond(scenario) + (gates + heldFaults) * scenario.gates.timeoutSeconds + TIMEOUT_MARGIN_SECONDS,
      States: {
        // A failed warm-up only means a cold start inside the script; the race still runs.
        [WARM_UP]: { Type: 'Parallel', Branches: warmUp, ResultPath: null, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: RACE }], Next: RACE },
        [RACE]: { Type: 'Parallel', Branches: branches, ResultPath: null, Next: FINAL_PROBE },
        [FINAL_PROBE]: probeTask('final', RUN_COMPLETE),
        [RUN_COMPLETE]: { Type: 'Succeed' },
      },
    },
    tasks,
  };
}

function functionOf(actor: Actor): FunctionKey {
  return actor === 'planner' || actor === 'probe' || actor === 'operator' ? actor : enactorFunction(actor);
}

function resource(key: FunctionKey): string {
  return `\${${FUNCTION_PLACEHOLDERS[key]}}`;
}

function lambdaTask(key: FunctionKey, parameters: Record<string, unknown>, next: string): State {
  return {
    Type: 'Task',
    Resource: resource(key),
    Parameters: { ...FROM_EXECUTION, ...parameters },
    ResultPath: '$.last',
    TimeoutSeconds: TASK_TIMEOUT_SECONDS,
    Retry: LAMBDA_RETRY,
    // An unexpected handler error ends that actor's cycle, not the whole run (the handler records a `failed` event).
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.last', Next: next }],
    Next: next,
  };
}

function probeTask(label: string, next: string): State {
  return lambdaTask('probe', { label }, next);
}

/** One branch per function the race calls, each invoking it once with the warm-up input. */
function warmUpBranches(tasks: Record<string, TaskEntry>): Branch[] {
  const used = new Set(Object.values(tasks).flatMap((task) => ('function' in task ? [task.function] : [])));
  used.add('probe'); // the final probe runs whatever the timeline
  return FUNCTION_KEYS.filter((key) => used.has(key)).map((key) => {
    const name = `warm up ${key}`;
    tasks[name] = { kind: 'warm-up', function: key };
    return {
      StartAt: name,
      States: {
        [name]: {
          Type: 'Task',
          Resource: resource(key),
          Parameters: WARM_UP_INPUT,
          ResultPath: null,
          TimeoutSeconds: TASK_TIMEOUT_SECONDS,
          Retry: LAMBDA_RETRY,
          End: true,
        },
      },
    };
  });
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

function stepParameters(actor: Actor, step: Step): Record<string, unknown> {
  if (step.do === 'plan') return { count: (step as PlannerStep).count };
  if (step.do === 'probe') return { label: (step as ProbeStep).label };
  if (actor === 'operator') return { action: step.do };
  const base = { enactor: actor, step: step.do };
  if (step.do === 'apply') return { ...base, endpoint: (step as EnactorStepSpec & { do: 'apply' }).endpoint, 'work.$': '$.last.work' };
  if (step.do === 'cleanup') return { ...base, 'work.$': '$.last.work' };
  return base;
}

function actorBranch(scenario: Scenario, actor: Actor, steps: readonly Step[], tasks: Record<string, TaskEntry>): Branch {
  const states: Record<string, State> = {};
  const done = `${actor} done`;
  const names = steps.map((step, i) => {
    const base = `${actor} ${i + 1} ${stepLabel(step)}`;
    return { base, wait: `${base} at t+${step.at}s`, guard: `${base} ready?`, gate: `${base} gate`, task: base };
  });
  steps.forEach((step, i) => {
    const name = names[i]!;
    const next = names[i + 1]?.wait ?? done;
    const afterGuard = step.after ? name.gate : name.task;
    states[name.wait] = waitUntil(step.at, continuesCycle(step) ? name.guard : afterGuard);
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
            Next: afterGuard,
          },
        ],
        Default: next,
      };
    }
    // An operator acts on what it sees: when its alarm never comes (a safeguard kept the outage away, a lever the collapse), it skips the step.
    if (step.after) Object.assign(states, gateStates(scenario, actor, name.base, step.after, name.task, tasks, actor === 'operator' ? next : undefined));
    states[name.task] = lambdaTask(functionOf(actor), stepParameters(actor, step), next);
    tasks[name.task] = { kind: 'step', function: functionOf(actor), actor, at: step.at };
  });
  states[done] = { Type: 'Succeed' };
  return { StartAt: names[0]?.wait ?? done, States: states };
}

/**
 * A gate: check the run-events table for an event matching the pattern (or any
 * pattern of a list); if none yet, wait and check again, the wait doubling from pollSeconds up to
 * pollSecondsMax (a gate that opens at once costs one read; a long one few);
 * after waiting timeoutSeconds in all, fail the run saying what never
 * happened. The gate's bookkeeping lives in $.gate so that $.last (the work
 * an Enactor carries between steps) passes through.
 */
function gateStates(
  scenario: Scenario,
  actor: Actor,
  base: string,
  pattern: EventPatterns,
  open: string,
  tasks: Record<string, TaskEntry>,
  skipTo?: string,
): Record<string, State> {
  const { pollSeconds, pollSecondsMax, timeoutSeconds } = scenario.gates;
  const check = `${base} gate check`;
  const decide = `${base} gate open?`;
  const cap = `${base} gate cap`;
  const poll = `${base} gate poll`;
  const count = `${base} gate count`;
  const timedOut = `${base} gate timed out`;
  tasks[check] = { kind: 'gate', actor, pattern };
  return {
    [`${base} gate`]: { Type: 'Pass', Result: { waited: 0, wait: pollSeconds }, ResultPath: '$.gate', Next: check },
    [check]: {
      Type: 'Task',
      Resource: GATE_QUERY_RESOURCE,
      Parameters: gateQuery(pattern),
      ResultSelector: { 'seen.$': '$.Count' },
      ResultPath: '$.gate.check',
      Retry: GATE_RETRY,
      Next: decide,
    },
    [decide]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.gate.check.seen', NumericGreaterThan: 0, Next: open },
        { Variable: '$.gate.waited', NumericGreaterThanEquals: timeoutSeconds, Next: timedOut },
        { Variable: '$.gate.wait', NumericGreaterThan: pollSecondsMax, Next: cap },
      ],
      Default: poll,
    },
    [cap]: { Type: 'Pass', Parameters: { 'waited.$': '$.gate.waited', wait: pollSecondsMax }, ResultPath: '$.gate', Next: poll },
    [poll]: { Type: 'Wait', SecondsPath: '$.gate.wait', Next: count },
    [count]: {
      Type: 'Pass',
      Parameters: { 'waited.$': 'States.MathAdd($.gate.waited, $.gate.wait)', 'wait.$': 'States.MathAdd($.gate.wait, $.gate.wait)' },
      ResultPath: '$.gate',
      Next: check,
    },
    [timedOut]: skipTo
      ? { Type: 'Pass', Comment: `${base} skipped: "${describePatterns(pattern)}" did not happen within ${timeoutSeconds} s`, Next: skipTo }
      : { Type: 'Fail', Error: GATE_TIMEOUT_ERROR, Cause: `${base} waited ${timeoutSeconds} s for "${describePatterns(pattern)}", which never happened` },
  };
}

/** DynamoDB's typed value of a pattern field. */
function typed(value: string | number): { S: string } | { N: string } {
  return typeof value === 'number' ? { N: String(value) } : { S: value };
}

/**
 * The Query a gate sends: this run's partition, filtered on every field the
 * pattern gives (names through placeholders: several are reserved words); a
 * list of patterns is their filters joined by OR. Count after the filter is
 * the number of matching events. A run's events fit in one Query page (1 MB)
 * by far, so no paging.
 */
export function gateQuery(patterns: EventPatterns): Record<string, unknown> {
  const names: Record<string, string> = { '#runId': 'runId' };
  const values: Record<string, unknown> = { ':runId': { 'S.$': '$$.Execution.Input.runId' } };
  const list = patternList(patterns);
  // One pattern keeps its plain placeholders (:actor); in a list each pattern's values carry its index (:p1actor).
  const filters = list.map((pattern, p) => patternFilter(pattern, list.length === 1 ? '' : `p${p}`, names, values));
  return {
    TableName: `\${${EVENTS_TABLE_PLACEHOLDER}}`,
    KeyConditionExpression: '#runId = :runId',
    FilterExpression: filters.length === 1 ? filters[0] : filters.map((filter) => `(${filter})`).join(' OR '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ConsistentRead: true,
    Select: 'COUNT',
  };
}

/** One pattern's filter, its field names and values added to the Query's; `prefix` keeps its value placeholders apart. */
function patternFilter(pattern: EventPattern, prefix: string, names: Record<string, string>, values: Record<string, unknown>): string {
  const filters: string[] = [];
  for (const field of EXACT_PATTERN_FIELDS) {
    const value = pattern[field];
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${prefix}${field}`] = typed(value);
    filters.push(`#${field} = :${prefix}${field}`);
  }
  const outcomes = outcomesOf(pattern);
  if (outcomes) {
    names['#outcome'] = 'outcome';
    outcomes.forEach((outcome, i) => (values[`:${prefix}outcome${i}`] = typed(outcome)));
    filters.push(`#outcome IN (${outcomes.map((_, i) => `:${prefix}outcome${i}`).join(', ')})`);
  }
  return filters.join(' AND ');
}

function periodicProbeBranch(probe: Scenario['probe'], tasks: Record<string, TaskEntry>): Branch {
  const states: Record<string, State> = {};
  const times = probeSeconds(probe);
  times.forEach((t, i) => {
    const next = times[i + 1];
    const name = `probe t+${t}s`;
    states[`probe wait to t+${t}s`] = waitUntil(t, name);
    states[name] = probeTask(`t+${t}s`, next === undefined ? 'probe every done' : `probe wait to t+${next}s`);
    tasks[name] = { kind: 'probe', function: 'probe', at: t };
  });
  states['probe every done'] = { Type: 'Succeed' };
  return { StartAt: 'probe wait to t+0s', States: states };
}

/**
 * The cascade: a loop over the ticks the execution input lists
 * (`cascadeTicks`). Each turn waits for its tick's instant, then runs DWFM,
 * the launcher, Network Manager and NLB in turn, each invoked with its state
 * value and what the one before it handed on; the states ride in $.cascade
 * from tick to tick. One loop, not a state per tick: 89 ticks unrolled made a
 * definition of about 300 KB, and the stack's template passed CloudFormation's
 * 1 MB limit. A Task that fails is skipped (its handler recorded a `failed`
 * event): the next tick goes on from the last state that came back.
 */
function cascadeBranch(tasks: Record<string, TaskEntry>): Branch {
  const start = 'cascade start';
  const next = 'cascade next tick';
  const wait = 'cascade wait for the tick';
  const count = 'cascade count';
  const more = 'cascade more?';
  const done = 'cascade done';
  const taskName = (actor: CascadeActor) => `${actor} tick`;
  const states: Record<string, State> = {
    [start]: {
      Type: 'Pass',
      Parameters: {
        ...Object.fromEntries(CASCADE_ACTORS.map((actor) => [actor, { state: null, handoff: null }])),
        index: 0,
        'count.$': 'States.ArrayLength($$.Execution.Input.cascadeTicks)',
      },
      ResultPath: '$.cascade',
      Next: more,
    },
    [more]: { Type: 'Choice', Choices: [{ Variable: '$.cascade.index', NumericLessThanPath: '$.cascade.count', Next: next }], Default: done },
    [next]: {
      Type: 'Pass',
      Parameters: { 'tick.$': 'States.ArrayGetItem($$.Execution.Input.cascadeTicks, $.cascade.index)' },
      ResultPath: '$.cascadeTick',
      Next: wait,
    },
    [wait]: { Type: 'Wait', TimestampPath: '$.cascadeTick.tick.at', Next: taskName(CASCADE_ACTORS[0]) },
    [count]: { Type: 'Pass', Parameters: { 'value.$': 'States.MathAdd($.cascade.index, 1)' }, ResultPath: '$.cascadeIndex', Next: `${count} store` },
    [`${count} store`]: { Type: 'Pass', InputPath: '$.cascadeIndex.value', ResultPath: '$.cascade.index', Next: more },
    [done]: { Type: 'Succeed' },
  };
  CASCADE_ACTORS.forEach((actor, j) => {
    const after = CASCADE_ACTORS[j + 1] ? taskName(CASCADE_ACTORS[j + 1]!) : count;
    const before = CASCADE_ACTORS[j - 1];
    states[taskName(actor)] = {
      Type: 'Task',
      Resource: resource(actor),
      Parameters: {
        ...FROM_EXECUTION,
        'levers.$': '$$.Execution.Input.levers',
        'state.$': `$.cascade.${actor}.state`,
        ...(before
          ? { 'handoff.$': `$.cascade.${before}.handoff` }
          : { tick: { 'fromSecond.$': '$.cascadeTick.tick.fromSecond', 'toSecond.$': '$.cascadeTick.tick.toSecond' } }),
      },
      ResultPath: `$.cascade.${actor}`,
      TimeoutSeconds: TASK_TIMEOUT_SECONDS,
      Retry: LAMBDA_RETRY,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.cascade.failed', Next: after }],
      Next: after,
    };
    tasks[taskName(actor)] = { kind: 'tick', function: actor, actor };
  });
  return { StartAt: start, States: states };
}

/** Replaces the ${Placeholder}s given values for, as CloudFormation's DefinitionSubstitutions does. */
export function substitutePlaceholders(definition: AslDefinition, values: Partial<DefinitionValues>): AslDefinition {
  let json = JSON.stringify(definition);
  const replace = (placeholder: string, value: string | undefined) => {
    if (value !== undefined) json = json.split(`\${${placeholder}}`).join(value);
  };
  for (const key of FUNCTION_KEYS) replace(FUNCTION_PLACEHOLDERS[key], values.functionArns?.[key]);
  replace(EVENTS_TABLE_PLACEHOLDER, values.eventsTable);
  return JSON.parse(json) as AslDefinition;
}

/** Every state of a definition, Parallel branches included (state names are unique machine-wide). */
export function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => {
    const branches = (state.Branches as { States: Record<string, State> }[] | undefined) ?? [];
    return [[name, state] as [string, State], ...branches.flatMap((branch) => allStates(branch.States))];
  });
}
