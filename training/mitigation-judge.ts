// Mitigate's judge: a hand repair counts when every endpoint answers from a
// plan the automation knows, no lock keeps it out, and the automation can go
// on: the Planner's next plan, applied by the next Enactor cycle, reaches every
// endpoint. Judged from a snapshot of the live lab (its records, its plan rows,
// its generation counter, the time), so `exercise collect` can judge the same
// snapshot again on the facilitator's machine.
import { endpointName, leaseOf, lockName, LOCK_LEASE_SECONDS_MAX, planTreeName, pointedGeneration } from '../lambdas/core/dns-tree.ts';
import type { RecordChange, RecordSet } from '../lambdas/core/dns-records.ts';
import { runEnactor } from '../lambdas/core/enactor.ts';
import { NEVER_THROWN } from '../lambdas/core/kill-switch.ts';
import type { EnactorPolicy } from '../lambdas/core/enactor-types.ts';
import type { Plan } from '../lambdas/core/plan.ts';
import { writePlans, type PlannerSettings } from '../lambdas/core/planner.ts';
import type { Clock } from '../lambdas/core/ports.ts';
import { endpointsInZone } from '../lambdas/core/repair.ts';
import { SafeguardSet } from '../lambdas/core/safeguards/index.ts';
import { MemoryDnsZone } from '../local/memory-dns-zone.ts';
import { MemoryPlanStore } from '../local/memory-plan-store.ts';
import { ZoneRecords } from '../local/route53/zone-model.ts';
import { check, type VerifyResult } from './exercise-model.ts';

export interface LabSnapshot {
  zone: string;
  /** Every record set of the zone, as list-resource-record-sets gives them. */
  records: RecordSet[];
  /** Every plan row. */
  plans: Plan[];
  /** The Planner's generation counter. */
  counter: number;
  /** When the snapshot was taken, in epoch milliseconds: locks are judged against it. */
  takenAtMs: number;
  /** Addresses the lab's DNS server answered for each endpoint, when verify could ask it; else judged from the records. */
  answered?: Record<string, number>;
}

/** The zone's addresses for a name, as the lab's DNS server answers them (weight-0 sets only when all are 0). */
function addresses(zone: ZoneRecords, endpoint: string): string[] {
  const target = zone.lookup(endpointName(endpoint, zone.apex), 'A')[0]?.alias?.target;
  if (!target) return [];
  const sets = zone.lookup(target, 'A');
  const live = sets.some((record) => (record.weight ?? 1) > 0) ? sets.filter((record) => (record.weight ?? 1) > 0) : sets;
  return live.flatMap((record) => record.values);
}

/** The snapshot's records in a zone of their own: record sets first, aliases after (an alias needs its target). */
function zoneOf(snapshot: LabSnapshot): ZoneRecords {
  const zone = ZoneRecords.withApexRecords(snapshot.zone);
  const apex = zone.apex;
  const mine = snapshot.records.filter((record) => !(record.name === apex && (record.type === 'SOA' || record.type === 'NS')));
  const create = (records: RecordSet[]): RecordChange[] => records.map((record) => ({ action: 'CREATE', record }));
  const plain = mine.filter((record) => !record.alias);
  const aliases = mine.filter((record) => record.alias);
  if (plain.length) zone.apply(create(plain));
  // One at a time: an alias to a name that is gone is refused, and is then judged as pointing nowhere.
  for (const alias of aliases) {
    try {
      zone.apply(create([alias]));
    } catch {
      // not in the copy; the endpoint is judged as not answering
    }
  }
  return zone;
}

/** A clock that starts at the snapshot's time and moves only when the Enactor sleeps (its backoff). */
function copyClock(startMs: number): Clock {
  let now = startMs;
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

/** The checks, one line each: what is right, or what is wrong and what it does to the automation. */
export async function judgeMitigation(
  snapshot: LabSnapshot,
  policy: EnactorPolicy,
  planner: Omit<PlannerSettings, 'endpoints'>,
): Promise<VerifyResult['checks']> {
  const zone = zoneOf(snapshot);
  const endpoints = endpointsInZone(snapshot.records, snapshot.zone).sort();
  if (!endpoints.length) return [check(false, 'the zone has no endpoint: start racelab up --scenario oct-2025 first')];
  const rows = new Set(snapshot.plans.map((plan) => plan.generation));
  const checks: VerifyResult['checks'] = [];
  for (const endpoint of endpoints) {
    const generation = pointedGeneration(zone.lookup(endpointName(endpoint, zone.apex), 'A')[0]);
    const tree = generation !== undefined && zone.lookup(planTreeName(endpoint, generation, zone.apex), 'A').length > 0;
    checks.push(check(tree, `${endpoint}: its alias points at a tree that exists${tree ? ` (g${generation})` : ' (not yet)'}`));
    if (tree) {
      const known = rows.has(generation);
      checks.push(
        check(
          known,
          known
            ? `${endpoint}: g${generation} has its plan row in the plans table`
            : `${endpoint}: g${generation} has no plan row: the automation knows only the plans in its table, and an Enactor ` +
                'that checks at write time refuses every plan older than the tree it finds; point the alias at a plan that has a row',
        ),
      );
    }
    const count = snapshot.answered?.[endpoint] ?? addresses(zone, endpoint).length;
    const asked = snapshot.answered ? 'DNS answers' : 'its records give';
    checks.push(check(count > 0, `${endpoint}: ${asked} ${count} address${count === 1 ? '' : 'es'}`));
    checks.push(lockCheck(endpoint, zone, snapshot.takenAtMs));
  }
  checks.push(...(await automationGoesOn(snapshot, zone, endpoints, policy, planner)));
  return checks;
}

/** The endpoint's lock: none, released, or a lease an Enactor would wait out; not one the automation cannot read or outwait. */
function lockCheck(endpoint: string, zone: ZoneRecords, nowMs: number): VerifyResult['checks'][number] {
  const record = zone.lookup(lockName(endpoint, zone.apex), 'TXT')[0];
  if (!record) return check(true, `${endpoint}: no lock held`);
  const lease = leaseOf(record);
  if (!lease) {
    return check(
      false,
      `${endpoint}: its lock holds ${record.values[0]}, which is no lease: write "holder=<you> expires=<epoch seconds> token=<read + 1>", ` +
        'deleting the value you read in the same batch',
    );
  }
  if (lease.expiresAtMs <= nowMs) return check(true, `${endpoint}: its lock is released (${lease.holder}'s lease has expired)`);
  const ahead = (lease.expiresAtMs - nowMs) / 1000;
  if (ahead <= LOCK_LEASE_SECONDS_MAX)
    return check(true, `${endpoint}: its lock is ${lease.holder}'s for ${Math.ceil(ahead)} s more, a lease an Enactor waits out`);
  return check(
    false,
    `${endpoint}: its lock is ${lease.holder}'s for ${Math.round(ahead).toLocaleString('en')} s more, past the longest lease ` +
      `(${LOCK_LEASE_SECONDS_MAX} s): every Enactor backs off until then; release it (an expiry in the past, the token read plus one)`,
  );
}

/**
 * On a copy of the snapshot, nobody racing: the Planner writes its next plan and one Enactor cycle runs with no
 * safeguard. Every endpoint must end on that plan and answering. Nothing of the live lab changes.
 */
async function automationGoesOn(
  snapshot: LabSnapshot,
  zone: ZoneRecords,
  endpoints: string[],
  policy: EnactorPolicy,
  planner: Omit<PlannerSettings, 'endpoints'>,
): Promise<VerifyResult['checks']> {
  const store = new MemoryPlanStore();
  for (const plan of snapshot.plans) await store.putPlan(plan);
  if (snapshot.counter > 0) await store.raiseGenerationCounter(snapshot.counter);
  const clock = copyClock(snapshot.takenAtMs);
  const record = async () => {};
  let next: number;
  try {
    [next] = (await writePlans({ store, clock, record, killSwitch: NEVER_THROWN }, { ...planner, endpoints }, 1)) as [number];
  } catch (error) {
    return [
      check(
        false,
        `the automation cannot go on: the Planner's next plan fails (${(error as Error).message}); ` +
          'a plan row you wrote must stay at or under the generation counter',
      ),
    ];
  }
  // Twice, each on its own copy: as the automation runs today (no safeguard), and as it runs once the race is fixed
  // (write-time-check, which refuses a plan older than the endpoint's): the repair must leave both a way on.
  const stranded: string[] = [];
  for (const safeguards of [[], ['write-time-check']] as const) {
    const copy = zone.clone();
    const ctx = {
      enactor: 'next-enactor',
      zone: copy.apex,
      store: store.clone(),
      dns: new MemoryDnsZone(copy),
      clock: copyClock(clock.now()),
      record,
      killSwitch: NEVER_THROWN,
      safeguards: new SafeguardSet([...safeguards]),
      policy,
      faults: [],
    };
    const result = await runEnactor(ctx).catch((error: Error) => ({ status: 'failed', detail: error.message }));
    const behind = endpoints.filter(
      (endpoint) => pointedGeneration(copy.lookup(endpointName(endpoint, copy.apex), 'A')[0]) !== next || !addresses(copy, endpoint).length,
    );
    const how = safeguards.length ? `with ${safeguards.join(', ')}` : 'with no safeguard';
    if (behind.length)
      stranded.push(`${how}, it leaves ${behind.join(', ')} off g${next} (it ended ${result.status}${result.detail ? `: ${result.detail}` : ''})`);
  }
  if (!stranded.length) {
    return [check(true, `the automation goes on: the next Enactor cycle brings every endpoint onto the Planner's next plan, g${next}`)];
  }
  return [check(false, `the automation cannot go on from your repair: the next Enactor cycle runs on a copy, and ${stranded.join('; ')}`)];
}
