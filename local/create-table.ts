// DynamoDB answers CreateTable while the table is still CREATING, and refuses
// every item call on it until it turns ACTIVE; dynalite does the same, turning
// it ACTIVE on a timer. So a caller that uses the table at once races that
// timer (a contract test lost it under load). Wait as AWS says to: DescribeTable
// until ACTIVE, here with short polls since dynalite flips within milliseconds.
import { CreateTableCommand, waitUntilTableExists, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WAIT = { maxWaitTime: 10, minDelay: 0.01, maxDelay: 0.1 } as const;

export async function createActiveTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
  await waitUntilTableExists({ client, ...WAIT }, { TableName: input.TableName });
}
