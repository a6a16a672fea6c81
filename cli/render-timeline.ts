// Renders a run report as a terminal timeline and verdict. It reads only the
// report (built from the run-events table), so every target renders alike.
import type { RunReport } from './run-report.ts';
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

export function renderTimeline(report: RunReport, paint: Paint = plain): string {
  const lines: string[] = [];
  const safeguards = report.safeguards.length ? report.safeguards.join(', ') : 'none';
  lines.push(paint('bold', `dns-race-lab · ${report.scenario} · ${report.target} · safeguards: ${safeguards} · seed ${report.seed} · run ${report.runId}`));
  lines.push('');
  lines.push(paint('dim', `${'time'.padStart(7)}  ${'actor'.padEnd(8)} ${'step'.padEnd(8)} ${'gen'.padEnd(4)} ${'endpoint'.padEnd(24)} ${'outcome'.padEnd(10)} detail`));
  let lastProbe = '';
  report.events.forEach((event, i) => {
    const isLast = i === report.events.length - 1;
    if (event.addresses) {
      // Probes run every second; print one only when what DNS answers changes.
      const summary = addressSummary(event.addresses);
      if (summary === lastProbe && !isLast) return;
      lastProbe = summary;
    }
    const time = `+${event.atSeconds.toFixed(1)}s`.padStart(7);
    const generation = event.generation === undefined ? '' : `g${event.generation}`;
    const detail = event.addresses ? `addresses: ${addressSummary(event.addresses)}` : (event.detail ?? '');
    const outcome = paint(OUTCOME_STYLE[event.outcome] ?? 'reset', event.outcome.padEnd(10));
    lines.push(`${time}  ${event.actor.padEnd(8)} ${event.step.padEnd(8)} ${generation.padEnd(4)} ${(event.endpoint ?? '').padEnd(24)} ${outcome} ${detail}`.trimEnd());
  });
  lines.push('');
  lines.push(...renderVerdict(report, paint));
  return lines.join('\n');
}

export function renderVerdict(report: RunReport, paint: Paint = plain): string[] {
  const lines: string[] = [];
  const outcome = report.outcome === 'outage' ? paint('red', 'OUTAGE') : paint('green', 'HEALTHY');
  const expectation = report.asExpected ? paint('green', `as expected (${report.expected})`) : paint('red', `NOT as expected: expected ${report.expected}`);
  lines.push(`${paint('bold', 'verdict:')} ${outcome}, ${expectation}`);
  for (const endpoint of report.endpoints) {
    const state = endpoint.addresses.length ? `answers ${endpoint.addresses.length} address${endpoint.addresses.length === 1 ? '' : 'es'}` : paint('red', 'answers nothing');
    const history =
      endpoint.firstEmptyAtSeconds === null
        ? 'never went empty'
        : `went empty at +${endpoint.firstEmptyAtSeconds.toFixed(1)}s, ${endpoint.repaired ? paint('green', 'repaired by the automation') : paint('red', 'not repaired')}`;
    lines.push(`  ${endpoint.endpoint.padEnd(26)} ${state}; ${history}`);
  }
  if (report.automation.stuck) {
    const last = report.automation.stuckSteps.at(-1);
    lines.push(`  ${paint('red', 'automation stuck')}: ${last ? `${last.actor} at +${last.atSeconds.toFixed(1)}s: ${last.detail ?? ''}` : ''}`);
  } else if (report.automation.stuckSteps.length) {
    lines.push(`  automation was stuck ${report.automation.stuckSteps.length} time(s) but a later apply succeeded`);
  }
  return lines;
}
