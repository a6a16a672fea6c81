// The automation's kill switch on DynamoDB: one item in the plans table,
// { pk: "kill-switch", sk: 0, frozen, by?, reason? }, which an operator writes
// with PutItem (the scenario's operator, or a person with the AWS CLI):
//
//   aws dynamodb put-item --table-name racelab-plans \
//     --item '{"pk":{"S":"kill-switch"},"sk":{"N":"0"},"frozen":{"BOOL":true}}'
//
// It fails safe: while the item exists the switch is thrown, unless its
// `frozen` is the boolean false. A hand-written item with a typo (a string
// "true", no `frozen` at all) still stops the automation; only an explicit
// release (frozen: false, or deleting the item) lets it go on. The read is a
// Query of the item's partition, which the Enactors may make already (IAM:
// infra/lab-access.ts), consistent, so a switch thrown before it is seen.
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RELEASED } from '../core/kill-switch.ts';
import type { KillSwitchControl, KillSwitchState } from '../core/ports.ts';
import { PLAN_TABLE_LAYOUT } from './dynamodb-plan-store.ts';

const KEY = PLAN_TABLE_LAYOUT.killSwitchKey;

/** The switch an item says: thrown unless `frozen` is false; `by` and `reason` when they are strings. */
export function killSwitchOf(item: Record<string, unknown> | undefined): KillSwitchState {
  if (!item) return RELEASED;
  const said = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const by = said(item.by);
  const reason = said(item.reason);
  return { thrown: item.frozen !== false, ...(by ? { by } : {}), ...(reason ? { reason } : {}) };
}

export class DynamoDbKillSwitch implements KillSwitchControl {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async read(): Promise<KillSwitchState> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: { ':pk': KEY.pk, ':sk': KEY.sk },
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return killSwitchOf(page.Items?.[0]);
  }

  async set(state: KillSwitchState): Promise<void> {
    const { thrown, by, reason } = state;
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { ...KEY, frozen: thrown, ...(by ? { by } : {}), ...(reason ? { reason } : {}) } }),
    );
  }
}
