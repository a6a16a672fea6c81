// The embedded target: DynamoDB (dynalite, in memory), the lab's Route 53
// endpoint and a DNS server, all on loopback in this process. The handlers
// reach them through the same AWS SDK calls they make in Lambda.
import './node-compat.ts';
import { DynamoDBClient, QueryCommand, UpdateTimeToLiveCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import dynalite from 'dynalite';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../lambdas/core/ports.ts';
import { createActiveTable } from './create-table.ts';
import { CASCADE_TABLE_KEYS, EVENTS_TABLE_KEYS, EVENTS_TTL_ATTRIBUTE, keySchemaOf, PLANS_TABLE_KEYS, type TableNames } from '../lambdas/adapters/tables.ts';
import { systemClock } from '../lambdas/adapters/clocks.ts';
import { depsFromConfig, type LabDeps } from '../lambdas/deps.ts';
import { configEnvironment, DEFAULT_ZONE_NAME, type LambdaConfig } from '../lambdas/config.ts';
import { documentClient } from '../lambdas/adapters/dynamodb-clients.ts';
import { Route53DnsZone } from '../lambdas/adapters/route53-dns-zone.ts';
import { setLabSoa } from '../lambdas/core/dns-tree.ts';
import { startDnsServer } from './dns/server.ts';
import { guardLoopback } from './loopback-guard.ts';
import { Route53Model } from './route53/zone-model.ts';
import { startRoute53Server } from './route53/server.ts';
import type { ScenarioLab } from './scenario-lab.ts';

import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION } from './embedded-account.ts';

export { EMBEDDED_CREDENTIALS, EMBEDDED_REGION };
const EMBEDDED_VPC = { VPCId: 'vpc-0e1ab0000000000e1', VPCRegion: EMBEDDED_REGION } as const;

export interface EmbeddedLabOptions {
  zone?: string;
  host?: string;
  /** 0 (default) picks free ports. */
  ports?: { dynamodb?: number; route53?: number; dns?: number };
}

export interface EmbeddedLab extends ScenarioLab {
  zone: string;
  hostedZoneId: string;
  tables: TableNames;
  endpoints: { dynamodb: string; route53: string; dns: string };
  model: Route53Model;
  config: LambdaConfig;
  /** Environment variables that point the AWS CLI and any SDK at this lab. */
  environment: Record<string, string>;
  deps(clock?: Clock): LabDeps;
  close(): Promise<void>;
}

export async function startEmbeddedLab(options: EmbeddedLabOptions = {}): Promise<EmbeddedLab> {
  const host = options.host ?? '127.0.0.1';
  const zone = options.zone ?? DEFAULT_ZONE_NAME;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    guardLoopback(dynamo, refuseAsDynamoDb);
    await new Promise<void>((resolve, reject) => {
      dynamo.once('error', reject);
      dynamo.listen(options.ports?.dynamodb ?? 0, host, () => resolve());
    });
    closers.push(() => new Promise((resolve) => dynamo.close(() => resolve())));
    const dynamodbEndpoint = `http://${host}:${(dynamo.address() as AddressInfo).port}`;

    const model = new Route53Model();
    const route53Server = await startRoute53Server(model, { host, port: options.ports?.route53 ?? 0 });
    closers.push(() => route53Server.close());

    const dnsServer = await startDnsServer(model, { host, port: options.ports?.dns ?? 0 });
    closers.push(() => dnsServer.close());

    const sdk = { region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS };
    const dynamodb = new DynamoDBClient({ ...sdk, endpoint: dynamodbEndpoint });
    const route53 = new Route53Client({ ...sdk, endpoint: route53Server.endpoint });
    closers.push(async () => {
      dynamodb.destroy();
      route53.destroy();
    });
    const tables: TableNames = { plans: 'racelab-plans', events: 'racelab-events', cascade: 'racelab-cascade' };
    await createTables(dynamodb, tables);
    const hostedZoneId = await createPrivateZone(route53, zone);
    await setLabSoa(new Route53DnsZone(hostedZoneId, route53), zone);

    const config: LambdaConfig = {
      plansTable: tables.plans,
      eventsTable: tables.events,
      cascadeTable: tables.cascade,
      hostedZoneId,
      zoneName: zone,
      dnsServer: `${dnsServer.host}:${dnsServer.port}`,
    };
    const documents = documentClient(dynamodb);
    const deps = (clock: Clock = systemClock) => depsFromConfig(config, { dynamodb: documents, route53 }, clock);
    // The gate's Query goes to dynalite as the API request it is: what DynamoDB filters is what the gate sees.
    const gateQuery = async (input: unknown) => {
      const { $metadata: _metadata, ...output } = await dynamodb.send(new QueryCommand(input as QueryCommandInput));
      return output;
    };
    return {
      zone,
      hostedZoneId,
      tables,
      endpoints: { dynamodb: dynamodbEndpoint, route53: route53Server.endpoint, dns: config.dnsServer! },
      model,
      config,
      environment: {
        AWS_REGION: EMBEDDED_REGION,
        // AWS CLI v1 reads only this one.
        AWS_DEFAULT_REGION: EMBEDDED_REGION,
        AWS_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
        AWS_ENDPOINT_URL_ROUTE_53: route53Server.endpoint,
        ...configEnvironment(config),
      },
      deps,
      gateQuery,
      realIo: true,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A refusal in DynamoDB's error shape, so an SDK or the AWS CLI shows its message. */
function refuseAsDynamoDb(response: ServerResponse, why: string): void {
  response.writeHead(403, { 'Content-Type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException', message: why }));
}

async function createTables(client: DynamoDBClient, tables: TableNames): Promise<void> {
  for (const [name, keys] of [
    [tables.plans, PLANS_TABLE_KEYS],
    [tables.events, EVENTS_TABLE_KEYS],
    [tables.cascade, CASCADE_TABLE_KEYS],
  ] as const) {
    await createActiveTable(client, { TableName: name, BillingMode: 'PAY_PER_REQUEST', ...keySchemaOf(keys) });
  }
  await client
    .send(new UpdateTimeToLiveCommand({ TableName: tables.events, TimeToLiveSpecification: { Enabled: true, AttributeName: EVENTS_TTL_ATTRIBUTE } }))
    .catch(() => undefined); // dynalite may not implement TTL; expiry does not matter in memory
}

async function createPrivateZone(client: Route53Client, zone: string): Promise<string> {
  const created = await client.send(
    new CreateHostedZoneCommand({
      Name: zone,
      CallerReference: `racelab-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      HostedZoneConfig: { PrivateZone: true, Comment: 'dns-race-lab embedded target' },
      VPC: EMBEDDED_VPC,
    }),
  );
  const id = created.HostedZone?.Id;
  if (!id) throw new Error('the embedded Route 53 endpoint returned no hosted zone id');
  return id.replace(/^\/hostedzone\//, '');
}
