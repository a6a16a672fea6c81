// One Step Functions state machine per scenario file. The definition is the
// ASL builder's output verbatim (the same JSON the embedded target runs), with
// the function ARNs filled in by CloudFormation's DefinitionSubstitutions, so
// the deployed race is the tested race.
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Scenario } from '../scenario/schema.ts';
import { GATE_EVENT_ACTIONS } from './lab-access.ts';
import { buildScenarioDefinition, EVENTS_TABLE_PLACEHOLDER, FUNCTION_KEYS, FUNCTION_PLACEHOLDERS, type FunctionKey } from './scenario-definition.ts';

export interface ScenarioStateMachineProps {
  scenario: Scenario;
  functionArns: Record<FunctionKey, string>;
  /** The run-events table, which the scenario's gates query. */
  eventsTable: dynamodb.ITable;
}

/** The definition as deployed (placeholders intact), the functions it calls and whether it has gates. */
export function scenarioDefinition(scenario: Scenario): { definitionString: string; functions: FunctionKey[]; gated: boolean } {
  const definitionString = JSON.stringify(buildScenarioDefinition(scenario).definition);
  const functions = FUNCTION_KEYS.filter((key) => definitionString.includes(`\${${FUNCTION_PLACEHOLDERS[key]}}`));
  return { definitionString, functions, gated: definitionString.includes(`\${${EVENTS_TABLE_PLACEHOLDER}}`) };
}

export class ScenarioStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, { scenario, functionArns, eventsTable }: ScenarioStateMachineProps) {
    super(scope, id);
    const { definitionString, functions, gated } = scenarioDefinition(scenario);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps Step Functions from growing the
      // account's CloudWatch Logs resource policy by one entry per log group.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${scenario.name}`,
      retention: logs.RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromString(definitionString),
      definitionSubstitutions: {
        ...Object.fromEntries(functions.map((key) => [FUNCTION_PLACEHOLDERS[key], functionArns[key]])),
        ...(gated ? { [EVENTS_TABLE_PLACEHOLDER]: eventsTable.tableName } : {}),
      },
      stateMachineType: sfn.StateMachineType.STANDARD,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A string definition is opaque to the CDK, which therefore grants nothing:
    // invoke exactly the functions this scenario calls, by their unqualified ARN
    // (no "ARN:*" version wildcard, which grantInvoke would add).
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functions.map((key) => functionArns[key]) }));
    // A gate reads the run-events table (Query on its key, this run's partition); nothing else.
    if (gated) this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: [...GATE_EVENT_ACTIONS], resources: [eventsTable.tableArn] }));

    const rolePolicy = this.stateMachine.role.node.findChild('DefaultPolicy') as iam.Policy;
    Validations.of(rolePolicy.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by the CDK for logging ALL and X-Ray tracing: the CloudWatch Logs delivery actions (logs:CreateLogDelivery, GetLogDelivery, ' +
        'UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and ' +
        'xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets support no resource-level permissions, so AWS ' +
        'requires Resource "*" for them.',
    });
  }
}
