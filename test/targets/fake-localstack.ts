// A stand-in for a running LocalStack on loopback: it answers
// /_localstack/health and /_localstack/info with the JSON LocalStack's source
// serves there (localstack-core/localstack/services/internal.py: HealthResource
// and InfoResource, as of v4.14.0), and passes every other request to an
// upstream endpoint (the embedded lab's Route 53), as LocalStack serves every
// API on one port.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The community image's services (its providers in localstack-core/localstack/services), "available": started on first call. */
const COMMUNITY_SERVICES = [
  'acm',
  'apigateway',
  'cloudformation',
  'cloudwatch',
  'config',
  'dynamodb',
  'dynamodbstreams',
  'ec2',
  'es',
  'events',
  'firehose',
  'iam',
  'kinesis',
  'kms',
  'lambda',
  'logs',
  'opensearch',
  'redshift',
  'resource-groups',
  'resourcegroupstaggingapi',
  'route53',
  'route53resolver',
  's3',
  's3control',
  'scheduler',
  'secretsmanager',
  'ses',
  'sns',
  'sqs',
  'ssm',
  'stepfunctions',
  'sts',
  'support',
  'swf',
  'transcribe',
];

export interface FakeLocalStackOptions {
  edition?: string;
  version?: string;
  /** Overrides of single services' states ("disabled", "error"), or undefined to leave one out. */
  services?: Record<string, string | undefined>;
  licenseActivated?: boolean;
  /** No /_localstack/info (LocalStack before 2.3). */
  noInfo?: boolean;
  /** Where other requests go. */
  upstream?: string;
}

export interface FakeLocalStack {
  endpoint: string;
  close(): Promise<void>;
}

export function healthJson(options: FakeLocalStackOptions = {}) {
  const services: Record<string, string> = Object.fromEntries(COMMUNITY_SERVICES.map((name) => [name, 'available']));
  for (const [name, state] of Object.entries(options.services ?? {})) {
    if (state === undefined) delete services[name];
    else services[name] = state;
  }
  return { services, edition: options.edition ?? 'community', version: options.version ?? '4.14.0' };
}

export function infoJson(options: FakeLocalStackOptions = {}) {
  return {
    version: options.version ?? '4.14.0',
    edition: options.edition ?? 'community',
    is_license_activated: options.licenseActivated ?? false,
    session_id: '1830110c-6e4d-4256-9bc0-9008b8c5b6b9',
    machine_id: '4256a311839b',
    system: 'linux',
    is_docker: true,
    server_time_utc: '2026-03-01T12:00:00',
    uptime: 12,
  };
}

export async function startFakeLocalStack(options: FakeLocalStackOptions = {}): Promise<FakeLocalStack> {
  const server: Server = createServer((incoming, outgoing) => {
    const json = (status: number, body: unknown) => outgoing.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (incoming.url === '/_localstack/health') return json(200, healthJson(options));
    if (incoming.url === '/_localstack/info') return options.noInfo ? json(404, {}) : json(200, infoJson(options));
    if (!options.upstream) return json(501, { __type: 'InternalFailure', message: 'no upstream in this fake' });
    // Addressed to the upstream, as a proxy must: the embedded endpoints serve only requests to their own host.
    const headers = { ...incoming.headers, host: new URL(options.upstream).host };
    const forwarded = request(`${options.upstream}${incoming.url}`, { method: incoming.method, headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
