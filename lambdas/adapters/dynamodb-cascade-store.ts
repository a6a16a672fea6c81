// The cascade table on DynamoDB: per run (the partition), one item per shard
// of DWFM's leases and one for the operator's switches. A tick reads them all
// in one BatchGetItem and writes the leases back with BatchWriteItem; the
// operator changes its switches with one UpdateItem.
import { BatchGetCommand, BatchWriteCommand, UpdateCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LEASE_SHARD_DROPLETS, leaseShards, type CascadeStore, type ControlChange } from '../core/cascade/ports.ts';
import { INITIAL_CONTROLS, type Controls } from '../core/cascade/settings.ts';
import { CASCADE_TABLE_KEYS, EVENTS_TTL_ATTRIBUTE, EVENTS_TTL_SECONDS } from './tables.ts';

const RUN = CASCADE_TABLE_KEYS.partitionKey.name;
const ITEM = CASCADE_TABLE_KEYS.sortKey.name;
const CONTROLS_ITEM = 'controls';
const shardItem = (shard: number) => `leases#${String(shard).padStart(3, '0')}`;
/** BatchWriteItem takes at most 25 requests; BatchGetItem at most 100 keys. */
const WRITE_BATCH = 25;
/** Unprocessed items are sent again, a bounded number of times. */
const ROUNDS_MAX = 8;

export class DynamoDbCascadeStore implements CascadeStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async read(runId: string, droplets: number): Promise<{ leases?: number[]; controls: Controls }> {
    const items = [CONTROLS_ITEM, ...Array.from({ length: leaseShards(droplets) }, (_, shard) => shardItem(shard))];
    if (items.length > 100) throw new Error(`${droplets} droplets need ${items.length - 1} lease items; one read takes at most 99`);
    const found = new Map<string, Record<string, unknown>>();
    let keys: Record<string, unknown>[] | undefined = items.map((item) => ({ [RUN]: runId, [ITEM]: item }));
    for (let round = 0; keys?.length; round++) {
      if (round === ROUNDS_MAX) throw new Error(`DynamoDB left ${keys.length} lease items unread after ${ROUNDS_MAX} tries`);
      const page: BatchGetCommandOutput = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of page.Responses?.[this.tableName] ?? []) found.set(item[ITEM] as string, item);
      keys = page.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    const controls = controlsOf(found.get(CONTROLS_ITEM));
    const shards = items.slice(1).map((item) => found.get(item)?.expiries as number[] | undefined);
    if (shards.some((shard) => !shard)) return { controls };
    return { leases: shards.flatMap((shard) => shard!).slice(0, droplets), controls };
  }

  async writeLeases(runId: string, leases: readonly number[]): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + EVENTS_TTL_SECONDS;
    let requests: Record<string, unknown>[] = Array.from({ length: leaseShards(leases.length) }, (_, shard) => ({
      PutRequest: {
        Item: {
          [RUN]: runId,
          [ITEM]: shardItem(shard),
          expiries: leases.slice(shard * LEASE_SHARD_DROPLETS, (shard + 1) * LEASE_SHARD_DROPLETS),
          [EVENTS_TTL_ATTRIBUTE]: expiresAt,
        },
      },
    }));
    for (let round = 0; requests.length; round++) {
      if (round === ROUNDS_MAX) throw new Error(`DynamoDB left ${requests.length} lease items unwritten after ${ROUNDS_MAX} tries`);
      const unprocessed: Record<string, unknown>[] = [];
      for (let i = 0; i < requests.length; i += WRITE_BATCH) {
        const page = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests.slice(i, i + WRITE_BATCH) as never } }));
        unprocessed.push(...((page.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[]));
      }
      requests = unprocessed;
    }
  }

  async changeControls(runId: string, change: ControlChange): Promise<Controls> {
    const sets = ['#restarts = if_not_exists(#restarts, :zero) + :restart', `#ttl = :ttl`];
    const values: Record<string, unknown> = {
      ':zero': 0,
      ':restart': change.restart ? 1 : 0,
      ':ttl': Math.floor(Date.now() / 1000) + EVENTS_TTL_SECONDS,
    };
    const names: Record<string, string> = { '#restarts': 'restarts', '#ttl': EVENTS_TTL_ATTRIBUTE };
    for (const flag of ['throttled', 'failoverDisabled'] as const) {
      if (change[flag] === undefined) continue;
      names[`#${flag}`] = flag;
      values[`:${flag}`] = change[flag];
      sets.push(`#${flag} = :${flag}`);
    }
    const { Attributes: stored = {} } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [RUN]: runId, [ITEM]: CONTROLS_ITEM },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return controlsOf(stored);
  }
}

/** The switches as the item holds them; a switch never set is at its start. */
function controlsOf(item: Record<string, unknown> | undefined): Controls {
  return {
    throttled: (item?.throttled as boolean | undefined) ?? INITIAL_CONTROLS.throttled,
    failoverDisabled: (item?.failoverDisabled as boolean | undefined) ?? INITIAL_CONTROLS.failoverDisabled,
    restarts: (item?.restarts as number | undefined) ?? INITIAL_CONTROLS.restarts,
  };
}
