// Proves the embedded endpoints hold against input no SDK sends: the DNS server
// drops what is not a query, unanswered, over UDP and TCP (dns2's parser once
// spent seconds of the process's only thread on one 12-byte packet, stalling
// every endpoint), and the HTTP endpoints serve only requests addressed to
// their loopback host by something other than a web page (DNS rebinding, and
// dynalite's CORS allowing any origin, would otherwise let a page use them).

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { Packet } from 'dns2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ZONE_NAME } from '../../lambdas/config.ts';
import { startEmbeddedLab, type EmbeddedLab } from '../../local/embedded-lab.ts';

let lab: EmbeddedLab;
let dnsHost: string;
let dnsPort: number;

beforeAll(async () => {
  lab = await startEmbeddedLab();
  const [host = '', port = ''] = lab.endpoints.dns.split(':');
  [dnsHost, dnsPort] = [host, Number(port)];
});

afterAll(async () => {
  await lab?.close();
});

function query(id: number, name = DEFAULT_ZONE_NAME, type = Packet.TYPE.SOA): Buffer {
  const packet = new Packet();
  packet.header.id = id;
  packet.header.rd = 1;
  packet.questions.push(new Packet.Question(name, type, Packet.CLASS.IN));
  return packet.toBuffer();
}

/** Messages no DNS client sends as a query; each once made dns2 work, and most got an answer. */
function malformed(): Record<string, Buffer> {
  const asResponse = query(0x0002);
  asResponse[2] = asResponse[2]! | 0x80; // QR set: a response, which a server must not answer (two servers would ping-pong)
  const update = query(0x0003);
  update[2] = (update[2]! & ~0x78) | (5 << 3); // opcode UPDATE
  const twoQuestions = query(0x0004);
  twoQuestions[5] = 2;
  return {
    // Every count at 65535: dns2 tried 262,140 records, throwing on each (2.8 s on this machine).
    'a bare header claiming 65535 of everything': Buffer.from([0x00, 0x01, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    'a response': asResponse,
    'an UPDATE': update,
    'two questions and one present': twoQuestions,
    'a question whose name points at itself': Buffer.from([0x00, 0x05, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]),
    'a question cut off in its name': Buffer.from([0x00, 0x06, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0x61, 0x62, 0, 1, 0, 1]),
    'five bytes': Buffer.from([0x00, 0x07, 0x01, 0x00, 0x00]),
  };
}

/** The ids of the messages a UDP client gets back, up to and including `lastId`'s. */
function repliesUntil(socket: UdpSocket, lastId: number): Promise<number[]> {
  return new Promise((resolve) => {
    const ids: number[] = [];
    socket.on('message', (message: Buffer) => {
      ids.push(message.readUInt16BE(0));
      if (ids.at(-1) === lastId) resolve(ids);
    });
  });
}

describe('the DNS server, given messages that are not queries', () => {
  it('drops each over UDP, unanswered, and answers the query sent after them', async () => {
    const socket = createSocket('udp4');
    try {
      const replies = repliesUntil(socket, 0x4242);
      // One socket and one server thread: the server reads these in order, so any reply to the junk arrives first.
      for (const message of Object.values(malformed())) socket.send(message, dnsPort, dnsHost);
      socket.send(query(0x4242), dnsPort, dnsHost);
      expect(await replies).toEqual([0x4242]);
    } finally {
      socket.close();
    }
  });

  it('answers a query as dig sends it: AD set and an EDNS OPT record with a cookie', async () => {
    const plain = query(0x4343);
    plain[3] = 0x20; // AD
    plain[11] = 1; // one additional record: the OPT below
    // RFC 6891 OPT: root name, type 41, UDP size 1232, no extended flags, a COOKIE option (10) with an 8-byte client cookie.
    const opt = Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 12, 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
    const socket = createSocket('udp4');
    try {
      const replies = repliesUntil(socket, 0x4343);
      socket.send(Buffer.concat([plain, opt]), dnsPort, dnsHost);
      expect(await replies).toEqual([0x4343]);
    } finally {
      socket.close();
    }
  });

  it.each(Object.entries(malformed()))('closes a TCP connection that sends %s, unanswered', async (_name, message) => {
    const frame = Buffer.concat([Buffer.alloc(2), message]);
    frame.writeUInt16BE(message.length, 0);
    expect((await tcpExchange([frame])).received).toBe(0);
  });

  it('closes a TCP connection whose length prefix announces more than any query, however slowly the bytes come', async () => {
    // A byte every 200 ms keeps an idle timeout from ever ending the connection: only refusing the length does.
    expect((await tcpExchange([Buffer.from([0xff, 0xff, 0x00])], { trickleMs: 200 })).received).toBe(0);
  });

  it('answers pipelined TCP queries in order, and one a client sends as it half-closes', async () => {
    const frames = [0x0101, 0x0102].map((id) => {
      const message = query(id);
      return Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message]);
    });
    const { ids } = await tcpExchange(frames, { halfClose: true });
    expect(ids).toEqual([0x0101, 0x0102]);
  });
});

/** Writes frames on one TCP connection and, once the server has closed it, reports what came back. */
function tcpExchange(frames: Buffer[], options: { halfClose?: boolean; trickleMs?: number } = {}): Promise<{ received: number; ids: number[] }> {
  return new Promise((resolve, reject) => {
    let trickle: NodeJS.Timeout | undefined;
    let connected = false;
    const socket = net.connect(dnsPort, dnsHost, () => {
      connected = true;
      for (const frame of frames) socket.write(frame);
      if (options.halfClose) socket.end();
      if (options.trickleMs) trickle = setInterval(() => socket.write(Buffer.from([0])), options.trickleMs);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Failing to connect fails the test; a reset once connected is the server closing, seen by 'close'.
    socket.on('error', (error) => (connected ? undefined : reject(error)));
    socket.on('close', () => {
      clearInterval(trickle);
      const received = Buffer.concat(chunks);
      const ids: number[] = [];
      for (let at = 0; at + 4 <= received.length; at += 2 + received.readUInt16BE(at)) ids.push(received.readUInt16BE(at + 2));
      resolve({ received: received.length, ids });
    });
  });
}

// ---------------------------------------------------------------------------
// The HTTP endpoints

interface RawReply {
  status: number;
  body: string;
}

/** An HTTP request with whatever Host and Origin a browser would send after DNS rebinding; fetch would not let us set Host. */
function rawRequest(endpoint: string, options: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(options.path, endpoint), { method: options.method, headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const port = (endpoint: string) => new URL(endpoint).port;

function createTableRequest(host: string, extra: Record<string, string> = {}) {
  return {
    method: 'POST',
    path: '/',
    headers: {
      Host: host,
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'DynamoDB_20120810.CreateTable',
      'X-Amz-Date': '20251020T000000Z',
      // dynalite checks only that these are present, as any page can make them.
      Authorization: 'AWS4-HMAC-SHA256 Credential=racelab/20251020/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      ...extra,
    },
    body: JSON.stringify({
      TableName: `planted-${host.replace(/[^a-z0-9]/gi, '-')}-${Object.keys(extra).length}`,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
    }),
  };
}

function createZoneRequest(host: string, extra: Record<string, string> = {}) {
  const name = `planted-${host.replace(/[^a-z0-9]/gi, '-')}-${Object.keys(extra).length}.example`;
  return {
    method: 'POST',
    path: '/2013-04-01/hostedzone',
    headers: { Host: host, 'Content-Type': 'text/plain', ...extra },
    body: `<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>${name}</Name><CallerReference>${name}</CallerReference></CreateHostedZoneRequest>`,
  };
}

describe('the HTTP endpoints, given requests not addressed to their loopback host or made by a web page', () => {
  const hostedZoneNames = () => lab.model.listHostedZonesByName({ maxItems: 100 }).hostedZones.map((zone) => zone.name);

  it('refuse a Route 53 request whose Host is a name rebound to loopback, and change nothing', async () => {
    const reply = await rawRequest(lab.endpoints.route53, createZoneRequest(`rebound.example:${port(lab.endpoints.route53)}`));
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('<Code>AccessDenied</Code>');
    expect(reply.body).toContain(`only requests to ${lab.endpoints.route53}`);
    expect(hostedZoneNames()).toEqual([lab.zone]);
  });

  it('refuse a Route 53 request from a web page (an Origin header), even addressed to the right host', async () => {
    const host = new URL(lab.endpoints.route53).host;
    const reply = await rawRequest(lab.endpoints.route53, createZoneRequest(host, { Origin: 'https://page.example' }));
    expect(reply.status).toBe(403);
    expect(hostedZoneNames()).toEqual([lab.zone]);
  });

  it('serve a Route 53 request addressed to its loopback address or to localhost', async () => {
    for (const host of [new URL(lab.endpoints.route53).host, `localhost:${port(lab.endpoints.route53)}`]) {
      expect((await rawRequest(lab.endpoints.route53, createZoneRequest(host))).status).toBe(201);
    }
    expect(hostedZoneNames()).toHaveLength(3);
  });

  const tableNames = async () => {
    const reply = await rawRequest(lab.endpoints.dynamodb, {
      ...createTableRequest(new URL(lab.endpoints.dynamodb).host),
      headers: { ...createTableRequest(new URL(lab.endpoints.dynamodb).host).headers, 'X-Amz-Target': 'DynamoDB_20120810.ListTables' },
      body: '{}',
    });
    return (JSON.parse(reply.body) as { TableNames: string[] }).TableNames;
  };

  it('refuse a DynamoDB request whose Host is a name rebound to loopback, in the error shape the SDK reads, and change nothing', async () => {
    const reply = await rawRequest(lab.endpoints.dynamodb, createTableRequest(`rebound.example:${port(lab.endpoints.dynamodb)}`));
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ __type: expect.stringMatching(/#AccessDeniedException$/) });
    expect(await tableNames()).toEqual([lab.tables.cascade, lab.tables.events, lab.tables.plans].sort());
  });

  it("refuse a web page's DynamoDB requests: the CORS preflight and the request itself", async () => {
    const host = new URL(lab.endpoints.dynamodb).host;
    const preflight = await rawRequest(lab.endpoints.dynamodb, {
      method: 'OPTIONS',
      path: '/',
      headers: { Host: host, Origin: 'https://page.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-amz-target' },
    });
    expect(preflight.status).toBe(403);
    expect((await rawRequest(lab.endpoints.dynamodb, createTableRequest(host, { Origin: 'https://page.example' }))).status).toBe(403);
    expect(await tableNames()).toEqual([lab.tables.cascade, lab.tables.events, lab.tables.plans].sort());
  });

  it('serve a DynamoDB request addressed to its loopback address', async () => {
    expect((await rawRequest(lab.endpoints.dynamodb, createTableRequest(new URL(lab.endpoints.dynamodb).host))).status).toBe(200);
    expect(await tableNames()).toHaveLength(4);
  });
});
