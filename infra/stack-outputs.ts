// The contract between the CDK stack and the CLI's aws/localstack targets:
// the stack's name and the CloudFormation outputs the CLI reads.

export const DEFAULT_STACK_NAME = 'DnsRaceLab';

export const STACK_OUTPUTS = {
  plansTable: 'PlansTableName',
  eventsTable: 'EventsTableName',
  hostedZoneId: 'HostedZoneId',
  zoneName: 'ZoneName',
  vpcId: 'VpcId',
  /** JSON object: scenario name → state machine ARN. */
  stateMachines: 'StateMachines',
} as const;

/** LocalStack's edge endpoint and the account id it reports; never a real account. */
export const LOCALSTACK_ENDPOINT = 'http://localhost:4566';
export const LOCALSTACK_ACCOUNT = '000000000000';
