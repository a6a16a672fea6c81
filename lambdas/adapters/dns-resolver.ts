// Resolver on Node's DNS client: the VPC resolver inside a Lambda, or a given
// server (the embedded DNS server on loopback).
import { promises as dns } from 'node:dns';
import type { Resolver } from '../core/ports.ts';

/** Codes that mean "the name answers no addresses", which the Probe reports as []. */
const EMPTY_ANSWER_CODES = new Set(['ENOTFOUND', 'ENODATA']);

export class DnsResolver implements Resolver {
  private readonly resolver = new dns.Resolver({ timeout: 1000, tries: 2 });

  /** @param server "host:port"; omit to use the system's resolver (the VPC resolver in Lambda). */
  constructor(server?: string) {
    if (server) this.resolver.setServers([server]);
  }

  async resolve4(name: string): Promise<string[]> {
    try {
      return await this.resolver.resolve4(name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code && EMPTY_ANSWER_CODES.has(code)) return [];
      throw error;
    }
  }
}
