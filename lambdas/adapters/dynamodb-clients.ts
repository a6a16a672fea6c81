import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The lab's document client, over a client given or one made from `config`;
 * without config the SDK takes region and AWS_ENDPOINT_URL_DYNAMODB from the environment.
 */
export function documentClient(config: DynamoDBClientConfig | DynamoDBClient = {}): DynamoDBDocumentClient {
  const client = config instanceof DynamoDBClient ? config : new DynamoDBClient(config);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
