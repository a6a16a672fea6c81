// Route 53 throttles any call, reads included: over its request rate it answers
// HTTP 400 with code Throttling ("Rate exceeded"), and a change while an earlier
// one is pending gets PriorRequestNotComplete. Every call the adapter makes must
// turn that into the domain's Throttled (which the Enactor and the clean-up
// retry), and leave every other error as it is. The endpoint here answers each
// request with Route 53's own error document, so the real SDK parses it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeRejected, Throttled } from '../../lambdas/core/errors.ts';
import { Route53DnsZone } from '../../lambdas/adapters/route53-dns-zone.ts';
import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION } from '../../local/embedded-lab.ts';

interface Answer {
  status: number;
  code: string;
  message: string;
}

let answer: Answer;
const requests: string[] = [];
const server = http.createServer((request, response) => {
  requests.push(`${request.method} ${request.url}`);
  request.resume().on('end', () => {
    response.writeHead(answer.status, { 'content-type': 'text/xml' });
    response.end(
      '<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">' +
        `<Error><Type>Sender</Type><Code>${answer.code}</Code><Message>${answer.message}</Message></Error>` +
        '<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>',
    );
  });
});

let dns: Route53DnsZone;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // One attempt: the SDK's own retries of throttling would only repeat the same answer.
  const client = new Route53Client({ region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS, endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
  dns = new Route53DnsZone('/hostedzone/ZLAB0000000001', client);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const record = { name: 'ep.lab.internal', type: 'A' as const, ttl: 5, values: ['10.0.0.1'] };
const calls: [string, string, () => Promise<unknown>][] = [
  ['ListResourceRecordSets', 'GET', () => dns.recordsUnder('ep.lab.internal')],
  ['ChangeResourceRecordSets', 'POST', () => dns.change([{ action: 'UPSERT', record }])],
];
const throttling: Answer[] = [
  { status: 400, code: 'Throttling', message: 'Rate exceeded' },
  { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
  { status: 400, code: 'PriorRequestNotComplete', message: 'The request was rejected because Route 53 was still processing a prior request.' },
];

describe.each(calls)('Route53DnsZone, %s', (_operation, method, call) => {
  it.each(throttling)('maps $code to Throttled', async (throttled) => {
    answer = throttled;
    requests.length = 0;
    const attempt = call();
    await expect(attempt).rejects.toBeInstanceOf(Throttled);
    await expect(attempt).rejects.toThrow(throttled.message);
    expect(requests).toEqual([expect.stringMatching(new RegExp(`^${method} /2013-04-01/hostedzone/ZLAB0000000001/rrset`))]);
  });

  it('leaves any other error as the SDK threw it', async () => {
    answer = { status: 404, code: 'NoSuchHostedZone', message: 'No hosted zone found with ID: ZLAB0000000001' };
    const error: unknown = await call().catch((thrown: unknown) => thrown);
    expect(error).not.toBeInstanceOf(Throttled);
    expect(error).not.toBeInstanceOf(ChangeRejected);
    expect(error).toMatchObject({ name: 'NoSuchHostedZone' });
  });
});
