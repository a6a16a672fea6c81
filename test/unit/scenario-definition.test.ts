// The ONE ASL builder: its output is valid ASL (aws-local-stepfunctions'
// validator), every Task calls one of the five functions, every Wait reads a
// schedule entry the execution input provides, and names are unique.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { allStates, buildScenarioDefinition, FUNCTION_KEYS, FUNCTION_PLACEHOLDERS, substituteFunctionArns } from '../../infra/scenario-definition.ts';
import { executionInput, parseScenario } from '../../infra/scenario.ts';
import { SCENARIOS_DIR } from '../../cli/scenario-files.ts';

const scenario = parseScenario(JSON.parse(readFileSync(join(SCENARIOS_DIR, 'oct-2025.json'), 'utf8')), 'oct-2025');
const definition = buildScenarioDefinition(scenario);
const states = allStates(definition.States);
const arns = Object.fromEntries(FUNCTION_KEYS.map((key) => [key, `arn:aws:lambda:us-east-1:111122223333:function:${key}`])) as Record<(typeof FUNCTION_KEYS)[number], string>;

describe('scenario state machine definition', () => {
  it('is pure: the same scenario gives the same definition', () => {
    expect(JSON.stringify(buildScenarioDefinition(scenario))).toBe(JSON.stringify(definition));
  });

  it('passes ASL validation once function ARNs are substituted', () => {
    expect(() => new StateMachine(substituteFunctionArns(definition, arns) as never, { validationOptions: { checkArn: true, checkPaths: true } })).not.toThrow();
  });

  it('has unique state names across all branches', () => {
    const names = states.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('calls only the five lab functions, through DefinitionSubstitutions placeholders', () => {
    const placeholders = new Set(Object.values(FUNCTION_PLACEHOLDERS).map((name) => `\${${name}}`));
    const tasks = states.filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(10);
    for (const [, state] of tasks) expect(placeholders).toContain(state.Resource);
  });

  it('passes the Enactor its id and step, and each apply the endpoint and the work from the begin step', () => {
    const apply = states.find(([name]) => name === 'az-a 2 apply dynamodb.us-east-1')?.[1];
    expect(apply?.Resource).toBe('${EnactorAzAFunctionArn}');
    expect(apply?.Parameters).toMatchObject({ enactor: 'az-a', step: 'apply', endpoint: 'dynamodb.us-east-1', 'work.$': '$.last.work' });
  });

  it('waits only for instants the execution input schedules', () => {
    const input = executionInput(scenario, { runId: 'r', safeguards: [], startAt: new Date(0), msPerSecond: 1000 });
    const waits = states.filter(([, state]) => state.Type === 'Wait');
    expect(waits.length).toBeGreaterThan(0);
    for (const [, state] of waits) {
      const key = String(state.TimestampPath).replace('$$.Execution.Input.schedule.', '');
      expect(input.schedule).toHaveProperty(key);
    }
  });
});
