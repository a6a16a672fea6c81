// A simulated run's world: the virtual clock and the latency model together.
// Every call an actor makes to the lab's endpoints goes through it: an API
// call takes its (virtual) latency, a DNS query none; then each waits its turn.
import type { LabDeps } from '../../lambdas/deps.ts';
import { EVENT_ACTORS, RUNNER } from '../../lambdas/core/events.ts';
import type { LatencySettings } from '../../scenario/schema.ts';
import { LatencyModel } from './latency.ts';
import { VirtualTime } from './virtual-time.ts';

/** Who goes first when several actors' calls are due at the same instant: the runner, then the actors in their usual order. */
function rankOf(actor: string): number {
  if (actor === RUNNER) return 0;
  const index = (EVENT_ACTORS as readonly string[]).indexOf(actor);
  return index < 0 ? EVENT_ACTORS.length + 1 : index + 1;
}

export class Simulation {
  private readonly latency: LatencyModel;
  /** Calls made so far (a figure for the run's summary). */
  calls = 0;
  private readonly coldFunctions = new Set<string>();

  private constructor(
    readonly time: VirtualTime,
    settings: LatencySettings,
    private readonly turns: boolean,
  ) {
    this.latency = new LatencyModel(settings);
  }

  /** @param realIo whether the lab's calls are real I/O, which then take turns (see ScenarioLab.realIo) */
  static start(settings: LatencySettings, startMs: number, realIo: boolean): Simulation {
    return new Simulation(VirtualTime.install(startMs), settings, realIo);
  }

  /** An API call (DynamoDB, Route 53): it takes its latency, then waits its turn. */
  async call<T>(actor: string, io: () => Promise<T>): Promise<T> {
    await this.time.sleep(this.latency.callMs(actor));
    return this.inTurn(actor, io);
  }

  /**
   * A DNS query: answered in the same instant it is asked (a VPC resolver
   * answers in about a millisecond), so a Probe's samples are one look at the
   * zone. It still waits its turn, which keeps the order of reads and writes fixed.
   */
  lookup<T>(actor: string, io: () => Promise<T>): Promise<T> {
    return this.inTurn(actor, io);
  }

  private inTurn<T>(actor: string, io: () => Promise<T>): Promise<T> {
    this.calls++;
    return this.turns ? this.time.exclusive(rankOf(actor), io) : io();
  }

  /**
   * A person's turn: the world holds still (no virtual time passes, no actor moves) until `work` ends, however
   * long it takes. Always a turn of its own, on the in-memory lab too, so that nothing moves meanwhile.
   */
  hold<T>(actor: string, work: () => Promise<T>): Promise<T> {
    return this.time.hold(rankOf(actor), work);
  }

  /** On a function's first invocation, its cold start. */
  async coldStart(fn: string): Promise<void> {
    if (this.coldFunctions.has(fn)) return;
    this.coldFunctions.add(fn);
    await this.time.sleep(this.latency.coldStartMs(fn));
  }

  stop(): void {
    this.time.uninstall();
  }
}

/**
 * An actor's view of the lab: every port call goes through the simulation. A read of the kill switch takes its
 * turn but no time, as a DNS query does: the automation reads it in the instant before each change it would make,
 * so a run in which nobody throws it keeps every event's time, to the millisecond, and its digest. The change that
 * follows still takes its latency, and a switch thrown in that while does not stop it: the window is real on AWS too.
 */
export function simulatedDeps(deps: LabDeps, simulation: Simulation, actor: string): LabDeps {
  const through = <P extends object>(port: P, how: 'call' | 'lookup'): P =>
    new Proxy(port, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => simulation[how](actor, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      },
    });
  return {
    ...deps,
    store: through(deps.store, 'call'),
    killSwitch: {
      read: () => simulation.lookup(actor, () => deps.killSwitch.read()),
      set: (state) => simulation.call(actor, () => deps.killSwitch.set(state)),
    },
    cascade: through(deps.cascade, 'call'),
    dns: through(deps.dns, 'call'),
    events: through(deps.events, 'call'),
    resolver: through(deps.resolver, 'lookup'),
  };
}
