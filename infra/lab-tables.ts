// The lab's DynamoDB tables, keyed as lambdas/adapters/tables.ts says (the
// adapters and the embedded target use the same definition). On-demand
// billing: a run makes a few hundred requests, then nothing for days.
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { CASCADE_TABLE_KEYS, EVENTS_TABLE_KEYS, EVENTS_TTL_ATTRIBUTE, PLANS_TABLE_KEYS } from '../lambdas/adapters/tables.ts';

type KeySpec = { readonly name: string; readonly type: 'S' | 'N' };

const ATTRIBUTE_TYPES: Record<KeySpec['type'], dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
};

function attribute(key: KeySpec): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

const NO_PITR_REASON =
  "No point-in-time recovery, on purpose: a lab's disposable data: plans are the race's scratch state and run events expire by TTL after a " +
  'week; there is nothing worth restoring, and PITR would bill per GB for it.';

export class LabTables extends Construct {
  readonly plans: dynamodb.Table;
  readonly events: dynamodb.Table;
  /** The cascade's: DWFM's leases and the operator's switches, per run; they expire like the run's events. */
  readonly cascade: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.plans = new dynamodb.Table(this, 'Plans', {
      partitionKey: attribute(PLANS_TABLE_KEYS.partitionKey),
      sortKey: attribute(PLANS_TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.events = new dynamodb.Table(this, 'Events', {
      partitionKey: attribute(EVENTS_TABLE_KEYS.partitionKey),
      sortKey: attribute(EVENTS_TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.DESTROY,
      timeToLiveAttribute: EVENTS_TTL_ATTRIBUTE,
    });
    this.cascade = new dynamodb.Table(this, 'Cascade', {
      partitionKey: attribute(CASCADE_TABLE_KEYS.partitionKey),
      sortKey: attribute(CASCADE_TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: RemovalPolicy.DESTROY,
      timeToLiveAttribute: EVENTS_TTL_ATTRIBUTE,
    });
    for (const table of [this.plans, this.events, this.cascade]) {
      Validations.of(table.node.defaultChild!).acknowledge({ id: 'AwsSolutions-DDB3', reason: NO_PITR_REASON });
    }
  }
}
