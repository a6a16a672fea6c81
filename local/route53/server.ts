// The Route 53 REST/XML API over loopback HTTP, backed by Route53Model. It
// serves exactly the operations the lab's clients use, in the wire shapes
// @aws-sdk/client-route-53 sends and parses; anything else is an XML error.
// Signatures are not checked: this is a lab endpoint, served only to requests
// addressed to its loopback host (local/loopback-guard.ts).

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import * as z from 'zod';
import { aliasRecord, CHANGE_ACTIONS, RECORD_TYPES, type RecordChange, type RecordSet } from '../../lambdas/core/dns-records.ts';
import { guardLoopback } from '../loopback-guard.ts';
import { InvalidChangeBatchError, Route53Error, dnsName, type ChangeInfo, type HostedZoneInfo, type Route53Model, type Vpc } from './zone-model.ts';

const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';
const API = '/2013-04-01';

// ---------------------------------------------------------------------------
// XML in: parsed with every value kept as text, then checked with zod

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  removeNSPrefix: true,
  parseTagValue: false, // "0123" and "1e3" are record values, not numbers
  isArray: (name) => name === 'Change' || name === 'ResourceRecord',
});

const integerText = z
  .string()
  .regex(/^-?\d+$/, 'must be an integer')
  .transform(Number);

/** `<ResourceRecords/>` parses as '' (the SDK sends it for an empty list). */
const ResourceRecordsXml = z.union([z.literal(''), z.strictObject({ ResourceRecord: z.array(z.strictObject({ Value: z.string() })) })]);

const AliasTargetXml = z.strictObject({ HostedZoneId: z.string(), DNSName: z.string(), EvaluateTargetHealth: z.enum(['true', 'false']) });

// strictObject: routing features the lab does not model (Region, Failover,
// GeoLocation, ...) are refused rather than silently ignored.
const ResourceRecordSetXml = z.strictObject({
  Name: z.string(),
  Type: z.enum(RECORD_TYPES),
  SetIdentifier: z.string().optional(),
  Weight: integerText.optional(),
  TTL: integerText.optional(),
  ResourceRecords: ResourceRecordsXml.optional(),
  AliasTarget: AliasTargetXml.optional(),
});

const ChangeResourceRecordSetsXml = z.object({
  ChangeResourceRecordSetsRequest: z.object({
    ChangeBatch: z.strictObject({
      Comment: z.string().optional(),
      Changes: z.strictObject({ Change: z.array(z.strictObject({ Action: z.enum(CHANGE_ACTIONS), ResourceRecordSet: ResourceRecordSetXml })) }),
    }),
  }),
});

const CreateHostedZoneXml = z.object({
  CreateHostedZoneRequest: z.strictObject({
    Name: z.string(),
    CallerReference: z.string(),
    VPC: z.strictObject({ VPCRegion: z.string(), VPCId: z.string() }).optional(),
    HostedZoneConfig: z.strictObject({ Comment: z.string().optional(), PrivateZone: z.enum(['true', 'false']).optional() }).optional(),
  }),
});

function parseBody<T>(body: string, schema: z.ZodType<T>): T {
  let document: unknown;
  try {
    document = parser.parse(body, true);
  } catch (error) {
    throw new Route53Error('InvalidInput', `Invalid XML: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(document);
  if (!parsed.success) throw new Route53Error('InvalidInput', `Invalid request: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

type ResourceRecordSetXml = z.infer<typeof ResourceRecordSetXml>;

function toRecordChange(action: RecordChange['action'], xml: ResourceRecordSetXml, zoneId: string): RecordChange {
  const values = xml.ResourceRecords ? xml.ResourceRecords.ResourceRecord.map((record) => record.Value) : [];
  const hasRecords = xml.TTL !== undefined || values.length > 0;
  const where = `in Change with [Action=${action}, Name=${dnsName(xml.Name)}, Type=${xml.Type}, SetIdentifier=${xml.SetIdentifier ?? 'null'}]`;
  // Route 53's wording for a record set with neither (or both) records and an alias target.
  const expected = 'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId]';
  if (xml.AliasTarget) {
    if (hasRecords) throw new Route53Error('InvalidInput', `${expected}, but found more than one ${where}`);
    if (bareZoneId(xml.AliasTarget.HostedZoneId) !== zoneId) {
      throw new Route53Error(
        'InvalidInput',
        `Invalid request: the embedded Route 53 supports aliases to records in the same hosted zone only (${zoneId}) ${where}`,
      );
    }
    return { action, record: withRouting(aliasRecord(xml.Name, xml.Type, xml.AliasTarget.DNSName), xml) };
  }
  if (xml.TTL === undefined || values.length === 0) throw new Route53Error('InvalidInput', `${expected}, but found none ${where}`);
  return { action, record: withRouting({ name: xml.Name, type: xml.Type, ttl: xml.TTL, values }, xml) };
}

function withRouting(record: RecordSet, xml: ResourceRecordSetXml): RecordSet {
  if (xml.SetIdentifier !== undefined) record.setIdentifier = xml.SetIdentifier;
  if (xml.Weight !== undefined) record.weight = xml.Weight;
  return record;
}

/** "/hostedzone/Z…" or "Z…" → "Z…". */
function bareZoneId(id: string): string {
  return id.replace(/^\/hostedzone\//, '');
}

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw new Route53Error('InvalidInput', `Invalid request: ${name} must be a positive integer, got '${value}'`);
  return Number(value);
}

function optionalParam(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) ?? undefined;
}

// ---------------------------------------------------------------------------
// XML out: Route 53's element names and order, names with their trailing dot

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: true });

function xmlDocument(root: string, content: object): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': NAMESPACE, ...content } })}`;
}

const hostedZoneXml = (zone: HostedZoneInfo) => ({
  Id: `/hostedzone/${zone.id}`,
  Name: dnsName(zone.name),
  CallerReference: zone.callerReference,
  Config: { Comment: zone.comment, PrivateZone: zone.privateZone },
  ResourceRecordSetCount: zone.resourceRecordSetCount,
});

const changeInfoXml = (change: ChangeInfo) => ({
  Id: `/change/${change.id}`,
  Status: change.status,
  SubmittedAt: change.submittedAt.toISOString(),
  Comment: change.comment,
});

const recordSetXml = (zoneId: string) => (record: RecordSet) => ({
  Name: dnsName(record.name),
  Type: record.type,
  SetIdentifier: record.setIdentifier,
  Weight: record.weight,
  ...(record.alias
    ? { AliasTarget: { HostedZoneId: zoneId, DNSName: dnsName(record.alias.target), EvaluateTargetHealth: false } }
    : { TTL: record.ttl, ResourceRecords: { ResourceRecord: record.values.map((value) => ({ Value: value })) } }),
});

const vpcXml = (vpc: Vpc) => ({ VPCRegion: vpc.vpcRegion, VPCId: vpc.vpcId });

/** Public zones get a delegation set; private zones have none. */
const delegationSetXml = { NameServers: { NameServer: ['ns-0.awsdns-00.com', 'ns-512.awsdns-64.net', 'ns-1024.awsdns-00.org', 'ns-1536.awsdns-00.co.uk'] } };

/** The error shape the SDK's restXml protocol parses: `err.name` becomes <Code>. */
function errorXml(error: Route53Error): string {
  const messages = error instanceof InvalidChangeBatchError ? { Messages: { Message: error.messages } } : {};
  return xmlDocument('ErrorResponse', {
    Error: { Type: error.httpStatus >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message, ...messages },
    RequestId: randomUUID(),
  });
}

// ---------------------------------------------------------------------------
// Routes

interface Request {
  params: string[];
  query: URLSearchParams;
  body: string;
  baseUrl: string;
}

interface Reply {
  status: number;
  root: string;
  content: object;
  headers?: Record<string, string>;
}

interface Route {
  method: string;
  path: RegExp;
  handle(model: Route53Model, request: Request): Reply;
}

const ok = (root: string, content: object): Reply => ({ status: 200, root, content });

const routes: Route[] = [
  {
    method: 'POST',
    path: /^\/hostedzone$/,
    handle(model, { body, baseUrl }) {
      const xml = parseBody(body, CreateHostedZoneXml).CreateHostedZoneRequest;
      const vpc = xml.VPC ? { vpcId: xml.VPC.VPCId, vpcRegion: xml.VPC.VPCRegion } : undefined;
      const created = model.createHostedZone({
        name: xml.Name,
        callerReference: xml.CallerReference,
        comment: xml.HostedZoneConfig?.Comment,
        // Giving a VPC is what makes a zone private; PrivateZone=true alone is refused by the model.
        privateZone: vpc !== undefined || xml.HostedZoneConfig?.PrivateZone === 'true',
        vpc,
      });
      return {
        status: 201,
        root: 'CreateHostedZoneResponse',
        headers: { Location: `${baseUrl}${API}/hostedzone/${created.hostedZone.id}` },
        content: {
          HostedZone: hostedZoneXml(created.hostedZone),
          ChangeInfo: changeInfoXml(created.changeInfo),
          DelegationSet: created.hostedZone.privateZone ? undefined : delegationSetXml,
          VPC: created.vpc ? vpcXml(created.vpc) : undefined,
        },
      };
    },
  },
  {
    method: 'GET',
    path: /^\/hostedzone\/([^/]+)$/,
    handle(model, { params: [id = ''] }) {
      const { hostedZone, vpcs } = model.getHostedZone(id);
      return ok('GetHostedZoneResponse', {
        HostedZone: hostedZoneXml(hostedZone),
        DelegationSet: hostedZone.privateZone ? undefined : delegationSetXml,
        VPCs: hostedZone.privateZone ? { VPC: vpcs.map(vpcXml) } : undefined,
      });
    },
  },
  {
    method: 'DELETE',
    path: /^\/hostedzone\/([^/]+)$/,
    handle(model, { params: [id = ''] }) {
      return ok('DeleteHostedZoneResponse', { ChangeInfo: changeInfoXml(model.deleteHostedZone(id)) });
    },
  },
  {
    // ListHostedZones: the AWS CLI's `route53 list-hosted-zones`. Marker is a zone id.
    method: 'GET',
    path: /^\/hostedzone$/,
    handle(model, { query }) {
      const all = model.listHostedZonesByName({ maxItems: Number.MAX_SAFE_INTEGER }).hostedZones;
      const marker = optionalParam(query, 'marker');
      const from =
        marker === undefined
          ? 0
          : Math.max(
              0,
              all.findIndex((zone) => zone.id === marker.replace(/^\/hostedzone\//, '')),
            );
      const maxItems = integerParam(query, 'maxitems') ?? 100;
      const page = all.slice(from, from + maxItems);
      const next = all[from + maxItems];
      return ok('ListHostedZonesResponse', {
        HostedZones: { HostedZone: page.map(hostedZoneXml) },
        Marker: marker,
        IsTruncated: next !== undefined,
        NextMarker: next?.id,
        MaxItems: maxItems,
      });
    },
  },
  {
    method: 'GET',
    path: /^\/hostedzonesbyname$/,
    handle(model, { query }) {
      const page = model.listHostedZonesByName({
        dnsName: optionalParam(query, 'dnsname'),
        hostedZoneId: optionalParam(query, 'hostedzoneid'),
        maxItems: integerParam(query, 'maxitems'),
      });
      return ok('ListHostedZonesByNameResponse', {
        HostedZones: { HostedZone: page.hostedZones.map(hostedZoneXml) },
        DNSName: page.dnsName === undefined ? undefined : dnsName(page.dnsName),
        HostedZoneId: page.hostedZoneId,
        IsTruncated: page.isTruncated,
        NextDNSName: page.nextDnsName === undefined ? undefined : dnsName(page.nextDnsName),
        NextHostedZoneId: page.nextHostedZoneId,
        MaxItems: page.maxItems,
      });
    },
  },
  {
    method: 'POST',
    path: /^\/hostedzone\/([^/]+)\/rrset\/?$/,
    handle(model, { params: [id = ''], body }) {
      const batch = parseBody(body, ChangeResourceRecordSetsXml).ChangeResourceRecordSetsRequest.ChangeBatch;
      const zoneId = model.zone(id).id;
      const changes = batch.Changes.Change.map((change) => toRecordChange(change.Action, change.ResourceRecordSet, zoneId));
      return ok('ChangeResourceRecordSetsResponse', { ChangeInfo: changeInfoXml(model.changeResourceRecordSets(id, changes, batch.Comment)) });
    },
  },
  {
    method: 'GET',
    path: /^\/hostedzone\/([^/]+)\/rrset\/?$/,
    handle(model, { params: [id = ''], query }) {
      const page = model.listResourceRecordSets(id, {
        startRecordName: optionalParam(query, 'name'),
        startRecordType: optionalParam(query, 'type'),
        startRecordIdentifier: optionalParam(query, 'identifier'),
        maxItems: integerParam(query, 'maxitems'),
      });
      return ok('ListResourceRecordSetsResponse', {
        ResourceRecordSets: { ResourceRecordSet: page.records.map(recordSetXml(model.zone(id).id)) },
        IsTruncated: page.isTruncated,
        NextRecordName: page.nextRecordName === undefined ? undefined : dnsName(page.nextRecordName),
        NextRecordType: page.nextRecordType,
        NextRecordIdentifier: page.nextRecordIdentifier,
        MaxItems: page.maxItems,
      });
    },
  },
  {
    method: 'GET',
    path: /^\/change\/([^/]+)$/,
    handle(model, { params: [id = ''] }) {
      return ok('GetChangeResponse', { ChangeInfo: changeInfoXml(model.getChange(id)) });
    },
  },
];

function decodePathParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new Route53Error('InvalidInput', `Invalid request: malformed path parameter '${value}'`);
  }
}

function route(model: Route53Model, method: string, url: URL, body: string, baseUrl: string): Reply {
  const path = url.pathname.startsWith(`${API}/`) ? url.pathname.slice(API.length) : undefined;
  for (const candidate of routes) {
    const match = path === undefined || candidate.method !== method ? null : candidate.path.exec(path);
    if (match) return candidate.handle(model, { params: match.slice(1).map(decodePathParam), query: url.searchParams, body, baseUrl });
  }
  throw new Route53Error('InvalidAction', `${method} ${url.pathname} is not an operation this lab Route 53 endpoint serves`, 400);
}

// ---------------------------------------------------------------------------
// HTTP

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function serve(model: Route53Model, request: http.IncomingMessage, response: http.ServerResponse, baseUrl: string): Promise<void> {
  let status: number;
  let xml: string;
  let headers: Record<string, string> = {};
  try {
    const body = await readBody(request);
    const reply = route(model, request.method ?? 'GET', new URL(request.url ?? '/', baseUrl), body, baseUrl);
    status = reply.status;
    xml = xmlDocument(reply.root, reply.content);
    headers = reply.headers ?? {};
  } catch (error) {
    const failure = error instanceof Route53Error ? error : new Route53Error('InternalFailure', `Lab endpoint failure: ${(error as Error).message}`, 500);
    status = failure.httpStatus;
    xml = errorXml(failure);
  }
  send(response, status, xml, headers);
}

function send(response: http.ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID(), ...headers });
  response.end(xml);
}

export interface Route53Server {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the model on http://host:port (port 0 picks a free port). */
export async function startRoute53Server(model: Route53Model, options: { host?: string; port?: number } = {}): Promise<Route53Server> {
  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';
  const server = http.createServer((request, response) => void serve(model, request, response, baseUrl));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  guardLoopback(server, (response, why) => send(response, 403, errorXml(new Route53Error('AccessDenied', why, 403))));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    endpoint: baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // the SDK keeps connections alive
      }),
  };
}
