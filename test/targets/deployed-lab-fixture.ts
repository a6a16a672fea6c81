// A "deployed" lab for the aws/localstack client path: the embedded lab
// serves DynamoDB and Route 53 (the same APIs the real services serve, so
// the CLI's own clients talk to them for real), and aws-sdk-client-mock
// stands in only for what cannot run here: CloudFormation, Step Functions
// and IAM.
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { IAMClient, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { STACK_OUTPUTS } from '../../infra/stack-outputs.ts';
import { EMBEDDED_CREDENTIALS, startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';
import { remoteTarget, type RemoteTarget, type RemoteTargetName } from '../../targets/target.ts';

export const ACCOUNT = '111122223333';
export const STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/DnsRaceLab/6a2f0c00-0000-4000-8000-000000000001`;
export const VPC_ID = 'vpc-0fixture000000001';
export const stateMachineArn = (scenario: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:DnsRaceLab-${scenario}`;

/** What ListExecutions answers while one run of oct-2025 is under way. */
export const runningExecution = () => ({
  executions: [
    {
      executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:x:r-live`,
      name: 'r-live',
      stateMachineArn: stateMachineArn('oct-2025'),
      status: 'RUNNING' as const,
      startDate: new Date(),
    },
  ],
});

/** Mocks every instance of the three clients the CLI creates. */
function mockServices() {
  return { cloudFormation: mockClient(CloudFormationClient), stepFunctions: mockClient(SFNClient), iam: mockClient(IAMClient) };
}
type ServiceMocks = ReturnType<typeof mockServices>;

export interface DeployedLabFixture extends ServiceMocks {
  lab: EmbeddedLab;
  /** A target whose DynamoDB and Route 53 calls reach the embedded lab. */
  target(name?: RemoteTargetName): RemoteTarget;
  stack(overrides?: Partial<Stack>): Stack;
  close(): Promise<void>;
}

export async function deployedLab(): Promise<DeployedLabFixture> {
  const lab = await startEmbeddedLab();
  const { cloudFormation, stepFunctions, iam } = mockServices();
  const stack = (overrides: Partial<Stack> = {}): Stack => ({
    StackName: 'DnsRaceLab',
    StackId: STACK_ID,
    StackStatus: 'CREATE_COMPLETE',
    CreationTime: new Date(),
    Outputs: [
      { OutputKey: STACK_OUTPUTS.plansTable, OutputValue: lab.tables.plans },
      { OutputKey: STACK_OUTPUTS.eventsTable, OutputValue: lab.tables.events },
      { OutputKey: STACK_OUTPUTS.hostedZoneId, OutputValue: `/hostedzone/${lab.hostedZoneId}` },
      { OutputKey: STACK_OUTPUTS.zoneName, OutputValue: `${lab.zone}.` },
      { OutputKey: STACK_OUTPUTS.vpcId, OutputValue: VPC_ID },
      { OutputKey: STACK_OUTPUTS.stateMachines, OutputValue: JSON.stringify({ 'oct-2025': stateMachineArn('oct-2025') }) },
    ],
    ...overrides,
  });
  cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [stack()] });
  stepFunctions.on(ListExecutionsCommand).resolves({ executions: [] });
  iam.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['racelab-sandbox'] });
  return {
    lab,
    target: (name = 'aws') => ({
      ...remoteTarget(name, {}, {}),
      endpoints: { dynamodb: lab.endpoints.dynamodb, route53: lab.endpoints.route53 },
      credentials: EMBEDDED_CREDENTIALS,
    }),
    stack,
    cloudFormation,
    stepFunctions,
    iam,
    close: async () => {
      cloudFormation.restore();
      stepFunctions.restore();
      iam.restore();
      await lab.close();
    },
  };
}

/** An error as the SDK throws it: what matters is its name (and message). */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}
