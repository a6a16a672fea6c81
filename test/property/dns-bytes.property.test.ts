// Random bytes to the embedded DNS server over UDP: whatever arrives, the server
// either answers with a well-formed response to that message or drops it, and
// answers the next query. On dns2's parser alone a random header asked for
// ~130,000 records on average, about 1.4 s of blocked thread per packet, so
// these runs took minutes instead of well under the test's timeout.

import { createSocket } from 'node:dgram';
import { Packet } from 'dns2';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDnsServer, type DnsServer } from '../../local/dns/server.ts';
import { Route53Model } from '../../local/route53/zone-model.ts';

let server: DnsServer;
const socket = createSocket('udp4');
const zone = 'fuzz.internal';

beforeAll(async () => {
  const model = new Route53Model();
  model.createHostedZone({ name: zone, callerReference: 'fuzz', privateZone: true, vpc: { vpcId: 'vpc-0123456789abcdef0', vpcRegion: 'us-east-1' } });
  server = await startDnsServer(model);
});

afterAll(async () => {
  socket.close();
  await server?.close();
});

function soaQuery(id: number): Buffer {
  const packet = new Packet();
  packet.header.id = id;
  packet.questions.push(new Packet.Question(zone, Packet.TYPE.SOA, Packet.CLASS.IN));
  return packet.toBuffer();
}

const anyBytes = fc.uint8Array({ maxLength: 1500 }).map((bytes) => Buffer.from(bytes));
/** A header with random flags and counts, then random bytes: the shape that made dns2 loop. */
const header = fc
  .tuple(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 64 }))
  .map(([head, tail]) => Buffer.from([...head, ...tail]));
/** A real query with a few bytes changed: close to what the server accepts. */
const mutatedQuery = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((changes) => {
  const bytes = soaQuery(0x1111);
  for (const [at, value] of changes) bytes[at % bytes.length] = value;
  return bytes;
});

/** Sends one message, then a probe; resolves with every reply up to the probe's. */
function exchange(message: Buffer, probeId: number): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const replies: Buffer[] = [];
    const onMessage = (reply: Buffer) => {
      replies.push(reply);
      if (reply.length >= 2 && reply.readUInt16BE(0) === probeId) {
        socket.off('message', onMessage);
        resolve(replies);
      }
    };
    socket.on('message', onMessage);
    socket.send(message, server.port, server.host);
    socket.send(soaQuery(probeId), server.port, server.host);
  });
}

let probes = 0;

it('answers random bytes with a well-formed response or not at all, and answers the next query', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(anyBytes, header, mutatedQuery), async (message) => {
      const messageId = message.length >= 2 ? message.readUInt16BE(0) : -1;
      probes += 1;
      const probeId = (0x8000 + probes) & 0xffff;
      const replies = await exchange(message, probeId === messageId ? probeId + 1 : probeId);
      const probe = Packet.parse(replies.at(-1)!);
      expect(probe.header.qr).toBe(1);
      expect(probe.answers.map((answer) => answer.type)).toEqual([Packet.TYPE.SOA]);
      // Anything before the probe's answer is a response to the message itself.
      for (const reply of replies.slice(0, -1)) {
        expect(reply.readUInt16BE(0)).toBe(messageId);
        expect(Packet.parse(reply).header.qr).toBe(1);
      }
    }),
    { numRuns: 400 },
  );
});
