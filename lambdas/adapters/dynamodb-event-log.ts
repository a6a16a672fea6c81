// The run-events table: one partition per run, sorted by time.
import { PutCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventLog, RunEvent } from '../core/events.ts';
import { EVENTS_TTL_ATTRIBUTE, EVENTS_TTL_SECONDS } from './tables.ts';

const TIME_DIGITS = 15;
/** The counter is padded so that keys sort in append order past 36 events of one actor in one millisecond. */
const SEQUENCE_DIGITS = 6;

export class DynamoDbEventLog implements EventLog {
  private sequence = 0;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  async append(event: RunEvent): Promise<void> {
    // Time first so a Query returns events in order; actor and a counter keep keys
    // unique within one writer, the random tail across concurrent Lambda instances.
    const counter = (this.sequence++).toString(36).padStart(SEQUENCE_DIGITS, '0');
    const seq = `${String(event.at).padStart(TIME_DIGITS, '0')}#${event.actor}#${counter}#${Math.random().toString(36).slice(2, 8)}`;
    const expiresAt = Math.floor(Date.now() / 1000) + EVENTS_TTL_SECONDS;
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...event, seq, [EVENTS_TTL_ATTRIBUTE]: expiresAt } }));
  }

  async list(runId: string): Promise<RunEvent[]> {
    const events: RunEvent[] = [];
    const pages = paginateQuery(
      { client: this.client },
      { TableName: this.tableName, KeyConditionExpression: 'runId = :r', ExpressionAttributeValues: { ':r': runId }, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const { seq: _seq, [EVENTS_TTL_ATTRIBUTE]: _ttl, ...event } = item;
        events.push(event as RunEvent);
      }
    }
    return events;
  }
}
