// Restores a deployed lab to the state a fresh deploy starts from: no plans,
// fences, generation counter or kill switch in the plans table, and nothing in the hosted
// zone but its apex SOA and NS. Run events are kept (they expire by TTL).
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type ListResourceRecordSetsCommandInput,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { DeleteCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { canonicalName } from '../lambdas/core/dns-records.ts';
import { planTableItemKind, type PlanTableItemKind } from '../lambdas/adapters/dynamodb-plan-store.ts';
import { PLANS_TABLE_KEYS } from '../lambdas/adapters/tables.ts';

export type PlanTableCounts = Record<PlanTableItemKind, number>;

/** Deletes in parallel, but not so many at once that on-demand tables throttle. */
const DELETE_CONCURRENCY = 8;
/** Route 53 takes up to 1,000 changes per batch; smaller batches keep each request well under its size limits. */
const CHANGE_BATCH_SIZE = 100;

/** Deletes every item of the plans table (Scan + DeleteItem) and counts them by kind. */
export async function clearPlansTable(client: DynamoDBDocumentClient, tableName: string): Promise<PlanTableCounts> {
  const counts: PlanTableCounts = { plan: 0, fence: 0, counter: 0, 'kill-switch': 0, other: 0 };
  const { partitionKey, sortKey } = PLANS_TABLE_KEYS;
  const keys: Record<string, unknown>[] = [];
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      ProjectionExpression: '#pk, #sk',
      ExpressionAttributeNames: { '#pk': partitionKey.name, '#sk': sortKey.name },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) keys.push({ [partitionKey.name]: item[partitionKey.name], [sortKey.name]: item[sortKey.name] });
  }
  for (let i = 0; i < keys.length; i += DELETE_CONCURRENCY) {
    await Promise.all(keys.slice(i, i + DELETE_CONCURRENCY).map((Key) => client.send(new DeleteCommand({ TableName: tableName, Key }))));
  }
  for (const key of keys) counts[planTableItemKind(String(key[partitionKey.name]))] += 1;
  return counts;
}

async function allRecordSets(client: Route53Client, hostedZoneId: string): Promise<ResourceRecordSet[]> {
  const sets: ResourceRecordSet[] = [];
  let input: ListResourceRecordSetsCommandInput = { HostedZoneId: hostedZoneId };
  for (;;) {
    const page = await client.send(new ListResourceRecordSetsCommand(input));
    sets.push(...(page.ResourceRecordSets ?? []));
    if (!page.IsTruncated) return sets;
    input = {
      HostedZoneId: hostedZoneId,
      StartRecordName: page.NextRecordName,
      StartRecordType: page.NextRecordType,
      StartRecordIdentifier: page.NextRecordIdentifier,
    };
  }
}

/** A zone keeps its apex SOA and NS; Route 53 refuses to delete them. */
export function isApexSoaOrNs(set: ResourceRecordSet, zoneName: string): boolean {
  return (set.Type === 'SOA' || set.Type === 'NS') && canonicalName(set.Name ?? '') === canonicalName(zoneName);
}

/**
 * Deletes every record set but the apex SOA and NS, each exactly as listed
 * (Route 53's DELETE must match), in batches. Returns how many were deleted.
 */
export async function clearHostedZone(client: Route53Client, hostedZoneId: string, zoneName: string): Promise<number> {
  const removable = (await allRecordSets(client, hostedZoneId)).filter((set) => !isApexSoaOrNs(set, zoneName));
  for (let i = 0; i < removable.length; i += CHANGE_BATCH_SIZE) {
    const changes = removable.slice(i, i + CHANGE_BATCH_SIZE).map((set) => ({ Action: 'DELETE' as const, ResourceRecordSet: set }));
    await client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, ChangeBatch: { Comment: 'racelab reset', Changes: changes } }));
  }
  return removable.length;
}

export interface ResetSummary {
  items: PlanTableCounts;
  recordSets: number;
}

export async function resetLab(
  clients: { dynamodb: DynamoDBDocumentClient; route53: Route53Client },
  lab: { plansTable: string; hostedZoneId: string; zoneName: string },
): Promise<ResetSummary> {
  const items = await clearPlansTable(clients.dynamodb, lab.plansTable);
  const recordSets = await clearHostedZone(clients.route53, lab.hostedZoneId, lab.zoneName);
  return { items, recordSets };
}

export function describeReset(summary: ResetSummary): string {
  const { plan, fence, counter, other } = summary.items;
  const parts = [
    `${plan} plan${plan === 1 ? '' : 's'}`,
    `${fence} fence${fence === 1 ? '' : 's'}`,
    counter ? 'the generation counter' : 'no generation counter',
  ];
  // A thrown kill switch would freeze every run after this one: reset releases it, and says so.
  if (summary.items['kill-switch']) parts.push('the kill switch');
  if (other) parts.push(`${other} other item${other === 1 ? '' : 's'}`);
  return `deleted ${parts.join(', ')} and ${summary.recordSets} record set${summary.recordSets === 1 ? '' : 's'} (the zone keeps its SOA and NS)`;
}
