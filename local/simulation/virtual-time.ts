// Virtual time for the embedded target, in the manner of FoundationDB's
// simulator and TigerBeetle's VOPR: one clock for every Wait state, Retry
// interval, Enactor backoff, fault window and probe, which advances only when
// no actor can make progress; and the actors' calls to the lab's endpoints
// run one at a time, in a fixed order. Real SDK calls over HTTP stay; only
// time is virtual. So a run is a pure function of its inputs, whatever the
// machine is doing.
//
// The clock is @sinonjs/fake-timers, installed process-wide for the run: it is
// what makes aws-local-stepfunctions' own Wait states (which call setTimeout
// and Date.now) wait in virtual time, with no change to the ASL or the library.
import { withGlobal, type Clock as InstalledClock } from '@sinonjs/fake-timers';

// Captured before any clock is installed: the driver itself runs on real time.
const realSetImmediate = globalThis.setImmediate;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realNow = Date.now.bind(Date);

/** Real time, whether or not a virtual clock is installed: what a person's turn in a run (a hold) waits on. */
export const realTime = {
  now: (): number => realNow(),
  /** Resolves after `ms` real milliseconds, or at once when `signal` aborts. */
  delay(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = realSetTimeout(() => done(), ms);
      const done = () => {
        realClearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/** What becomes virtual. Not setImmediate, nextTick or I/O: the driver and the endpoints need them real. */
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

/** Real time one call to the embedded endpoints may take before the run is declared hung. */
export const CALL_STALL_MS = 30_000;

interface Waiter {
  rank: number;
  seq: number;
  grant: () => void;
}

let installed: VirtualTime | undefined;
/** fake-timers' API over this process's globals, made at the first install: it builds the whole API each time it is called. */
let fakeTimers: ReturnType<typeof withGlobal> | undefined;

export class VirtualTime {
  private readonly waiting: Waiter[] = [];
  private inFlight = 0;
  /** Turns held open for as long as a person takes (hold): the driver waits for them without a stall guard. */
  private holding = 0;
  private seq = 0;
  private onRelease?: () => void;

  private constructor(private readonly clock: InstalledClock) {}

  /** Installs the virtual clock at `startMs`. One at a time per process: the clock is global. */
  static install(startMs: number): VirtualTime {
    if (installed) throw new Error('a virtual clock is already running in this process; embedded runs cannot overlap');
    fakeTimers ??= withGlobal(globalThis);
    const clock = fakeTimers.install({ now: startMs, toFake: [...FAKED], shouldClearNativeTimers: true });
    installed = new VirtualTime(clock);
    return installed;
  }

  now(): number {
    return this.clock.now;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * Runs `io` (a call to the endpoints) when it is this caller's turn. Turns go
   * one at a time, only once every actor is waiting, lowest rank first, then
   * in the order they were asked for.
   */
  async exclusive<T>(rank: number, io: () => Promise<T>): Promise<T> {
    await new Promise<void>((grant) => this.waiting.push({ rank, seq: this.seq++, grant }));
    this.inFlight++;
    try {
      return await io();
    } finally {
      this.inFlight--;
      this.onRelease?.();
    }
  }

  /**
   * A turn of its own for `work`, however long it takes in real time: while it runs, no other actor gets a
   * turn and the clock does not move, so the world stands still at that instant. A person's turn in a run
   * (`racelab up --hand-over`): the lab's endpoints answer them meanwhile, as they answer any caller.
   */
  hold<T>(rank: number, work: () => Promise<T>): Promise<T> {
    return this.exclusive(rank, async () => {
      this.holding++;
      try {
        return await work();
      } finally {
        this.holding--;
      }
    });
  }

  /**
   * Drives the simulation until `work` settles: grant a turn if one is asked
   * for, else advance to the next timer. Stack traces are off meanwhile:
   * jsonpath-plus throws and catches an Error on every path it evaluates, and
   * capturing their stacks cost a fifth of a run. Errors of the run are
   * reported by their messages (failed events, the execution's cause).
   */
  async drive<T>(work: Promise<T>): Promise<T> {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return await this.driveUntil(work);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  private async driveUntil<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const outcome = work.then(
      (value) => ((settled = true), { value }),
      (error: unknown) => ((settled = true), { error }),
    );
    while (!settled) {
      await this.quiesce();
      if (settled) break;
      if (this.waiting.length) {
        this.waiting.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
        this.waiting.shift()!.grant();
      } else if (this.clock.countTimers() > 0) {
        this.clock.next();
      } else {
        throw new Error('virtual time: every actor is waiting and nothing is scheduled (a deadlock in the run)');
      }
    }
    const result = await outcome;
    if ('error' in result) throw result.error;
    return result.value;
  }

  uninstall(): void {
    this.clock.uninstall();
    if (installed === this) installed = undefined;
  }

  /**
   * Returns once every actor waits: for a turn, for a (virtual) timer, or for
   * nothing (done). Microtasks all run before the next macrotask, so after a
   * setImmediate every continuation has reached its next wait, unless it is in
   * a call to the endpoints (real I/O), which then has to end first.
   */
  private async quiesce(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => realSetImmediate(resolve));
      if (this.inFlight === 0) return;
      await this.callEnded();
    }
  }

  private callEnded(): Promise<void> {
    return new Promise((resolve, reject) => {
      // A hold takes what the person takes: no stall guard while one is open.
      const stall = this.holding
        ? undefined
        : realSetTimeout(
            () => reject(new Error(`a call to the embedded endpoints took over ${CALL_STALL_MS / 1000} s of real time; the run is stuck`)),
            CALL_STALL_MS,
          );
      this.onRelease = () => {
        if (stall) realClearTimeout(stall);
        this.onRelease = undefined;
        resolve();
      };
    });
  }
}
