// Resolver straight on the zone model, without a socket: the same answers as
// the embedded DNS server (ZoneAnswerer: CNAME chains, weighted rotation,
// empty answers), for runs on the in-memory lab.
import type { Resolver } from '../lambdas/core/ports.ts';
import { ZoneAnswerer, type ZoneSource } from './dns/server.ts';

export class MemoryResolver implements Resolver {
  private readonly answerer: ZoneAnswerer;

  constructor(source: ZoneSource) {
    this.answerer = new ZoneAnswerer(source);
  }

  async resolve4(name: string): Promise<string[]> {
    return this.answerer
      .answer(name, 'A')
      .answers.filter((record) => record.type === 'A')
      .map((record) => record.value);
  }
}
