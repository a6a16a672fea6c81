// Seeded latency for the embedded target, in virtual time: each call to the
// lab's endpoints takes a while, and each function's first invocation a cold
// start. One random stream per actor (or function), so an actor's delays do
// not depend on how the others' calls interleave: a run stays a pure function
// of (scenario, seed, safeguards, latency seed).
import { seededRandom, type Random } from '../../lambdas/core/random.ts';
import type { LatencySettings } from '../../scenario/schema.ts';

/** FNV-1a: a stable number for a stream's name. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class LatencyModel {
  private readonly streams = new Map<string, Random>();

  constructor(readonly settings: LatencySettings) {}

  private stream(name: string): Random {
    let random = this.streams.get(name);
    if (!random) {
      random = seededRandom(this.settings.seed ^ hash(name));
      this.streams.set(name, random);
    }
    return random;
  }

  /** Virtual milliseconds the next call of this actor takes. */
  callMs(actor: string): number {
    const { min, max } = this.settings.callSeconds;
    return Math.round((min + this.stream(`call:${actor}`)() * (max - min)) * 1000);
  }

  /** Virtual milliseconds this function's cold start takes. */
  coldStartMs(fn: string): number {
    return Math.round(this.stream(`cold:${fn}`)() * this.settings.coldStartSeconds * 1000);
  }
}
