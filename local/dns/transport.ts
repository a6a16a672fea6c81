// DNS messages on UDP and TCP, screened before dns2 parses them. dns2's parser
// trusts the header's record counts: a 12-byte header claiming 65535 of each
// made it try (and fail, throwing) 262,140 records, 2.8 s of the only thread
// every embedded endpoint shares. A query has a known shape (RFC 1035 §4.1.1:
// one question, no answer or authority records, at most the EDNS OPT record),
// so a message without it is dropped unanswered, as servers drop garbage.

import type { RemoteInfo } from 'node:dgram';
import net from 'node:net';
import { Packet, UDPServer } from 'dns2';

/**
 * No query is larger: a 255-octet name and an EDNS record with a cookie or
 * padding fit well inside the 1232 bytes DNS Flag Day 2020 chose for EDNS.
 */
export const MAX_QUERY_BYTES = 1232;
const HEADER_BYTES = 12;
const SMALLEST_QUESTION = 5; // the root name (one byte), a type and a class

/** Whether a message has a query's shape; reads the header only, so it costs the same whatever the bytes. */
export function isQueryShaped(message: Buffer): boolean {
  if (message.length < HEADER_BYTES + SMALLEST_QUESTION || message.length > MAX_QUERY_BYTES) return false;
  const flags = message.readUInt8(2);
  const standardQuery = (flags & 0xf8) === 0; // QR 0 (not a response: answering those lets two servers ping-pong), opcode 0 (QUERY)
  const [questions, answers, authorities, additionals] = [4, 6, 8, 10].map((at) => message.readUInt16BE(at));
  return standardQuery && questions === 1 && answers === 0 && authorities === 0 && additionals! <= 1;
}

/** A response to a query, or undefined to drop it (its question did not decode). */
export type Responder = (request: Packet) => Packet | undefined;

/** dns2's UDP server (it sizes and truncates answers to the client's EDNS buffer), fed only query-shaped datagrams. */
export class QueryUdpServer extends UDPServer {
  constructor(type: 'udp4' | 'udp6', responder: Responder) {
    super({ type });
    this.on('request', (request: Packet, send: (response: Packet) => Promise<Buffer>) => {
      const response = responder(request);
      if (response) send(response).catch(() => undefined); // a client that went away is not our failure
    });
  }

  override handle(data: Buffer, rinfo: RemoteInfo): void {
    if (isQueryShaped(data)) super.handle(data, rinfo);
  }
}

/** RFC 7766 §6.2.3's recommended minimum: an idle connection is closed after this long. */
const TCP_IDLE_MS = 10_000;

/**
 * DNS over TCP (RFC 7766): two-byte length, message; pipelined queries are
 * answered in order. A message that is not a query, or a length no query has,
 * closes the connection at once, before its bytes are awaited.
 */
export function queryTcpServer(responder: Responder): net.Server {
  // allowHalfOpen: a client may send its last query and half-close; its answer still goes out.
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    let pending: Buffer = Buffer.alloc(0);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    // Answers are written synchronously as queries arrive, so ending after the client's end loses none.
    socket.on('end', () => socket.end());
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (length > MAX_QUERY_BYTES) return void socket.destroy();
        if (pending.length < 2 + length) return;
        const response = answerOne(pending.subarray(2, 2 + length), responder);
        pending = pending.subarray(2 + length);
        if (!response) return void socket.destroy();
        const frame = Buffer.alloc(2 + response.length);
        frame.writeUInt16BE(response.length, 0);
        response.copy(frame, 2);
        socket.write(frame);
      }
    });
  });
}

function answerOne(message: Buffer, responder: Responder): Buffer | undefined {
  if (!isQueryShaped(message)) return undefined;
  try {
    return responder(Packet.parse(message))?.toBuffer();
  } catch {
    return undefined;
  }
}
