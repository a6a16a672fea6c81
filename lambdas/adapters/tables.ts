// The key schema of the lab's tables: one definition, used by the
// adapters, the embedded target's table set-up and the CDK stack.

export const PLANS_TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
} as const;

export const EVENTS_TABLE_KEYS = {
  partitionKey: { name: 'runId', type: 'S' },
  sortKey: { name: 'seq', type: 'S' },
} as const;

/** The cascade's table: per run, DWFM's lease shards and the operator's switches. */
export const CASCADE_TABLE_KEYS = {
  partitionKey: { name: 'runId', type: 'S' },
  sortKey: { name: 'item', type: 'S' },
} as const;

/** Run events expire on their own (DynamoDB TTL) so a sandbox cleans itself. */
export const EVENTS_TTL_ATTRIBUTE = 'expiresAt';
export const EVENTS_TTL_SECONDS = 7 * 24 * 3600;

type TableKeys = typeof PLANS_TABLE_KEYS | typeof EVENTS_TABLE_KEYS | typeof CASCADE_TABLE_KEYS;

/** A table's keys as CreateTable (and CloudFormation) spell them. */
export function keySchemaOf(keys: TableKeys) {
  return {
    KeySchema: [
      { AttributeName: keys.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: keys.sortKey.name, KeyType: 'RANGE' as const },
    ],
    AttributeDefinitions: [
      { AttributeName: keys.partitionKey.name, AttributeType: keys.partitionKey.type },
      { AttributeName: keys.sortKey.name, AttributeType: keys.sortKey.type },
    ],
  };
}

export interface TableNames {
  plans: string;
  events: string;
  cascade: string;
}
