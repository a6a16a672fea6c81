// Every AWS API call of the rehearsal, as IAM would see it: who (the access key
// each principal signs with), which action, on which resource ARN. A recording
// proxy sits in front of each embedded endpoint and forwards the request
// unchanged, so the code under test makes its calls exactly as in Lambda.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** The access key id the request was signed with: one per principal. */
  principal: string;
  action: string;
  resource: string;
  status: number;
}

export interface ArnContext {
  partition: string;
  region: string;
  account: string;
}

const ROUTE53_PATHS: [RegExp, string, string][] = [
  [/^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, 'GET', 'route53:ListResourceRecordSets'],
  [/^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, 'POST', 'route53:ChangeResourceRecordSets'],
  [/^\/2013-04-01\/hostedzone\/([^/]+)$/, 'GET', 'route53:GetHostedZone'],
];

/**
 * The IAM action and resources of one request, from its wire form: one
 * resource, or for DynamoDB's batch operations each table the request names
 * (IAM authorizes a batch per table).
 */
export function describeRequest(
  service: 'dynamodb' | 'route53',
  method: string,
  path: string,
  headers: IncomingMessage['headers'],
  body: string,
  arn: ArnContext,
): { action: string; resource: string }[] {
  if (service === 'dynamodb') {
    const operation = String(headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    const input = JSON.parse(body || '{}') as { TableName?: string; IndexName?: string; RequestItems?: Record<string, unknown> };
    const table = (name: string) => `arn:${arn.partition}:dynamodb:${arn.region}:${arn.account}:table/${name}`;
    const action = `dynamodb:${operation}`;
    if (input.RequestItems) return Object.keys(input.RequestItems).map((name) => ({ action, resource: table(name) }));
    const named = table(input.TableName ?? '*');
    return [{ action, resource: input.IndexName ? `${named}/index/${input.IndexName}` : named }];
  }
  const bare = path.split('?')[0]!;
  for (const [pattern, verb, action] of ROUTE53_PATHS) {
    const match = pattern.exec(bare);
    if (match && verb === method) return [{ action, resource: `arn:${arn.partition}:route53:::hostedzone/${match[1]}` }];
  }
  return [{ action: `route53:<${method} ${bare}>`, resource: '*' }];
}

export interface RecordingProxy {
  endpoint: string;
  close(): Promise<void>;
}

export async function startRecordingProxy(service: 'dynamodb' | 'route53', target: string, arn: ArnContext, calls: RecordedCall[]): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const principal = /Credential=([^/]+)\//.exec(String(incoming.headers.authorization ?? ''))?.[1] ?? '<unsigned>';
      const described = describeRequest(service, incoming.method ?? 'GET', incoming.url ?? '/', incoming.headers, body.toString('utf8'), arn);
      const forwarded = request(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: upstream.host } },
        (response) => {
          for (const call of described) calls.push({ principal, ...call, status: response.statusCode ?? 0 });
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      forwarded.on('error', (error) => {
        outgoing.writeHead(502);
        outgoing.end(String(error));
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
