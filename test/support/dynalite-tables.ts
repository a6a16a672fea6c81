// A fresh DynamoDB table per contract test, on the embedded lab's dynalite
// (its own table is shared with its warm-up), with the document client the
// Lambdas build: the adapters are tested as they run. Registers the file's
// beforeAll and afterAll. embeddedLabForFile is the lab alone, for a test of
// the lab's own tables.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { documentClient } from '../../lambdas/adapters/dynamodb-clients.ts';
import { keySchemaOf } from '../../lambdas/adapters/tables.ts';
import { createActiveTable } from '../../local/create-table.ts';
import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION, startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';

/** An embedded lab for the file, and a DynamoDB client on it: started in beforeAll, closed in afterAll; read them in a test. */
export function embeddedLabForFile(): () => { lab: EmbeddedLab; client: DynamoDBClient } {
  let lab: EmbeddedLab;
  let client: DynamoDBClient;
  beforeAll(async () => {
    lab = await startEmbeddedLab();
    client = new DynamoDBClient({ endpoint: lab.endpoints.dynamodb, region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS });
  });
  afterAll(async () => {
    client.destroy();
    await lab.close();
  });
  return () => ({ lab, client });
}

export function dynaliteTables(prefix: string): (keys: Parameters<typeof keySchemaOf>[0]) => Promise<{ name: string; documents: DynamoDBDocumentClient }> {
  const current = embeddedLabForFile();
  let count = 0;
  return async (keys) => {
    const { client } = current();
    const name = `${prefix}-${++count}`;
    await createActiveTable(client, { TableName: name, BillingMode: 'PAY_PER_REQUEST', ...keySchemaOf(keys) });
    return { name, documents: documentClient(client) };
  };
}
