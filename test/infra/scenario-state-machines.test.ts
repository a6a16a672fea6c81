// The deployed race is the tested race: one state machine per scenario file,
// whose DefinitionString is the ASL builder's output byte for byte and, once
// CloudFormation applies DefinitionSubstitutions, calls each lab function by
// its ARN; logging ALL and X-Ray tracing on; the StateMachines output maps
// every scenario name to its state machine. Every error name a Retry or Catch
// waits for is one Step Functions raises for that Task's integration.
import * as dynamodbApi from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { scenarioNames } from '../../scenario/files.ts';
import {
  allStates,
  buildScenarioDefinition,
  GATE_QUERY_RESOURCE,
  GATE_TIMEOUT_ERROR,
  EVENTS_TABLE_PLACEHOLDER,
  FUNCTION_KEYS,
  FUNCTION_PLACEHOLDERS,
  substitutePlaceholders,
  type FunctionKey,
} from '../../infra/scenario-definition.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { STACK_OUTPUTS } from '../../infra/stack-outputs.ts';
import { allScenarios, resourcesOfType, synthesizeLab, templateText, type CfnResource, type SynthesizedLab } from './lab-app-fixture.ts';

let lab: SynthesizedLab;
let scenarios: Scenario[];

beforeAll(async () => {
  scenarios = await allScenarios();
  lab = synthesizeLab({ scenarios });
});

function machineOf(scenario: Scenario): CfnResource {
  const construct = lab.stack.stateMachines.get(scenario.name)!.stateMachine;
  return lab.json.Resources[lab.stack.getLogicalId(construct.node.defaultChild as never)]!;
}

/** What CloudFormation does with DefinitionSubstitutions, with each ARN rendered as `<LogicalId.Arn>`. */
function deployedDefinition(machine: CfnResource): unknown {
  let definition = templateText(machine.Properties!.DefinitionString);
  for (const [name, value] of Object.entries(machine.Properties!.DefinitionSubstitutions as Record<string, unknown>)) {
    definition = definition.split(`\${${name}}`).join(templateText(value));
  }
  return JSON.parse(definition);
}

function functionArnsAsRendered(): Record<FunctionKey, string> {
  const arns = {} as Record<FunctionKey, string>;
  for (const key of FUNCTION_KEYS) arns[key] = `<${lab.stack.getLogicalId(lab.stack.functions.byKey[key].function.node.defaultChild as never)}.Arn>`;
  return arns;
}

describe('scenario state machines', () => {
  it('are one per scenario file', async () => {
    const names = await scenarioNames();
    expect(names.length).toBeGreaterThan(0);
    expect([...lab.stack.stateMachines.keys()].sort()).toEqual(names);
    lab.template.resourceCountIs('AWS::StepFunctions::StateMachine', names.length);
  });

  it("deploy the ASL builder's output verbatim as the DefinitionString", () => {
    for (const scenario of scenarios) {
      expect(templateText(machineOf(scenario).Properties!.DefinitionString)).toBe(JSON.stringify(buildScenarioDefinition(scenario).definition));
    }
  });

  it("after substitution, equal the builder's definition with each placeholder replaced by that function's ARN and the events table's name", () => {
    const arns = functionArnsAsRendered();
    const eventsTable = `<${lab.stack.getLogicalId(lab.stack.tables.events.node.defaultChild as never)}>`;
    for (const scenario of scenarios) {
      const deployed = deployedDefinition(machineOf(scenario));
      expect(deployed).toEqual(substitutePlaceholders(buildScenarioDefinition(scenario).definition, { functionArns: arns, eventsTable }));
      expect(JSON.stringify(deployed)).not.toMatch(/\$\{\w+\}/);
    }
  });

  it('substitute only the placeholders the builder defines', () => {
    const known = new Set([...Object.values(FUNCTION_PLACEHOLDERS), EVENTS_TABLE_PLACEHOLDER]);
    for (const scenario of scenarios) {
      for (const name of Object.keys(machineOf(scenario).Properties!.DefinitionSubstitutions as object)) expect(known).toContain(name);
    }
  });

  it('log ALL events with execution data to a one-day log group and trace with X-Ray', () => {
    for (const [, machine] of resourcesOfType(lab.json, 'AWS::StepFunctions::StateMachine')) {
      expect(machine.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
      });
      expect(machine.DeletionPolicy).toBe('Delete');
      const [logGroupId] = (
        machine.Properties!.LoggingConfiguration as { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string] } } }[] }
      ).Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'];
      expect(lab.json.Resources[logGroupId]!.Properties).toMatchObject({
        RetentionInDays: 1,
        LogGroupName: expect.stringMatching(/^\/aws\/vendedlogs\/states\//),
      });
    }
  });

  it('are listed in the StateMachines output as a JSON object: scenario name → state machine ARN', () => {
    const output = JSON.parse(templateText(lab.json.Outputs[STACK_OUTPUTS.stateMachines]!.Value)) as Record<string, string>;
    expect(output).toEqual(
      Object.fromEntries(
        scenarios.map((scenario) => [
          scenario.name,
          `<${lab.stack.getLogicalId(lab.stack.stateMachines.get(scenario.name)!.stateMachine.node.defaultChild as never)}>`,
        ]),
      ),
    );
  });
});

/**
 * The error names Step Functions documents (developer guide, "Handling errors in Step Functions workflows"; the
 * States Language's Appendix A), as the forms a Retry or Catch may name.
 */
const STATES_ERRORS = [
  'States.ALL',
  'States.BranchFailed',
  'States.DataLimitExceeded',
  'States.ExceedToleratedFailureThreshold',
  'States.HeartbeatTimeout',
  'States.Http.Socket',
  'States.IntrinsicFailure',
  'States.ItemReaderFailed',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.Permissions',
  'States.ResultPathMatchFailure',
  'States.ResultWriterFailed',
  'States.Runtime',
  'States.TaskFailed',
  'States.Timeout',
];
/** Lambda's service exceptions as a Lambda Task reports them ("Handle Lambda service exceptions"; Lambda.Unknown for timeouts and crashes). */
const LAMBDA_ERRORS = [
  'Lambda.AWSLambdaException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.SdkClientException',
  'Lambda.ServiceException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
];
/** Every error DynamoDB's API defines, by name, from the SDK's model of it. */
const DYNAMODB_ERRORS = (Object.values(dynamodbApi) as unknown[])
  .filter((value): value is new (opts: object) => Error => typeof value === 'function' && value.prototype instanceof dynamodbApi.DynamoDBServiceException)
  .map((error) => new error({ $metadata: {}, message: '' }).name);

/**
 * Why `name` could not be raised by a Task on `resource`, or undefined when it can. The aws-sdk integration the
 * gates use raises "DynamoDb." and the API's error name, always with the Exception suffix, even where DynamoDB's
 * own name lacks it (the Step Functions guide's page on AWS SDK service integrations).
 */
function unraisable(name: string, resource: string): string | undefined {
  if (name.startsWith('States.')) return STATES_ERRORS.includes(name) ? undefined : 'not a documented States error';
  if (name === GATE_TIMEOUT_ERROR) return undefined;
  if (resource === GATE_QUERY_RESOURCE) {
    const match = /^DynamoDb\.(\w+)$/.exec(name);
    if (!match) return 'the aws-sdk:dynamodb integration raises only "DynamoDb.<error>" (besides States.*)';
    const error = match[1]!;
    if (!error.endsWith('Exception')) return 'an aws-sdk integration always adds the Exception suffix';
    return DYNAMODB_ERRORS.some((known) => known === error || `${known}Exception` === error) ? undefined : 'not an error of the DynamoDB API';
  }
  return LAMBDA_ERRORS.includes(name) ? undefined : "not one of Lambda's documented service exceptions";
}

describe('error names in Retry and Catch', () => {
  it("knows DynamoDB's errors from the SDK model", () => {
    expect(DYNAMODB_ERRORS).toEqual(expect.arrayContaining(['RequestLimitExceeded', 'InternalServerError', 'ProvisionedThroughputExceededException']));
  });

  it("are, on every deployed state machine, names Step Functions raises for that Task's integration", () => {
    const checked = new Set<string>();
    const wrong: string[] = [];
    for (const scenario of scenarios) {
      const deployed = deployedDefinition(machineOf(scenario)) as { States: Record<string, Record<string, unknown>> };
      for (const [state, body] of allStates(deployed.States)) {
        const handlers = [...((body.Retry ?? []) as { ErrorEquals: string[] }[]), ...((body.Catch ?? []) as { ErrorEquals: string[] }[])];
        for (const name of handlers.flatMap((handler) => handler.ErrorEquals)) {
          const why = unraisable(name, String(body.Resource ?? ''));
          if (why) wrong.push(`${scenario.name} / ${state}: ${name}: ${why}`);
          checked.add(name);
        }
      }
    }
    expect(wrong).toEqual([]);
    // The walk reached the gates and the Lambda Tasks, not only States.ALL.
    expect([...checked]).toEqual(expect.arrayContaining(['States.ALL', 'Lambda.ServiceException', 'DynamoDb.RequestLimitExceededException']));
  });
});
