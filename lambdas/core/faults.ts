// Injected faults: the postmortem's Enactor was delayed because it "needed to
// retry" its updates; DAT453 says it kept losing the lock. A scenario switches
// these on per Enactor and endpoint. Both act just before the Enactor's change
// batch, after its read and checks, which is where either would hold it.
import type { RecordChange, RecordSet } from './dns-records.ts';
import { leaseFrom, leaseOf, lockName, lockRecord } from './dns-tree.ts';
import { ChangeRejected } from './errors.ts';
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
 * The next fault, from index `from` on, that spoils this attempt (undefined: none). Acting one out is the
 * Enactor's to do, one call at a time: throttling cannot be provoked on a real Route 53 on demand, so it is
 * simulated as the failure the adapter would report; losing the lock is real, a competing holder taking the
 * lock through the same API between the Enactor's read and its batch (contenderRead, then contenderTakes), so
 * the batch's exact DELETE of the lock it read fails. The contender's lease ends the moment it is taken, so it
 * holds back only this Enactor, never the others.
 */
export async function nextSpoilingFault(faults: readonly Fault[], at: FaultAttempt, from: number): Promise<number | undefined> {
  for (let index = from; index < faults.length; index++) {
    const fault = faults[index]!;
    if (fault.enactor === at.enactor && fault.endpoint === at.endpoint && (await spoils(fault, at))) return index;
  }
  return undefined;
}

/** The contender's read: the lock as it is now. */
export async function contenderRead(at: FaultAttempt, dns: DnsZone): Promise<RecordSet | undefined> {
  const name = lockName(at.endpoint, at.zone);
  return (await dns.recordsUnder(name)).find((record) => record.name === name && record.type === 'TXT');
}

/** The contender takes the lock as every writer does: it deletes the exact value it read, and its token is one more. */
export async function contenderTakes(at: FaultAttempt, dns: DnsZone, held: RecordSet | undefined): Promise<void> {
  const taken = lockRecord(at.endpoint, leaseFrom(CONTENDER, at.now, 0, leaseOf(held)), at.zone);
  const changes: RecordChange[] = [...(held ? [{ action: 'DELETE' as const, record: held }] : []), { action: 'CREATE', record: taken }];
  try {
    await dns.change(changes);
  } catch (error) {
    // Another writer changed the lock since the contender read it, so after the Enactor read it too: it is lost all the same.
    if (!(error instanceof ChangeRejected)) throw error;
  }
}
