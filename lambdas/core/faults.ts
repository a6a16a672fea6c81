// Injected faults: the postmortem's Enactor was delayed because it "needed to
// retry" its updates. A scenario switches these on per Enactor and endpoint.
// Both faults act just before the Enactor's change batch, after its checks,
// which is where a real retry storm would hold it.
import type { RecordChange } from './dns-records.ts';
import { lockRecord } from './dns-tree.ts';
import { Throttled } from './errors.ts';
import type { DnsZone } from './ports.ts';

export const FAULT_KINDS = ['throttle', 'lock-contention'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  enactor: string;
  endpoint: string;
  /** How many attempts the fault spoils, counted per apply step. */
  times?: number;
  /**
   * Or: every attempt made before this scenario second. A delay pinned to the
   * schedule holds however long each attempt takes on a busy machine.
   */
  untilSecond?: number;
}

function spoils(fault: Fault, at: { attempt: number; now: number; runStartedAt?: number }): boolean {
  if (fault.untilSecond !== undefined) return at.runStartedAt !== undefined && at.now < at.runStartedAt + fault.untilSecond * 1000;
  return at.attempt <= (fault.times ?? 0);
}

/** The enactor id a competing lock writer uses. */
export const CONTENDER = 'contender';

/**
 * Acts out the faults that hit this attempt. Throttling cannot be provoked on
 * a real Route 53 on demand, so it is simulated by throwing what the adapter
 * would throw; lock contention is real: another writer takes the lock through
 * the same API, so the Enactor's batch fails its exact-match DELETE.
 */
export async function injectFaults(
  faults: readonly Fault[],
  at: { enactor: string; endpoint: string; attempt: number; zone: string; now: number; runStartedAt?: number },
  dns: DnsZone,
): Promise<void> {
  for (const fault of faults) {
    if (fault.enactor !== at.enactor || fault.endpoint !== at.endpoint || !spoils(fault, at)) continue;
    if (fault.kind === 'throttle') throw new Throttled(`injected throttling (attempt ${at.attempt})`);
    const contenderLock: RecordChange = {
      action: 'UPSERT',
      record: lockRecord(at.endpoint, { enactor: CONTENDER, generation: at.attempt }, at.zone),
    };
    await dns.change([contenderLock]);
  }
}
