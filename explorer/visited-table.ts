// Where the exhaustive search keeps the states it has seen, each with its sleep
// set: the transitions it has not yet explored from there. One search keeps them
// in a Map; searches in worker threads share one table in shared memory, so a
// state one of them has claimed is not explored again by another.

export interface VisitedTable {
  /**
   * Records a visit with sleep set `sleep`. A new state returns undefined (and keeps `sleep`); a known one returns
   * the sleep set it had, and keeps what both leave unexplored. `key` is the state's 20-byte hash, base64.
   */
  visit(key: string, sleep: number): number | undefined;
}

export class MapTable implements VisitedTable {
  private readonly sleeps = new Map<string, number>();

  visit(key: string, sleep: number): number | undefined {
    const had = this.sleeps.get(key);
    this.sleeps.set(key, had === undefined ? sleep : had & sleep);
    return had;
  }
}

/** Words per slot: a 128-bit key (its first word never 0), the sleep set, and "the key is written". */
const SLOT_WORDS = 6;
/** The shared counters: states; "stop" (set by whoever stops the search); threads waiting for work (set by the coordinator). */
export const COUNTER = { states: 0, stop: 1, idle: 2 } as const;

/** The shared memory of one parallel search. Plain buffers: they pass to worker threads as they are. */
export interface SharedTableMemory {
  slots: SharedArrayBuffer;
  counters: SharedArrayBuffer;
}

export function sharedTableMemory(capacityLog2: number): SharedTableMemory {
  return {
    slots: new SharedArrayBuffer((1 << capacityLog2) * SLOT_WORDS * 4),
    counters: new SharedArrayBuffer(3 * 4),
  };
}

/** Open addressing with linear probing; a slot is claimed by compare-and-swap on its first word. */
export class SharedTable implements VisitedTable {
  private readonly words: Int32Array;
  readonly counters: Int32Array;
  private readonly mask: number;
  /** Stop before probing gets slow, or loops: the search then says it is incomplete. */
  private readonly statesMax: number;

  constructor(memory: SharedTableMemory) {
    this.words = new Int32Array(memory.slots);
    this.counters = new Int32Array(memory.counters);
    const capacity = this.words.length / SLOT_WORDS;
    this.mask = capacity - 1;
    this.statesMax = Math.floor(capacity * 0.75);
  }

  get full(): boolean {
    return Atomics.load(this.counters, COUNTER.states) >= this.statesMax;
  }

  visit(key: string, sleep: number): number | undefined {
    const bytes = Buffer.from(key, 'base64');
    const k0 = bytes.readInt32LE(0) | 1;
    const [k1, k2, k3] = [bytes.readInt32LE(4), bytes.readInt32LE(8), bytes.readInt32LE(12)];
    const words = this.words;
    for (let slot = (k0 >>> 0) & this.mask; ; slot = (slot + 1) & this.mask) {
      const base = slot * SLOT_WORDS;
      let first = Atomics.load(words, base);
      if (first === 0) {
        first = Atomics.compareExchange(words, base, 0, k0);
        if (first === 0) {
          words[base + 1] = k1;
          words[base + 2] = k2;
          words[base + 3] = k3;
          Atomics.store(words, base + 4, sleep);
          Atomics.store(words, base + 5, 1);
          Atomics.add(this.counters, COUNTER.states, 1);
          return undefined;
        }
      }
      if (first !== k0) continue;
      // Claimed by another thread a moment ago: its key is being written.
      while (Atomics.load(words, base + 5) === 0);
      if (words[base + 1] === k1 && words[base + 2] === k2 && words[base + 3] === k3) return Atomics.and(words, base + 4, sleep);
    }
  }
}
