// PlanStore on DynamoDB. Plans live under one partition ("plan") sorted by
// generation, so the newest is one Query; fences are one item per endpoint.
// Only single-item conditional writes: dynalite has no TransactWriteItems.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PlanExists } from '../core/errors.ts';
import type { Plan } from '../core/plan.ts';
import type { PlanStore } from '../core/ports.ts';
import { hasErrorName } from './sdk-errors.ts';

/**
 * The plans table's item layout, shared with `racelab reset` (which clears
 * the table between runs): plan rows under one partition, one fence item per
 * endpoint, the generation counter, and the automation's kill switch
 * (dynamodb-kill-switch.ts).
 */
export const PLAN_TABLE_LAYOUT = {
  planPartition: 'plan',
  counterKey: { pk: 'generation-counter', sk: 0 },
  fencePrefix: 'fence#',
  killSwitchKey: { pk: 'kill-switch', sk: 0 },
} as const;

export type PlanTableItemKind = 'plan' | 'fence' | 'counter' | 'kill-switch' | 'other';

/** What an item of the plans table is, from its partition key. */
export function planTableItemKind(pk: string): PlanTableItemKind {
  if (pk === PLAN_TABLE_LAYOUT.planPartition) return 'plan';
  if (pk === PLAN_TABLE_LAYOUT.counterKey.pk) return 'counter';
  if (pk === PLAN_TABLE_LAYOUT.killSwitchKey.pk) return 'kill-switch';
  if (pk.startsWith(PLAN_TABLE_LAYOUT.fencePrefix)) return 'fence';
  return 'other';
}

/** The key of an endpoint's fence item. */
function fenceKey(endpoint: string): { pk: string; sk: number } {
  return { pk: `${PLAN_TABLE_LAYOUT.fencePrefix}${endpoint}`, sk: 0 };
}

const PLAN_PARTITION = PLAN_TABLE_LAYOUT.planPartition;
const COUNTER_KEY = PLAN_TABLE_LAYOUT.counterKey;

export class DynamoDbPlanStore implements PlanStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async nextGeneration(): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: COUNTER_KEY,
        UpdateExpression: 'ADD generation :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.generation);
  }

  async generationCounter(): Promise<number> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: COUNTER_KEY, ConsistentRead: true }));
    return Number(Item?.generation ?? 0);
  }

  async raiseGenerationCounter(generation: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: COUNTER_KEY,
          UpdateExpression: 'SET generation = :g',
          // Never down: a Planner may have taken more generations since repair read the counter.
          ConditionExpression: 'attribute_not_exists(generation) OR generation < :g',
          ExpressionAttributeValues: { ':g': generation },
        }),
      );
    } catch (error) {
      if (!hasErrorName(error, 'ConditionalCheckFailedException')) throw error;
    }
  }

  async putPlan(plan: Plan): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: PLAN_PARTITION, sk: plan.generation, ...plan },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (hasErrorName(error, 'ConditionalCheckFailedException')) throw new PlanExists(plan.generation);
      throw error;
    }
  }

  async newestPlan(): Promise<Plan | undefined> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PLAN_PARTITION },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return page.Items?.[0] ? toPlan(page.Items[0]) : undefined;
  }

  async getPlan(generation: number): Promise<Plan | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: PLAN_PARTITION, sk: generation }, ConsistentRead: true }));
    return Item ? toPlan(Item) : undefined;
  }

  async listGenerations(): Promise<number[]> {
    const generations: number[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PLAN_PARTITION },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) generations.push(Number(item.sk));
    return generations;
  }

  async deletePlan(generation: number): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: PLAN_PARTITION, sk: generation } }));
  }

  async advanceFence(endpoint: string, generation: number, enactor: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: fenceKey(endpoint),
          UpdateExpression: 'SET generation = :g, enactor = :e',
          // Monotonic: equal is allowed so an Enactor can retry its own generation.
          ConditionExpression: 'attribute_not_exists(generation) OR generation <= :g',
          ExpressionAttributeValues: { ':g': generation, ':e': enactor },
        }),
      );
      return true;
    } catch (error) {
      if (hasErrorName(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }
}

function toPlan(item: Record<string, unknown>): Plan {
  return {
    generation: Number(item.generation),
    createdAt: Number(item.createdAt),
    endpoints: item.endpoints as string[],
    loadBalancers: item.loadBalancers as Plan['loadBalancers'],
  };
}
