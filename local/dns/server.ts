// An authoritative DNS server on loopback that answers from the Route 53 zone
// model, the way Route 53 Resolver answers for a private hosted zone: in-zone
// CNAME chains are followed, an alias answers with its target's records under
// its own name (NOERROR and no answers once the target's records are gone), a
// weighted name answers with ONE of its record sets per query (in proportion
// to the weights), unknown names are NXDOMAIN.
// The answering logic (ZoneAnswerer) is socket-free so it can be used in-process.

import { isIPv6, type AddressInfo, type Server, type Socket } from 'node:net';
import { Packet, type Resource } from 'dns2';
import { canonicalName, type RecordSet } from '../../lambdas/core/dns-records.ts';
import { ZoneRecords } from '../route53/zone-model.ts';
import { QueryUdpServer, queryTcpServer } from './transport.ts';

/**
 * Where answers come from: one zone, anything with findZone (a Route53Model
 * serves all its zones), or a function returning the zone that holds a name.
 */
export type ZoneSource = ZoneRecords | { findZone(name: string): ZoneRecords | undefined } | ((name: string) => ZoneRecords | undefined);

function zoneFinder(source: ZoneSource): (name: string) => ZoneRecords | undefined {
  if (typeof source === 'function') return source;
  if (source instanceof ZoneRecords) {
    return (name) => (name === source.apex || name.endsWith(`.${source.apex}`) ? source : undefined);
  }
  return (name) => source.findZone(name);
}

// ---------------------------------------------------------------------------
// Answers, independent of the wire

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED';

export interface AnswerRecord {
  name: string;
  type: RecordSet['type'];
  ttl: number;
  value: string;
}

export interface DnsAnswer {
  rcode: Rcode;
  answers: AnswerRecord[];
  /** The zone's SOA on negative answers, so resolvers can cache them. */
  authority: AnswerRecord[];
}

/** CNAME chains longer than this are cut short (and loops with them). */
const MAX_CHAIN = 8;

/**
 * Smooth weighted round robin (as in nginx): deterministic, and every run of
 * sum(weights) picks chooses each set exactly in proportion to its weight.
 */
class WeightedRotation {
  private readonly current = new Map<string, Map<string, number>>();

  pick(key: string, sets: RecordSet[]): RecordSet | undefined {
    // Weight 0 sets only answer when every set has weight 0 (then all share equally), as in Route 53.
    const allZero = sets.every((set) => (set.weight ?? 0) === 0);
    const candidates = sets.map((set) => ({ set, weight: allZero ? 1 : (set.weight ?? 0) })).filter(({ weight }) => weight > 0);
    const previous = this.current.get(key) ?? new Map<string, number>();
    const next = new Map<string, number>(); // sets that disappeared drop out of the rotation
    let total = 0;
    let best: { set: RecordSet; score: number } | undefined;
    for (const { set, weight } of candidates) {
      const id = set.setIdentifier ?? '';
      const score = (previous.get(id) ?? 0) + weight;
      next.set(id, score);
      total += weight;
      if (!best || score > best.score) best = { set, score };
    }
    if (!best) return undefined;
    const chosen = best.set.setIdentifier ?? '';
    next.set(chosen, best.score - total);
    this.current.set(key, next);
    return best.set;
  }
}

export class ZoneAnswerer {
  private readonly findZone: (name: string) => ZoneRecords | undefined;
  private readonly rotation = new WeightedRotation();

  constructor(source: ZoneSource) {
    this.findZone = zoneFinder(source);
  }

  /** Answers a query for `type` (a record type name such as "A"; unknown types simply have no records). */
  answer(name: string, type: string): DnsAnswer {
    const result: DnsAnswer = { rcode: 'NOERROR', answers: [], authority: [] };
    let owner = canonicalName(name);
    for (let depth = 0; depth <= MAX_CHAIN; depth += 1) {
      const zone = this.findZone(owner);
      if (!zone) {
        // Not ours: refuse a direct query; a CNAME leading out of our zones simply ends the chain.
        if (depth === 0) result.rcode = 'REFUSED';
        return result;
      }
      const here = zone.lookup(owner);
      if (here.length === 0) {
        // A dangling in-zone CNAME target makes the whole answer NXDOMAIN, CNAME included.
        if (!zone.nameExists(owner)) result.rcode = 'NXDOMAIN';
        result.authority = this.soaOf(zone);
        return result;
      }
      const cname = type === 'CNAME' ? undefined : this.choose(owner, 'CNAME', here);
      const chosen = cname ?? this.throughAliases(zone, this.choose(owner, type, here));
      if (!chosen) {
        // NODATA: the name exists (an alias whose target is gone counts), so NOERROR with no answers.
        result.authority = this.soaOf(zone);
        return result;
      }
      // An alias answers under the name asked, with its target's records and TTL (Route 53's documented rule).
      for (const value of chosen.values) result.answers.push({ name: owner, type: chosen.type, ttl: chosen.ttl, value });
      if (!cname) return result;
      owner = canonicalName(cname.values[0] ?? '');
    }
    return result;
  }

  /**
   * Follows alias records (to records of the same type in the same zone) to the
   * record set that answers; undefined when a target has no records left.
   */
  private throughAliases(zone: ZoneRecords, chosen: RecordSet | undefined): RecordSet | undefined {
    let set = chosen;
    for (let depth = 0; set?.alias && depth <= MAX_CHAIN; depth += 1) {
      const target = set.alias.target;
      set = this.choose(target, set.type, zone.lookup(target));
    }
    return set?.alias ? undefined : set;
  }

  /** The record set answering for (name, type): the only one, or one weighted set picked by rotation. */
  private choose(name: string, type: string, here: RecordSet[]): RecordSet | undefined {
    const sets = here.filter((set) => set.type === type);
    if (sets.length <= 1 || sets.every((set) => set.setIdentifier === undefined)) return sets[0];
    return this.rotation.pick(`${name}|${type}`, sets);
  }

  /** RFC 2308 §3: a negative answer's SOA carries the lesser of the SOA's TTL and its last field, how long the answer may be cached. */
  private soaOf(zone: ZoneRecords): AnswerRecord[] {
    return zone
      .lookup(zone.apex, 'SOA')
      .flatMap((soa) => soa.values.map((value) => ({ name: zone.apex, type: soa.type, ttl: Math.min(soa.ttl, soaMinimum(value) ?? soa.ttl), value })));
  }
}

/** An SOA value's last field (the negative-caching TTL), or undefined when the value is not an SOA's. */
function soaMinimum(value: string): number | undefined {
  const last = value.trim().split(/\s+/)[6];
  return last === undefined ? undefined : Number(last);
}

// ---------------------------------------------------------------------------
// Wire encoding (dns2)

// RFC 1035 §4.1.1 response codes (dns2's typings do not declare Packet.RCODE).
const RCODES: Record<Rcode | 'SERVFAIL', number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

function typeName(code: number): string {
  return Object.entries(Packet.TYPE).find(([, value]) => value === code)?.[0] ?? `TYPE${code}`;
}

/** The character strings of a stored TXT value ("a" "b" → [a, b]); unquoted text is one string. */
export function txtStrings(value: string): string[] {
  const quoted = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => (match[1] ?? '').replace(/\\(.)/g, '$1'));
  return quoted.length > 0 ? quoted : [value];
}

function toResource(record: AnswerRecord, ownerName: string): Resource {
  const base = { name: ownerName, type: Packet.TYPE[record.type], class: Packet.CLASS.IN, ttl: record.ttl };
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return new Packet.Resource({ ...base, address: record.value });
    case 'CNAME':
      return new Packet.Resource({ ...base, domain: canonicalName(record.value) });
    case 'NS':
      return new Packet.Resource({ ...base, ns: canonicalName(record.value) });
    case 'TXT':
      return new Packet.Resource({ ...base, data: txtStrings(record.value) });
    case 'SOA': {
      const [primary = '', admin = '', ...numbers] = record.value.split(/\s+/);
      const [serial = 1, refresh = 7200, retry = 900, expiration = 1209600, minimum = 86400] = numbers.map(Number);
      return new Packet.Resource({ ...base, primary: canonicalName(primary), admin: canonicalName(admin), serial, refresh, retry, expiration, minimum });
    }
  }
}

/** The response to a query; undefined (dropped) when its question did not decode. */
function respond(answerer: ZoneAnswerer, request: Packet): Packet | undefined {
  const [question] = request.questions;
  if (!question || request.questions.length !== 1) return undefined;
  const response = Packet.createResponseFromRequest(request);
  response.header.aa = 1;
  try {
    const result = answerer.answer(question.name, typeName(question.type));
    response.header.rcode = RCODES[result.rcode];
    // The first owner keeps the case the client asked with (resolvers using 0x20 randomisation check it).
    const asked = canonicalName(question.name);
    const owner = (name: string) => (name === asked ? question.name : name);
    response.answers = result.answers.map((record) => toResource(record, owner(record.name)));
    response.authorities = result.authority.map((record) => toResource(record, record.name));
  } catch {
    response.answers = [];
    response.authorities = [];
    response.header.rcode = RCODES.SERVFAIL;
  }
  return response;
}

// ---------------------------------------------------------------------------
// Sockets (local/dns/transport.ts screens what reaches the parser)

export interface DnsServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

async function listenBoth(
  answerer: ZoneAnswerer,
  host: string,
  port: number,
): Promise<{ udp: QueryUdpServer; tcp: Server; connections: Set<Socket>; port: number }> {
  const responder = (request: Packet) => respond(answerer, request);
  const udp = new QueryUdpServer(isIPv6(host) ? 'udp6' : 'udp4', responder);
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => resolve());
  });
  const bound = (udp.address() as AddressInfo).port;
  // TCP on the same port, for clients that retry truncated answers over TCP.
  const tcp = queryTcpServer(responder);
  // Remembered so close() can end idle keep-alive connections instead of waiting for them.
  const connections = new Set<Socket>();
  tcp.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(bound, host, () => resolve());
    });
  } catch (error) {
    udp.close();
    throw error;
  }
  return { udp, tcp, connections, port: bound };
}

/** Serves DNS over UDP and TCP on host:port (port 0 picks a free port, the same for both). */
export async function startDnsServer(source: ZoneSource, options: { host?: string; port?: number } = {}): Promise<DnsServer> {
  const host = options.host ?? '127.0.0.1';
  const answerer = new ZoneAnswerer(source);
  const attempts = options.port ? 1 : 5; // a free UDP port may be taken for TCP: try another
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { udp, tcp, connections, port } = await listenBoth(answerer, host, options.port ?? 0);
      return {
        host,
        port,
        close: async () => {
          await Promise.all([
            new Promise<void>((resolve) => udp.close(() => resolve())),
            new Promise<void>((resolve) => {
              tcp.close(() => resolve());
              for (const socket of connections) socket.destroy();
            }),
          ]);
        },
      };
    } catch (error) {
      if (attempt >= attempts || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}
