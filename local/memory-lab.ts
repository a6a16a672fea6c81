// The embedded target's twin in memory: the same ports as the loopback lab
// (plan store, zone, event log, resolver) without HTTP or sockets, each held
// to the same behaviour by the contract tests. The scenario runner drives it
// exactly as it drives the loopback lab; it exists so that a test can play
// hundreds of races in seconds (the latency sweep, test/latency/).
import { matchesAny, type EventPatterns } from '../lambdas/core/event-pattern.ts';
import type { Clock } from '../lambdas/core/ports.ts';
import { systemClock } from '../lambdas/adapters/clocks.ts';
import type { LabDeps } from '../lambdas/deps.ts';
import { MemoryDnsZone } from './memory-dns-zone.ts';
import { MemoryEventLog } from './memory-event-log.ts';
import { MemoryPlanStore } from './memory-plan-store.ts';
import { MemoryKillSwitch } from './memory-kill-switch.ts';
import { MemoryCascadeStore } from './memory-cascade-store.ts';
import { MemoryResolver } from './memory-resolver.ts';
import { DEFAULT_ZONE_NAME } from '../lambdas/config.ts';
import { ZoneRecords } from './route53/zone-model.ts';
import type { ScenarioLab } from './scenario-lab.ts';

export class MemoryLab implements ScenarioLab {
  readonly zone = ZoneRecords.withApexRecords(DEFAULT_ZONE_NAME);
  readonly store = new MemoryPlanStore();
  readonly killSwitch = new MemoryKillSwitch();
  readonly cascade = new MemoryCascadeStore();
  readonly dns = new MemoryDnsZone(this.zone);
  readonly events = new MemoryEventLog();
  readonly resolver = new MemoryResolver(this.zone);
  readonly tables = { events: 'memory-events' };
  readonly realIo = false;

  deps(clock: Clock = systemClock): LabDeps {
    return {
      store: this.store,
      killSwitch: this.killSwitch,
      cascade: this.cascade,
      dns: this.dns,
      events: this.events,
      resolver: this.resolver,
      clock,
      zone: DEFAULT_ZONE_NAME,
    };
  }

  /** A gate's read: the number of this run's events matching the gate's pattern (any of a list). */
  async gateQuery(input: unknown, pattern: EventPatterns): Promise<{ Count: number }> {
    const runId = (input as { ExpressionAttributeValues: { ':runId': { S: string } } }).ExpressionAttributeValues[':runId'].S;
    // A count needs neither the log's order nor copies of its events: the gates poll it hundreds of times a run.
    // Still one microtask long, as the list's read was: the order of what runs in the same instant stays as it was.
    await undefined;
    let count = 0;
    for (const event of this.events.events) if (event.runId === runId && matchesAny(event, pattern)) count++;
    return { Count: count };
  }
}
