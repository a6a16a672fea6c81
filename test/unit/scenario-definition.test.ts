// The ONE ASL builder: its output is valid ASL (aws-local-stepfunctions'
// validator); every Task is in the task table the embedded runner binds by;
// Lambda Tasks call one of the five functions, gates query the run-events
// table for exactly their pattern; every timestamp Wait reads a schedule entry
// the execution input provides; a warm-up branch invokes every function first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import {
  allStates,
  buildScenarioDefinition,
  EVENTS_TABLE_PLACEHOLDER,
  FUNCTION_KEYS,
  FUNCTION_PLACEHOLDERS,
  FUNCTION_TIMEOUT_SECONDS,
  GATE_QUERY_RESOURCE,
  gateQuery,
  LAMBDA_RETRIED_ERRORS,
  TASK_TIMEOUT_SECONDS,
  substitutePlaceholders,
} from '../../infra/scenario-definition.ts';
import { SCENARIOS_DIR } from '../../scenario/files.ts';
import { executionInput } from '../../scenario/schedule.ts';
import { parseScenario } from '../../scenario/schema.ts';

const scenario = parseScenario(JSON.parse(readFileSync(join(SCENARIOS_DIR, 'oct-2025.json'), 'utf8')), 'oct-2025');
const { definition, tasks } = buildScenarioDefinition(scenario);
const states = allStates(definition.States);
const functionArns = Object.fromEntries(FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-east-1:111122223333:function:${key}`])) as Record<
  (typeof FUNCTION_KEYS)[number],
  string
>;
const stateNamed = (name: string) => states.find(([stateName]) => stateName === name)?.[1];

describe('scenario state machine definition', () => {
  it('is pure: the same scenario gives the same definition and task table', () => {
    expect(JSON.stringify(buildScenarioDefinition(scenario))).toBe(JSON.stringify({ definition, tasks }));
  });

  it('passes ASL validation once its placeholders are substituted', () => {
    const deployed = substitutePlaceholders(definition, { functionArns, eventsTable: 'DnsRaceLab-Events' });
    expect(JSON.stringify(deployed)).not.toMatch(/\$\{\w+\}/);
    expect(() => new StateMachine(deployed as never, { validationOptions: { checkArn: true, checkPaths: true } })).not.toThrow();
  });

  it('has unique state names across all branches', () => {
    const names = states.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists every Task state in the task table, and nothing else', () => {
    const taskStates = states.filter(([, state]) => state.Type === 'Task').map(([name]) => name);
    expect(Object.keys(tasks).sort()).toEqual(taskStates.sort());
  });

  it('calls only the lab functions through placeholders, each Task timing out after its function does, and gates only the Query integration', () => {
    const placeholders = new Set(Object.values(FUNCTION_PLACEHOLDERS).map((name) => `\${${name}}`));
    for (const [name, state] of states.filter(([, s]) => s.Type === 'Task')) {
      if (tasks[name]!.kind === 'gate') {
        expect(state.Resource).toBe(GATE_QUERY_RESOURCE);
      } else {
        expect(placeholders).toContain(state.Resource);
        // Lambda's own timeout fires first: a Task that gave up first would leave its invocation running.
        expect(state.TimeoutSeconds).toBe(TASK_TIMEOUT_SECONDS);
        expect(state.TimeoutSeconds).toBeGreaterThan(FUNCTION_TIMEOUT_SECONDS);
      }
    }
  });

  it("retries every Lambda task on exactly Lambda's own transient errors (AWS's recommended list and throttling), never on a handler's error", () => {
    expect([...LAMBDA_RETRIED_ERRORS].sort()).toEqual([
      'Lambda.AWSLambdaException',
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.SdkClientException',
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
    ]);
    const lambdaTasks = states.filter(([name, state]) => state.Type === 'Task' && tasks[name]!.kind !== 'gate');
    expect(lambdaTasks.length).toBeGreaterThan(0);
    for (const [, state] of lambdaTasks) {
      // The Step Functions guide's policy for Lambda service exceptions, as its example gives it.
      expect(state.Retry).toEqual([{ ErrorEquals: LAMBDA_RETRIED_ERRORS, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }]);
    }
  });

  it('warms every function it calls before the race: a Parallel of warm-up invocations, then the race', () => {
    expect(definition.StartAt).toBe('Warm up');
    const warmUp = definition.States['Warm up']!;
    expect(warmUp).toMatchObject({ Type: 'Parallel', Next: 'Race' });
    const warmedBy = (built: typeof tasks) =>
      Object.values(built)
        .flatMap((task) => (task.kind === 'warm-up' ? [task.function] : []))
        .sort();
    // oct-2025 calls the race's functions only; a scenario with a cascade calls every function.
    expect(warmedBy(tasks)).toEqual(['enactor-az-a', 'enactor-az-b', 'enactor-az-c', 'planner', 'probe']);
    const cascade = parseScenario(JSON.parse(readFileSync(join(SCENARIOS_DIR, 'cascade-drill.json'), 'utf8')), 'cascade-drill');
    expect(warmedBy(buildScenarioDefinition(cascade).tasks)).toEqual([...FUNCTION_KEYS].sort());
    expect(stateNamed('warm up enactor-az-a')).toMatchObject({ Parameters: { warmUp: true } });
  });

  it('passes the Enactor its id and step, and each apply the endpoint and the work from the begin step', () => {
    const apply = stateNamed('az-a 2 apply dynamodb.us-east-1');
    expect(apply?.Resource).toBe('${EnactorAzAFunctionArn}');
    expect(apply?.Parameters).toMatchObject({ enactor: 'az-a', step: 'apply', endpoint: 'dynamodb.us-east-1', 'work.$': '$.last.work' });
    expect(tasks['az-a 2 apply dynamodb.us-east-1']).toEqual({ kind: 'step', function: 'enactor-az-a', actor: 'az-a', at: 3 });
  });

  it('puts a gate before a gated step: check, then wait and check again, the wait doubling up to its cap, and fail the run with the pattern once it has waited the timeout', () => {
    const base = 'az-b 5 cleanup';
    const { pollSeconds, pollSecondsMax, timeoutSeconds } = scenario.gates;
    // The cycle guard first, then the gate, then the step.
    expect(stateNamed(`${base} at t+16s`)).toMatchObject({ Next: `${base} ready?` });
    expect(stateNamed(`${base} ready?`)).toMatchObject({ Choices: [{ Next: `${base} gate` }] });
    expect(stateNamed(`${base} gate`)).toMatchObject({
      Type: 'Pass',
      Result: { waited: 0, wait: pollSeconds },
      ResultPath: '$.gate',
      Next: `${base} gate check`,
    });
    expect(stateNamed(`${base} gate check`)).toMatchObject({ ResultSelector: { 'seen.$': '$.Count' }, ResultPath: '$.gate.check', Next: `${base} gate open?` });
    expect(stateNamed(`${base} gate open?`)).toMatchObject({
      Choices: [
        { Variable: '$.gate.check.seen', NumericGreaterThan: 0, Next: base },
        { Variable: '$.gate.waited', NumericGreaterThanEquals: timeoutSeconds, Next: `${base} gate timed out` },
        { Variable: '$.gate.wait', NumericGreaterThan: pollSecondsMax, Next: `${base} gate cap` },
      ],
      Default: `${base} gate poll`,
    });
    expect(stateNamed(`${base} gate cap`)).toMatchObject({ Parameters: { 'waited.$': '$.gate.waited', wait: pollSecondsMax }, Next: `${base} gate poll` });
    expect(stateNamed(`${base} gate poll`)).toEqual({ Type: 'Wait', SecondsPath: '$.gate.wait', Next: `${base} gate count` });
    expect(stateNamed(`${base} gate count`)).toMatchObject({
      Parameters: { 'waited.$': 'States.MathAdd($.gate.waited, $.gate.wait)', 'wait.$': 'States.MathAdd($.gate.wait, $.gate.wait)' },
      Next: `${base} gate check`,
    });
    expect(stateNamed(`${base} gate timed out`)).toMatchObject({
      Type: 'Fail',
      Error: 'racelab.GateTimeout',
      Cause: expect.stringContaining('"az-a cleaned|stale|stuck|refused|gave-up|failed"'),
    });
    expect(tasks[`${base} gate check`]).toMatchObject({ kind: 'gate', actor: 'az-b' });
  });

  it("queries this run's partition for the gate's pattern, every field through a name placeholder", () => {
    expect(gateQuery({ actor: 'az-b', step: 'apply', outcome: ['applied', 'current'], generation: 6, endpoint: 'dynamodb.us-east-1.api' })).toEqual({
      TableName: `\${${EVENTS_TABLE_PLACEHOLDER}}`,
      KeyConditionExpression: '#runId = :runId',
      FilterExpression: '#actor = :actor AND #step = :step AND #generation = :generation AND #endpoint = :endpoint AND #outcome IN (:outcome0, :outcome1)',
      ExpressionAttributeNames: {
        '#runId': 'runId',
        '#actor': 'actor',
        '#step': 'step',
        '#generation': 'generation',
        '#endpoint': 'endpoint',
        '#outcome': 'outcome',
      },
      ExpressionAttributeValues: {
        ':runId': { 'S.$': '$$.Execution.Input.runId' },
        ':actor': { S: 'az-b' },
        ':step': { S: 'apply' },
        ':generation': { N: '6' },
        ':endpoint': { S: 'dynamodb.us-east-1.api' },
        ':outcome0': { S: 'applied' },
        ':outcome1': { S: 'current' },
      },
      ConsistentRead: true,
      Select: 'COUNT',
    });
  });

  it("waits only for instants the execution input schedules, or for a gate's poll interval", () => {
    const input = executionInput(scenario, { runId: 'r', safeguards: [], startAt: new Date(0) });
    const waits = states.filter(([, state]) => state.Type === 'Wait');
    expect(waits.length).toBeGreaterThan(0);
    for (const [, state] of waits) {
      if (state.SecondsPath !== undefined) {
        expect(state.SecondsPath).toBe('$.gate.wait');
        continue;
      }
      const key = String(state.TimestampPath).replace('$$.Execution.Input.schedule.', '');
      expect(input.schedule).toHaveProperty(key);
    }
  });

  it('with no gates, has no gate states and needs no events table', () => {
    const plain = {
      ...scenario,
      faults: [],
      timeline: { ...scenario.timeline, probe: [], planner: scenario.timeline.planner.map(({ after: _after, ...step }) => step) },
    };
    for (const actor of ['az-a', 'az-b', 'az-c'] as const) plain.timeline[actor] = plain.timeline[actor].map(({ after: _after, ...step }) => step);
    const built = buildScenarioDefinition(plain);
    expect(Object.values(built.tasks).some((task) => task.kind === 'gate')).toBe(false);
    expect(JSON.stringify(built.definition)).not.toContain(EVENTS_TABLE_PLACEHOLDER);
  });
});
