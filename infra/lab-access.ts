// Least privilege, in one place: exactly the API calls each function's code
// makes, read from the adapters (lambdas/adapters/*). When an adapter starts
// making a new call, add the action here and the infra test shows the change.

/**
 * Planner → plans table: DynamoDbPlanStore.nextGeneration (UpdateItem on the counter item) and putPlan (PutItem), and
 * DynamoDbKillSwitch.read (Query of the kill switch's item) before each plan.
 */
export const PLANNER_PLAN_ACTIONS = ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:Query'] as const;

/**
 * Enactor → plans table: newestPlan, listGenerations and the kill switch's read
 * (Query), advanceFence (UpdateItem on the fence items), deletePlan (DeleteItem).
 * It never reads one plan by generation (the rollback record needs only the
 * generation), never writes a plan and never sets the kill switch, so no GetItem
 * and no PutItem.
 */
export const ENACTOR_PLAN_ACTIONS = ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/** Planner and Probe → run-events table: DynamoDbEventLog.append (PutItem). Reading runs back is the CLI's job. */
export const EVENT_WRITER_ACTIONS = ['dynamodb:PutItem'] as const;

/**
 * Enactor → run-events table: append (PutItem), and list (Query) for a fault
 * that holds the Enactor until another actor's event (faults.ts, `until`).
 */
export const ENACTOR_EVENT_ACTIONS = ['dynamodb:PutItem', 'dynamodb:Query'] as const;

/** Each scenario state machine → run-events table: a gate's aws-sdk:dynamodb:query integration (scenario-definition.ts). */
export const GATE_EVENT_ACTIONS = ['dynamodb:Query'] as const;

/** Enactor → the lab's hosted zone: Route53DnsZone.recordsUnder (List) and change (Change); no GetChange (it never waits for INSYNC). */
export const ENACTOR_ZONE_ACTIONS = ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'] as const;

/** Probe → the lab's hosted zone: Route53DnsZone.recordsUnder (List), the second witness of what the zone holds; it never changes it. */
export const PROBE_ZONE_ACTIONS = ['route53:ListResourceRecordSets'] as const;

/** The deploy-time SOA update (lab-zone-soa.ts) → the lab's hosted zone: its first call reads the SOA Route 53 made (List)... */
export const ZONE_SOA_READ_ACTIONS = ['route53:ListResourceRecordSets'] as const;
/** ...its second UPSERTs the lab's SOA (Change). */
export const ZONE_SOA_WRITE_ACTIONS = ['route53:ChangeResourceRecordSets'] as const;

/**
 * The delete-time zone clean-up (lab-zone-cleanup.ts, lambdas/zone-cleanup/) → the lab's hosted zone: every record
 * set (List, paginated), then DELETEs of all but the apex SOA and NS (Change). Never DeleteHostedZone: CloudFormation does that.
 */
export const ZONE_CLEANUP_ACTIONS = ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets'] as const;

/** DWFM → cascade table: DynamoDbCascadeStore.read (BatchGetItem) and writeLeases (BatchWriteItem, puts only). */
export const DWFM_CASCADE_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'] as const;

/** Operator → cascade table: DynamoDbCascadeStore.changeControls (UpdateItem on the switches). */
export const OPERATOR_CASCADE_ACTIONS = ['dynamodb:UpdateItem'] as const;

/**
 * Operator → plans table: for its `repair` step (lambdas/core/repair.ts), listGenerations (Query), getPlan and
 * generationCounter (GetItem); for `freeze` and `unfreeze`, DynamoDbKillSwitch.set (PutItem of the kill switch's
 * item). A scenario never loses the plans table, so the operator never raises the counter (UpdateItem): that repair
 * is `racelab repair`'s, with the user's credentials; if it were needed, the step fails with AccessDenied and records
 * a `failed` event. (The switch's PutItem would also let repair write back a lost plan row.)
 */
export const OPERATOR_PLAN_ACTIONS = ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'] as const;

/** Operator → the lab's hosted zone, for `repair`: the whole zone (List) and one change batch per endpoint (Change). */
export const OPERATOR_ZONE_ACTIONS = ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'] as const;

/** readConfig needs every name even where the code never touches the resource: name it, grant nothing. */
export const NO_ACCESS = [] as const;

/** The Probe's ENIs in the VPC. EC2 offers no resource-level scope for the Describe calls; the set is AWSLambdaVPCAccessExecutionRole's, minus logs. */
export const VPC_ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const;

export type DynamoDbAction = `dynamodb:${string}`;
export type Route53Action = `route53:${string}`;
