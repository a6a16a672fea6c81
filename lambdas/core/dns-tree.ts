// The DNS tree of the postmortem: each endpoint is a CNAME to the active
// plan's subtree of weighted A records; a TXT lock and a rollback CNAME sit
// beside it. Names here are the only place that knows the layout.
import { canonicalName, txtValue, type RecordSet } from './dns-records.ts';
import type { Plan } from './plan.ts';

export const RECORD_TTL_SECONDS = 5;
const GENERATION_DIGITS = 6;

export function endpointName(endpoint: string, zone: string): string {
  return canonicalName(`${endpoint}.${zone}`);
}

export function planSubtreeName(endpoint: string, generation: number, zone: string): string {
  return canonicalName(`g${String(generation).padStart(GENERATION_DIGITS, '0')}.plans.${endpoint}.${zone}`);
}

export function lockName(endpoint: string, zone: string): string {
  return canonicalName(`_lock.${endpoint}.${zone}`);
}

export function rollbackName(endpoint: string, zone: string): string {
  return canonicalName(`_rollback.${endpoint}.${zone}`);
}

/** The generation a CNAME value points at, or undefined when it is not a plan subtree. */
export function generationOfTarget(target: string): number | undefined {
  const match = /^g(\d+)\.plans\./.exec(canonicalName(target));
  return match ? Number(match[1]) : undefined;
}

/** The weighted A record sets of one plan under one endpoint. */
export function planSubtreeRecords(plan: Plan, endpoint: string, zone: string): RecordSet[] {
  const name = planSubtreeName(endpoint, plan.generation, zone);
  return plan.loadBalancers.map((lb) => ({
    name,
    type: 'A',
    ttl: RECORD_TTL_SECONDS,
    values: [lb.address],
    setIdentifier: lb.id,
    weight: lb.weight,
  }));
}

export function endpointCname(endpoint: string, generation: number, zone: string): RecordSet {
  return {
    name: endpointName(endpoint, zone),
    type: 'CNAME',
    ttl: RECORD_TTL_SECONDS,
    values: [planSubtreeName(endpoint, generation, zone)],
  };
}

export function rollbackCname(endpoint: string, previousGeneration: number, zone: string): RecordSet {
  return { ...endpointCname(endpoint, previousGeneration, zone), name: rollbackName(endpoint, zone) };
}

export interface LockHolder {
  enactor: string;
  generation: number;
}

export function lockRecord(endpoint: string, holder: LockHolder, zone: string): RecordSet {
  return {
    name: lockName(endpoint, zone),
    type: 'TXT',
    ttl: RECORD_TTL_SECONDS,
    values: [txtValue(`enactor=${holder.enactor} generation=${holder.generation}`)],
  };
}
