// How a repair plan reads: the lines `racelab repair` prints for each endpoint's
// change batch, and the same plan as `--json` gives it to scripts.
import type { RecordChange } from '../lambdas/core/dns-records.ts';
import { STALE_LOCK_SECONDS, type EndpointRepair, type RepairPlan, type StrayEndpoint } from '../lambdas/core/repair.ts';
import type { plain } from './style.ts';

function shortName(name: string, zone: string): string {
  return name.endsWith(`.${zone}`) ? name.slice(0, -zone.length - 1) : name;
}

function describeChange(change: RecordChange, zone: string): string {
  const { record } = change;
  const what = record.alias
    ? `alias → ${shortName(record.alias.target, zone)}`
    : record.setIdentifier !== undefined
      ? `${record.setIdentifier} weight ${record.weight} → ${record.values.join(' ')}`
      : record.values.join(' ');
  return `${change.action.padEnd(6)}  ${record.type.padEnd(3)}  ${shortName(record.name, zone)}  ${what}`;
}

function describeEndpoint(endpoint: EndpointRepair): string {
  const from = endpoint.from === undefined ? 'no plan' : `g${endpoint.from}${endpoint.fromAnswering ? '' : ' (its tree is gone: answers nothing)'}`;
  if (endpoint.changes.length === 0) return `${endpoint.endpoint}: on g${endpoint.to}; nothing to change`;
  return endpoint.from === endpoint.to && endpoint.fromAnswering
    ? `${endpoint.endpoint}: on g${endpoint.to}`
    : `${endpoint.endpoint}: ${from} → g${endpoint.to}`;
}

function describeStaleLock({ holder, secondsLeft }: NonNullable<EndpointRepair['staleLock']>): string {
  return (
    `replaces a stale lock held by ${holder}: it expires in ${secondsLeft} s, beyond any lease the lab grants (${STALE_LOCK_SECONDS} s with clock skew), ` +
    'so every Enactor would back off'
  );
}

function describeStray(stray: StrayEndpoint, lab: readonly string[]): string {
  const what = [
    ...(stray.generations.length ? [`tree${stray.generations.length === 1 ? '' : 's'} g${stray.generations.join(', g')}`] : []),
    ...(stray.published ? ['an endpoint record'] : []),
  ].join(' and ');
  return `${stray.endpoint}: ${what}, but it is not one of the lab's endpoints (${lab.join(', ')}); left alone`;
}

export function renderRepair(repair: RepairPlan, zone: string, paint: typeof plain): string {
  const plan = repair.plan!;
  const source =
    repair.source === 'row'
      ? 'the newest plan row with a live load balancer'
      : 'rebuilt from its tree in DNS (no usable plan row was left); its row is written back';
  const lines = [`plan: g${plan.generation}, ${source}`];
  if (repair.counter) {
    const { from, to } = repair.counter;
    lines.push(`generation counter: ${from} → ${to}, the newest generation in the rows and the zone, so the Planner's next plan is g${to + 1}`);
  }
  for (const endpoint of repair.endpoints) {
    lines.push(`  ${endpoint.changes.length ? paint('bold', describeEndpoint(endpoint)) : describeEndpoint(endpoint)}`);
    if (endpoint.staleLock) lines.push(`    ${paint('yellow', describeStaleLock(endpoint.staleLock))}`);
    for (const change of endpoint.changes) lines.push(`    ${describeChange(change, zone)}`);
  }
  for (const stray of repair.strays) lines.push(`  ${paint('yellow', describeStray(stray, plan.endpoints))}`);
  return lines.join('\n');
}

export function repairJson(repair: RepairPlan, zone: string, outcome: { applied: boolean; dryRun: boolean; settled?: boolean }) {
  return {
    plan: { generation: repair.plan!.generation, source: repair.source, restoreRow: repair.restoreRow },
    counter: repair.counter ?? null,
    endpoints: repair.endpoints.map((endpoint) => ({
      endpoint: endpoint.endpoint,
      from: endpoint.from ?? null,
      fromAnswering: endpoint.fromAnswering,
      to: endpoint.to,
      staleLock: endpoint.staleLock ?? null,
      changes: endpoint.changes.map((change) => ({ action: change.action, change: describeChange(change, zone).replace(/\s+/g, ' ') })),
    })),
    strays: repair.strays,
    ...outcome,
  };
}
