// The adapters recognise an SDK error by its name alone (lambdas/adapters/sdk-errors.ts):
// some codes have no class in the SDK (Route 53's Throttling), and a name holds whichever
// copy of the SDK threw it. Here each error comes from a class of no SDK at all.
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ChangeRejected, PlanExists, Throttled } from '../../lambdas/core/errors.ts';
import { DynamoDbPlanStore } from '../../lambdas/adapters/dynamodb-plan-store.ts';
import { Route53DnsZone } from '../../lambdas/adapters/route53-dns-zone.ts';

/** An SDK error as another copy of the SDK builds it: its code as `name`, plus the service's fields. */
class ForeignServiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    fields: Record<string, unknown> = {},
  ) {
    super(message);
    Object.assign(this, fields);
  }
}

// Mocks on these instances only, restored after: test files share a worker (isolate: false), and a mock of the
// Route53Client class would answer every other file's Route 53 calls too.
const route53Client = new Route53Client({ region: 'us-east-1' });
const route53 = mockClient(route53Client);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamodb = mockClient(documents);
beforeEach(() => {
  route53.reset();
  dynamodb.reset();
});
afterAll(() => {
  route53.restore();
  dynamodb.restore();
});

const dns = () => new Route53DnsZone('/hostedzone/ZLAB0000000001', route53Client);
const record = { name: 'ep.lab.internal', type: 'A' as const, ttl: 5, values: ['10.0.0.1'] };
const plan = { generation: 3, createdAt: 0, endpoints: ['ep'], loadBalancers: [] };

describe('adapters tell SDK errors apart by name', () => {
  it('Route 53: throttling on a read or a change is Throttled', async () => {
    route53.on(ListResourceRecordSetsCommand).rejects(new ForeignServiceError('Throttling', 'Rate exceeded'));
    route53.on(ChangeResourceRecordSetsCommand).rejects(new ForeignServiceError('PriorRequestNotComplete', 'still processing'));
    await expect(dns().recordsUnder('ep.lab.internal')).rejects.toBeInstanceOf(Throttled);
    await expect(dns().change([{ action: 'UPSERT', record }])).rejects.toBeInstanceOf(Throttled);
  });

  it('Route 53: InvalidChangeBatch is ChangeRejected with its messages', async () => {
    route53.on(ChangeResourceRecordSetsCommand).rejects(new ForeignServiceError('InvalidChangeBatch', '[a, b]', { messages: ['a', 'b'] }));
    await expect(dns().change([{ action: 'DELETE', record }])).rejects.toEqual(new ChangeRejected(['a', 'b']));
  });

  it('DynamoDB: a failed condition is PlanExists on a put and a refused fence on an update', async () => {
    dynamodb.on(PutCommand).rejects(new ForeignServiceError('ConditionalCheckFailedException', 'The conditional request failed'));
    dynamodb.on(UpdateCommand).rejects(new ForeignServiceError('ConditionalCheckFailedException', 'The conditional request failed'));
    const store = new DynamoDbPlanStore('plans', documents);
    await expect(store.putPlan(plan)).rejects.toEqual(new PlanExists(3));
    await expect(store.advanceFence('ep', 3, 'az-a')).resolves.toBe(false);
  });

  it('passes any other error on unchanged', async () => {
    const other = new ForeignServiceError('AccessDeniedException', 'not authorized');
    route53.on(ListResourceRecordSetsCommand).rejects(other);
    dynamodb.on(UpdateCommand).rejects(other);
    await expect(dns().recordsUnder('ep.lab.internal')).rejects.toBe(other);
    await expect(new DynamoDbPlanStore('plans', documents).advanceFence('ep', 3, 'az-a')).rejects.toBe(other);
  });
});
