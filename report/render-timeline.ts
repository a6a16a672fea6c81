// Renders a run report as a terminal timeline and verdict. It reads only the
// report (built from the run-events table), so every target renders alike.
import type { RunEvent } from '../lambdas/core/events.ts';
import { witnessDisagreement } from '../lambdas/core/verdict.ts';
import type { RunReport } from '../scenario/run-report.ts';
import { terminalText as shown } from '../scenario/terminal-text.ts';
import { plain } from './style.ts';

type Paint = typeof plain;

const OUTCOME_STYLE: Record<string, Parameters<Paint>[0]> = {
  applied: 'green',
  written: 'cyan',
  ready: 'cyan',
  retry: 'yellow',
  stale: 'yellow',
  'self-heal': 'magenta',
  kept: 'green',
  refused: 'magenta',
  deleted: 'red',
  stuck: 'red',
  'gave-up': 'red',
  failed: 'red',
  empty: 'red',
  answering: 'green',
};

function addressSummary(addresses: Record<string, string[]>): string {
  return Object.entries(addresses)
    .map(([endpoint, list]) => `${endpoint}=${list.length}`)
    .join('  ');
}

/** A probe's addresses, and the zone's where the two witnesses differ (so a cached answer shows on its row). */
function probeSummary(event: RunEvent): string {
  const resolver = `addresses: ${addressSummary(event.addresses ?? {})}`;
  const zone = event.zoneAddresses ?? {};
  const differ = Object.entries(zone).some(([endpoint, held]) => witnessDisagreement(event.addresses?.[endpoint] ?? [], held));
  return differ ? `${resolver}  (zone holds: ${addressSummary(zone)})` : resolver;
}

/** One event as a timeline row; `atSeconds` after scenario second 0. Its text is shown as written: control characters as escapes. */
export function eventRow(event: RunEvent, atSeconds: number, paint: Paint = plain): string {
  const time = `+${atSeconds.toFixed(1)}s`.padStart(7);
  const generation = event.generation === undefined ? '' : `g${event.generation}`;
  const detail = shown(event.addresses ? probeSummary(event) : (event.detail ?? ''));
  const outcome = paint(OUTCOME_STYLE[event.outcome] ?? 'reset', shown(event.outcome).padEnd(10));
  return (
    `${time}  ${shown(event.actor).padEnd(8)} ${shown(event.step).padEnd(8)} ${generation.padEnd(4)} ${shown(event.endpoint ?? '').padEnd(24)} ${outcome} ` +
    `${detail}`.trimEnd()
  );
}

/**
 * Probes run every second and the cascade's subsystems every tick: such a row
 * is worth showing only when what it reads changes (what DNS answers, the
 * subsystem's phase), or it is the last row. Returns a filter with that memory.
 */
export function changeFilter(): (event: RunEvent, isLast?: boolean) => boolean {
  const last = new Map<string, string>();
  return (event, isLast = false) => {
    // A tick's note (an alarm the operator acts on) is part of what it reads.
    const reading = event.addresses ? probeSummary(event) : event.step === 'tick' ? `${event.outcome} ${event.detail ?? ''}` : undefined;
    if (reading === undefined) return true;
    const key = event.addresses ? 'probe' : event.actor;
    if (reading === last.get(key) && !isLast) return false;
    last.set(key, reading);
    return true;
  };
}

export interface TimelineParts {
  header: string[];
  /** The event rows, each with its time (for a paced replay). */
  rows: { atSeconds: number; text: string }[];
  verdict: string[];
}

export function timelineParts(report: RunReport, paint: Paint = plain): TimelineParts {
  const safeguards = report.safeguards.length ? report.safeguards.join(', ') : 'none';
  const header = [
    paint('bold', shown(`dns-race-lab · ${report.scenario} · ${report.target} · safeguards: ${safeguards} · seed ${report.seed} · run ${report.runId}`)),
    '',
    paint('dim', `${'time'.padStart(7)}  ${'actor'.padEnd(8)} ${'step'.padEnd(8)} ${'gen'.padEnd(4)} ${'endpoint'.padEnd(24)} ${'outcome'.padEnd(10)} detail`),
  ];
  const changed = changeFilter();
  const rows = report.events
    .filter((event, i) => changed(event, i === report.events.length - 1))
    .map((event) => ({ atSeconds: event.atSeconds, text: eventRow(event, event.atSeconds, paint) }));
  return { header, rows, verdict: ['', ...renderVerdict(report, paint)] };
}

export function renderTimeline(report: RunReport, paint: Paint = plain): string {
  const parts = timelineParts(report, paint);
  return [...parts.header, ...parts.rows.map((row) => row.text), ...parts.verdict].join('\n');
}

export function renderVerdict(report: RunReport, paint: Paint = plain): string[] {
  const lines: string[] = [];
  const outcome = report.outcome === 'outage' ? paint('red', 'OUTAGE') : paint('green', 'HEALTHY');
  const expectation =
    report.outcome === report.expected ? paint('green', `as expected (${report.expected})`) : paint('red', `NOT as expected: expected ${report.expected}`);
  const story = report.story === null ? '' : report.story.played ? '; the story played out' : paint('red', '; the story did NOT play out');
  lines.push(`${paint('bold', 'verdict:')} ${outcome}, ${expectation}${story}`);
  if (report.story) {
    lines.push('  story:');
    for (const line of report.story.events) {
      const when = line.atSeconds === undefined ? '    —  ' : `+${line.atSeconds.toFixed(1)}s`.padStart(7);
      lines.push(
        line.seen
          ? `    ${paint('green', '✓')} ${when}  ${shown(line.says)}`
          : `    ${paint('red', '✗')} ${when}  ${shown(line.says)} ${paint('red', '(not seen)')}`,
      );
    }
  }
  for (const endpoint of report.endpoints) {
    const state = endpoint.addresses.length
      ? `answers ${endpoint.addresses.length} address${endpoint.addresses.length === 1 ? '' : 'es'}`
      : paint('red', 'answers nothing');
    const history =
      endpoint.firstEmptyAtSeconds === null
        ? 'never went empty'
        : `went empty at +${endpoint.firstEmptyAtSeconds.toFixed(1)}s, ` +
          `${endpoint.repaired ? paint('green', `repaired by ${repairer(report)}`) : paint('red', 'not repaired')}`;
    lines.push(`  ${shown(endpoint.endpoint).padEnd(26)} ${state}; ${history}`);
  }
  lines.push(...witnessLines(report, paint));
  lines.push(...cascadeLines(report, paint));
  if (report.automation.stuck) {
    const last = report.automation.stuckSteps.at(-1);
    lines.push(`  ${paint('red', 'automation stuck')}: ${last ? shown(`${last.actor} at +${last.atSeconds.toFixed(1)}s: ${last.detail ?? ''}`) : ''}`);
  } else if (report.automation.stuckSteps.length) {
    lines.push(`  automation was stuck ${report.automation.stuckSteps.length} time(s) but a later apply succeeded`);
  }
  return lines;
}

/**
 * Who brought the endpoints back: the scenario's operator repairs the DNS as a step, or a person whose turn it was
 * (up --hand-over); otherwise only the automation can.
 */
export function repairer(report: RunReport): string {
  const byHand = report.events.some((event) => event.actor === 'operator' && ['repaired', 'handed-over'].includes(event.outcome));
  return byHand ? 'the operator' : 'the automation';
}

/** The cascade's verdict: when DNS came back, whether DWFM's collapse outlasted it, when every subsystem was healthy again. */
export function cascadeLines(report: RunReport, paint: Paint = plain): string[] {
  const { cascade } = report;
  if (!cascade) return [];
  const levers = report.levers.length ? ` (levers: ${report.levers.join(', ')})` : '';
  const surprise = cascadeSurprise(cascade);
  return [`  cascade${levers}: ${cascadeVerdict(cascade, paint)}`, ...(surprise ? [paint('red', `  ${surprise}`)] : [])];
}

/** The verdict's words, shared with the after-action report: DNS back; metastable or not, with the goodput; recovered or not. */
export function cascadeVerdict(cascade: NonNullable<RunReport['cascade']>, paint: Paint = plain): string {
  const back = cascade.dnsBackAtSeconds === null ? 'DNS never came back for DWFM' : `DNS back for DWFM at +${cascade.dnsBackAtSeconds}s`;
  const goodput = cascade.goodputAfterDns === null ? '' : ` (goodput ${Math.round(cascade.goodputAfterDns * 100)} % of capacity after it)`;
  const metastable = cascade.metastable ? paint('red', `METASTABLE${goodput}`) : paint('green', `not metastable${goodput}`);
  const recovered =
    cascade.recoveredAtSeconds === null
      ? paint('red', 'not recovered by the end')
      : paint('green', `every subsystem healthy from +${cascade.recoveredAtSeconds}s`);
  return `${back}; ${metastable}; ${recovered}`;
}

/** What the scenario expected of the cascade, when the run did otherwise; null when it did as expected or expected nothing. */
export function cascadeSurprise(cascade: NonNullable<RunReport['cascade']>): string | null {
  const expected = cascade.expected;
  if (!expected || (expected.metastable === cascade.metastable && expected.recovered === (cascade.recoveredAtSeconds !== null))) return null;
  const said = `${expected.metastable ? 'metastable' : 'not metastable'}, ${expected.recovered ? 'recovered' : 'not recovered'}`;
  return `the scenario expects the cascade ${said}`;
}

/** What the second witness says: the zone matched every answer, or where and why the resolver's answer differed. */
export function witnessLines(report: RunReport, paint: Paint = plain): string[] {
  // Runs saved before the Probe read the zone carry no witnesses.
  const witnesses = report.witnesses as RunReport['witnesses'] | undefined;
  if (!witnesses?.compared) return [];
  const { compared, disagreements } = witnesses;
  if (disagreements.length === 0) return [`  the resolver's answers matched the zone at all ${compared} probes that read both`];
  const lastProbe = report.events.filter((event) => event.addresses).at(-1)?.atSeconds;
  const lines = [paint('yellow', `  the resolver's answer differed from the zone at ${disagreements.length} probe reading(s) of ${compared}:`)];
  for (const d of disagreements) {
    const list = (addresses: string[]) => (addresses.length ? addresses.join(', ') : 'nothing');
    lines.push(shown(`    +${d.atSeconds.toFixed(1)}s ${d.endpoint}: resolver ${list(d.resolver)}; zone ${list(d.zone)}: ${d.why}`));
  }
  if (disagreements.some((d) => d.atSeconds === lastProbe))
    lines.push(paint('red', '    the last probe disagreed: the verdict rests on an answer the zone contradicts'));
  return lines;
}
