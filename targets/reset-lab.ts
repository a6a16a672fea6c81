// Restores a deployed lab to the state a fresh deploy starts from: no plans,
// fences, generation counter or kill switch in the plans table, and nothing in the hosted
// zone but its apex SOA and NS. Run events are kept (they expire by TTL).
import type { Route53Client } from '@aws-sdk/client-route-53';
import { DeleteCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { planTableItemKind, type PlanTableItemKind } from '../lambdas/adapters/dynamodb-plan-store.ts';
import { PLANS_TABLE_KEYS } from '../lambdas/adapters/tables.ts';
import { clearHostedZone } from '../lambdas/adapters/route53-zone-clear.ts';

export type PlanTableCounts = Record<PlanTableItemKind, number>;

/** Deletes in parallel, but not so many at once that on-demand tables throttle. */
const DELETE_CONCURRENCY = 8;

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
