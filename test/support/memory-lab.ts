// A lab in memory for domain tests: the real zone model (the rules of the
// embedded Route 53 endpoint), an in-memory plan store with DynamoDB's
// conditional semantics, and a clock the test advances.
import type { EnactorContext, EnactorPolicy } from '../../lambdas/core/enactor-types.ts';
import { endpointName, pointedGeneration } from '../../lambdas/core/dns-tree.ts';
import { probeEndpoints } from '../../lambdas/core/probe.ts';
import { MemoryResolver } from '../../local/memory-resolver.ts';
import { makeRecorder } from '../../lambdas/core/events.ts';
import type { Fault } from '../../lambdas/core/faults.ts';
import { writePlans } from '../../lambdas/core/planner.ts';
import type { Clock } from '../../lambdas/core/ports.ts';
import { SafeguardSet, type Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { loadBalancerPool } from '../../lambdas/core/planner.ts';
import { MemoryDnsZone } from '../../local/memory-dns-zone.ts';
import { MemoryEventLog } from '../../local/memory-event-log.ts';
import { MemoryPlanStore } from '../../local/memory-plan-store.ts';
import { MemoryKillSwitch } from '../../local/memory-kill-switch.ts';
import { ZoneRecords } from '../../local/route53/zone-model.ts';

export const ZONE = 'lab.internal';
export const ENDPOINTS = ['dynamodb.us-east-1', 'dynamodb-fips.us-east-1', 'dynamodb.us-east-1.api'];
export const POLICY: EnactorPolicy = { keepGenerations: 2, attemptsMax: 4, backoffMs: 100, backoffMsMax: 400, lockLeaseSeconds: 2 };

/** Time moves only when the code under test sleeps. */
export class ManualClock implements Clock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

export function memoryLab() {
  const zone = ZoneRecords.withApexRecords(ZONE);
  const store = new MemoryPlanStore();
  const killSwitch = new MemoryKillSwitch();
  const dns = new MemoryDnsZone(zone);
  const events = new MemoryEventLog();
  const clock = new ManualClock();
  const runId = 'test-run';
  return {
    zone,
    store,
    killSwitch,
    dns,
    events,
    clock,
    runId,
    enactor(enactor: string, options: { safeguards?: Safeguard[]; faults?: Fault[]; policy?: Partial<EnactorPolicy> } = {}): EnactorContext {
      return {
        enactor,
        zone: ZONE,
        store,
        dns,
        clock,
        record: makeRecorder(events, clock, runId, enactor),
        killSwitch,
        safeguards: new SafeguardSet(options.safeguards ?? []),
        policy: { ...POLICY, ...options.policy },
        faults: options.faults ?? [],
      };
    },
    plan(count = 1, seed = 7): Promise<number[]> {
      return writePlans(
        { store, clock, record: makeRecorder(events, clock, runId, 'planner'), killSwitch },
        { endpoints: ENDPOINTS, pool: loadBalancerPool(3), seed },
        count,
      );
    },
    /** The generation whose tree an endpoint's alias points at, read straight from the zone. */
    pointsAt(endpoint: string): number | undefined {
      return pointedGeneration(zone.lookup(endpointName(endpoint, ZONE), 'A')[0]);
    },
    /** Every address DNS answers for the endpoint, asked through the embedded DNS server's own answering logic. */
    async addresses(endpoint: string): Promise<string[]> {
      return probeEndpoints(new MemoryResolver(zone), [endpoint], ZONE, 12).then((found) => found[endpoint] ?? []);
    },
    outcomes(actor: string): string[] {
      return events.events.filter((event) => event.actor === actor).map((event) => `${event.step}:${event.outcome}`);
    },
  };
}
