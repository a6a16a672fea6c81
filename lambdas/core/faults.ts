// Injected faults: the postmortem's Enactor was delayed because it "needed to
// retry" its updates; DAT453 says it kept losing the lock. A scenario switches
// these on per Enactor and endpoint. Both act just before the Enactor's change
// batch, after its read and checks, which is where either would hold it.
import type { RecordChange } from './dns-records.ts';
import { leaseFrom, leaseOf, lockName, lockRecord } from './dns-tree.ts';
import { ChangeRejected, Throttled } from './errors.ts';
import { hasHappened, type EventPattern } from './event-pattern.ts';
import type { RunEvent } from './events.ts';
import type { DnsZone } from './ports.ts';

export const FAULT_KINDS = ['throttle', 'lock-contention'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault spoils attempts for one of three spans: a count, a scenario second, or until an event. */
export interface Fault {
  kind: FaultKind;
  enactor: string;
  endpoint: string;
  /** How many attempts the fault spoils, counted per apply step. */
  times?: number;
  /** Every attempt made before this scenario second. */
  untilSecond?: number;
  /**
   * Every attempt made before an event of this run matching the pattern: the
   * delay ends by cause, not by time, so it holds on any target and latency.
   * Attempts spoiled this way do not count against the Enactor's attemptsMax.
   */
  until?: EventPattern;
}

export interface FaultAttempt {
  enactor: string;
  endpoint: string;
  attempt: number;
  zone: string;
  now: number;
  /** When scenario second 0 was, in the clock's time (faults pinned to the schedule need it). */
  runStartedAt?: number;
  /** This run's events so far (faults that wait for an event need them). */
  history?: () => Promise<readonly RunEvent[]>;
}

/** What the faults did to this attempt. */
export interface FaultHit {
  /** The event a fault that spoiled this attempt is waiting for, if any. */
  waitingFor?: EventPattern;
}

async function spoils(fault: Fault, at: FaultAttempt): Promise<boolean> {
  if (fault.until !== undefined) {
    if (!at.history) throw new Error(`a fault on ${fault.enactor} waits for an event, but this Enactor cannot read the run's events`);
    return !hasHappened(await at.history(), fault.until);
  }
  if (fault.untilSecond !== undefined) return at.runStartedAt !== undefined && at.now < at.runStartedAt + fault.untilSecond * 1000;
  return at.attempt <= (fault.times ?? 0);
}

/** The holder name a competing lock writer uses. */
export const CONTENDER = 'contender';

/**
 * Acts out the faults that hit this attempt. Throttling cannot be provoked on
 * a real Route 53 on demand, so it is simulated by throwing what the adapter
 * would throw. Losing the lock is real: a competing holder takes the lock
 * through the same API between the Enactor's read and its batch, so the
 * batch's exact DELETE of the lock it read fails. The contender's lease ends
 * the moment it is taken, so it holds back only this Enactor, never the others.
 */
export async function injectFaults(faults: readonly Fault[], at: FaultAttempt, dns: DnsZone): Promise<FaultHit> {
  const hit: FaultHit = {};
  for (const fault of faults) {
    if (fault.enactor !== at.enactor || fault.endpoint !== at.endpoint || !(await spoils(fault, at))) continue;
    if (fault.until !== undefined) hit.waitingFor = fault.until;
    if (fault.kind === 'throttle') throw new Throttled(`injected throttling (attempt ${at.attempt})`, hit.waitingFor);
    await contend(at, dns);
  }
  return hit;
}

/** The contender takes the lock as every writer does: it deletes the exact value it reads, and its token is one more. */
async function contend(at: FaultAttempt, dns: DnsZone): Promise<void> {
  const name = lockName(at.endpoint, at.zone);
  const held = (await dns.recordsUnder(name)).find((record) => record.name === name && record.type === 'TXT');
  const taken = lockRecord(at.endpoint, leaseFrom(CONTENDER, at.now, 0, leaseOf(held)), at.zone);
  const changes: RecordChange[] = [...(held ? [{ action: 'DELETE' as const, record: held }] : []), { action: 'CREATE', record: taken }];
  try {
    await dns.change(changes);
  } catch (error) {
    // Another writer changed the lock since the contender read it, so after the Enactor read it too: it is lost all the same.
    if (!(error instanceof ChangeRejected)) throw error;
  }
}
