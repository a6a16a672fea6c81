// The after-action report of a run saved with `racelab run --save`: a
// self-contained HTML page (inline SVG and CSS, no script, no network), or the
// same as Markdown or a Mermaid sequence diagram. It reads only the run report,
// built from the run-events table, so runs from every target render alike.
import { CASCADE_ACTORS, EVENT_ACTORS, RUNNER, type RunEvent } from '../lambdas/core/events.ts';
import type { RunReport } from '../scenario/run-report.ts';
import { MARKERS } from './output-file.ts';
import { witnessLines } from './render-timeline.ts';
import { htmlText, markdownText, mermaidText } from './report-text.ts';

export const REPORT_FORMATS = ['html', 'markdown', 'mermaid'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

type TimedEvent = RunEvent & { atSeconds: number };

/** The actors in the order the diagrams lay them out. */
const LANES = [RUNNER, ...EVENT_ACTORS] as const;

const isLane = (actor: string): actor is (typeof LANES)[number] => (LANES as readonly string[]).includes(actor);

/** Actors that record the same reading again and again (the periodic probe, the cascade's ticks): a line only when it changes. */
const PERIODIC: readonly string[] = ['probe', ...CASCADE_ACTORS];

/** Events worth a line in a diagram: each actor's steps, not every retry, periodic probe or cascade tick. */
function keyEvents(report: RunReport): TimedEvent[] {
  const last = new Map<string, string>();
  return report.events.filter((event) => {
    if (event.outcome === 'retry' || !isLane(event.actor)) return false;
    if (!PERIODIC.includes(event.actor)) return true;
    const changed = event.outcome !== last.get(event.actor); // it matters when what it reads changes
    last.set(event.actor, event.outcome);
    return changed;
  });
}

function describe(event: TimedEvent): string {
  const generation = event.generation === undefined ? '' : ` g${event.generation}`;
  const endpoint = event.endpoint ? ` ${event.endpoint}` : '';
  const detail = event.addresses ? '' : event.detail ? `: ${event.detail}` : '';
  return `${event.step} ${event.outcome}${generation}${endpoint}${detail}`;
}

/** Addresses each endpoint answered with, at each probe: the chart's data. */
export function addressSeries(report: RunReport): { endpoint: string; points: { atSeconds: number; count: number }[] }[] {
  const probes = report.events.filter((event) => event.addresses);
  return report.endpoints.map(({ endpoint }) => ({
    endpoint,
    points: probes.map((probe) => ({ atSeconds: probe.atSeconds, count: probe.addresses?.[endpoint]?.length ?? 0 })),
  }));
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** Seconds between the chart's time labels: the first that gives at most 10 labels, so the page grows with the events, never with the time span. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400];
const TICKS_MAX = 10;

/** The largest of many numbers, and at least 1 (a spread of a long list overflows the call stack). */
const largest = (values: Iterable<number>): number => {
  let most = 1;
  for (const value of values) if (value > most) most = value;
  return most;
};

/** A step chart of addresses per endpoint over scenario time: a line at 0 is an endpoint answering nothing. */
function addressChart(report: RunReport): string {
  const series = addressSeries(report);
  const end = largest(report.events.map((event) => event.atSeconds));
  const most = largest(series.flatMap((line) => line.points.map((point) => point.count)));
  const [width, height, left, top, bottom] = [760, 240, 40, 16, 28];
  const x = (seconds: number) => left + (seconds / end) * (width - left - 12);
  const y = (count: number) => top + (1 - count / most) * (height - top - bottom);
  const lines = series.map((line, i) => {
    // A step line: across to each probe's time at the last count, then up or down to the new one.
    // Endpoints often answer alike: a small offset per line keeps each visible.
    const yOf = (count: number) => (y(count) - i * 3).toFixed(1);
    const path = line.points
      .map((point, j) => (j === 0 ? `M${x(point.atSeconds).toFixed(1)} ${yOf(point.count)}` : `H${x(point.atSeconds).toFixed(1)} V${yOf(point.count)}`))
      .join(' ');
    const colour = COLOURS[i % COLOURS.length]!;
    return `<path class="series" data-endpoint="${htmlText(line.endpoint)}" d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`;
  });
  const step = TICK_STEPS.find((seconds) => end / seconds <= TICKS_MAX) ?? Math.ceil(end / TICKS_MAX);
  const ticks = Array.from({ length: Math.floor(end / step) + 1 }, (_, i) => i * step).map(
    (seconds) => `<text x="${x(seconds).toFixed(1)}" y="${height - 8}" text-anchor="middle">+${seconds}s</text>`,
  );
  const legend = series.map(
    (line, i) => `<text x="${width - 10}" y="${top + 14 * (i + 1)}" text-anchor="end" fill="${COLOURS[i % COLOURS.length]}">${htmlText(line.endpoint)}</text>`,
  );
  return [
    `<svg id="addresses" role="img" aria-label="addresses per endpoint over time" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<line x1="${left}" y1="${y(0)}" x2="${width - 12}" y2="${y(0)}" stroke="#999"/>`,
    `<text x="${left - 6}" y="${y(0) + 4}" text-anchor="end">0</text><text x="${left - 6}" y="${y(most) + 4}" text-anchor="end">${most}</text>`,
    ...lines,
    ...ticks,
    ...legend,
    '</svg>',
  ].join('\n');
}

/** Actors as columns, time flowing down, one labelled mark per key event. */
function sequenceDiagram(report: RunReport): string {
  const events = keyEvents(report);
  const lanes = LANES.filter((lane) => events.some((event) => event.actor === lane));
  const [laneWidth, rowHeight, header, labelRoom] = [150, 22, 30, 330];
  // The last lane's labels run to the right of it: leave them room.
  const width = lanes.length * laneWidth + labelRoom;
  const height = header + events.length * rowHeight + 10;
  const laneX = (actor: string) => lanes.indexOf(actor as (typeof lanes)[number]) * laneWidth + laneWidth / 2;
  const parts = [
    `<svg id="sequence" role="img" aria-label="sequence of the run's key events" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    ...lanes.map(
      (lane) =>
        `<text x="${laneX(lane)}" y="18" text-anchor="middle" font-weight="bold">${lane}</text>` +
        `<line x1="${laneX(lane)}" y1="24" x2="${laneX(lane)}" y2="${height}" stroke="#ccc"/>`,
    ),
    ...events.map((event, i) => {
      const yPos = header + i * rowHeight + 12;
      const bad = ['stuck', 'deleted', 'empty', 'gave-up', 'failed'].includes(event.outcome);
      return (
        `<circle cx="${laneX(event.actor)}" cy="${yPos}" r="4" fill="${bad ? '#d62728' : '#1f77b4'}"/>` +
        `<text x="${laneX(event.actor) + 8}" y="${yPos + 4}" class="mark">+${event.atSeconds.toFixed(1)}s ${htmlText(describe(event))}</text>`
      );
    }),
    '</svg>',
  ];
  return parts.join('\n');
}

function verdictLines(report: RunReport): string[] {
  const lines = [`Outcome: ${report.outcome.toUpperCase()}, expected ${report.expected} (${report.asExpected ? 'as expected' : 'NOT as expected'}).`];
  for (const endpoint of report.endpoints) {
    const state = endpoint.addresses.length ? `answers ${endpoint.addresses.length} addresses` : 'answers nothing';
    const history = endpoint.firstEmptyAtSeconds === null ? 'never went empty' : `went empty at +${endpoint.firstEmptyAtSeconds.toFixed(1)}s`;
    lines.push(`${endpoint.endpoint}: ${state}; ${history}${endpoint.repaired ? ', repaired by the automation' : ''}.`);
  }
  if (report.automation.stuck) lines.push(`Automation stuck: ${report.automation.stuckSteps.at(-1)?.detail ?? ''}.`);
  // The Probe's second witness, as the terminal verdict words it.
  lines.push(...witnessLines(report).map((line) => line.trim()));
  return lines;
}

function storyLines(report: RunReport): string[] {
  if (!report.story) return [];
  return report.story.events.map((line) => `${line.seen ? '✓' : '✗'} ${line.seen ? `+${(line.atSeconds ?? 0).toFixed(1)}s` : '—'} ${line.says}`);
}

function title(report: RunReport): string {
  const safeguards = report.safeguards.length ? report.safeguards.join(', ') : 'no safeguard';
  return `After-action report: ${report.scenario} with ${safeguards} (${report.target}, run ${report.runId})`;
}

export function renderHtml(report: RunReport): string {
  const rows = report.events.map((event) => {
    const cells = [
      `+${event.atSeconds.toFixed(1)}s`,
      event.actor,
      event.step,
      event.generation === undefined ? '' : `g${event.generation}`,
      event.endpoint ?? '',
      event.outcome,
      event.addresses
        ? Object.entries(event.addresses)
            .map(([endpoint, list]) => `${endpoint}=${list.length}`)
            .join(' ')
        : (event.detail ?? ''),
    ];
    return `<tr class="outcome-${htmlText(event.outcome)}">${cells.map((cell) => `<td>${htmlText(cell)}</td>`).join('')}</tr>`;
  });
  const story = storyLines(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${MARKERS.html}
<title>${htmlText(title(report))}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font: 12px ui-monospace, monospace; }
td, th { border-bottom: 1px solid #eee; padding: 2px 8px; text-align: left; }
svg text { font: 11px system-ui, sans-serif; }
.outcome-empty td, .outcome-stuck td, .outcome-deleted td { color: #b00; }
.verdict { font-weight: bold; }
</style>
</head>
<body>
<h1>${htmlText(title(report))}</h1>
<section id="verdict"><h2>Verdict</h2>
${verdictLines(report)
  .map((line, i) => `<p${i === 0 ? ' class="verdict"' : ''}>${htmlText(line)}</p>`)
  .join('\n')}
</section>
<section id="story"><h2>Story</h2>
${story.length ? `<ol>${story.map((line) => `<li>${htmlText(line)}</li>`).join('')}</ol>` : '<p>The scenario tells no story for these safeguards.</p>'}
</section>
<section id="chart"><h2>Addresses per endpoint</h2>
${addressChart(report)}
</section>
<section id="sequence-diagram"><h2>Sequence</h2>
${sequenceDiagram(report)}
</section>
<section id="timeline"><h2>Timeline</h2>
<table><thead><tr><th>time</th><th>actor</th><th>step</th><th>gen</th><th>endpoint</th><th>outcome</th><th>detail</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</section>
<p>Events digest: <code>${htmlText(report.eventsDigest)}</code></p>
</body>
</html>
`;
}

/** The sequence diagram's statements: one participant per lane, one note per key event, its text a label that cannot escape. */
function mermaidDiagram(report: RunReport): string {
  const events = keyEvents(report);
  const lanes = LANES.filter((lane) => events.some((event) => event.actor === lane));
  const lines = ['sequenceDiagram', ...lanes.map((lane) => `  participant ${lane}`)];
  for (const event of events) lines.push(`  Note over ${event.actor}: ${mermaidText(`+${event.atSeconds.toFixed(1)}s ${describe(event)}`)}`);
  return `${lines.join('\n')}\n`;
}

/** The diagram alone, under the marker line that makes the file racelab's (a Mermaid comment). */
export function renderMermaid(report: RunReport): string {
  return `${MARKERS.mermaid}\n${mermaidDiagram(report)}`;
}

export function renderMarkdown(report: RunReport): string {
  const story = storyLines(report);
  const table = report.events.map((event) => {
    const detail = event.addresses
      ? Object.entries(event.addresses)
          .map(([endpoint, list]) => `${endpoint}=${list.length}`)
          .join(' ')
      : (event.detail ?? '');
    const generation = event.generation === undefined ? '' : `g${event.generation}`;
    const cells = [`+${event.atSeconds.toFixed(1)}s`, event.actor, event.step, generation, event.endpoint ?? '', event.outcome, detail];
    return `| ${cells.map(markdownText).join(' | ')} |`;
  });
  return [
    MARKERS.markdown,
    `# ${markdownText(title(report))}`,
    '',
    '## Verdict',
    '',
    ...verdictLines(report).map((line) => `- ${markdownText(line)}`),
    '',
    '## Story',
    '',
    ...(story.length ? story.map((line, i) => `${i + 1}. ${markdownText(line)}`) : ['The scenario tells no story for these safeguards.']),
    '',
    '## Sequence',
    '',
    // A code block's text is never Markdown; the diagram's labels are Mermaid-safe, and it holds no ``` line.
    '```mermaid',
    mermaidDiagram(report).trimEnd(),
    '```',
    '',
    '## Timeline',
    '',
    '| time | actor | step | gen | endpoint | outcome | detail |',
    '|---|---|---|---|---|---|---|',
    ...table,
    '',
  ].join('\n');
}

export function renderAfterAction(report: RunReport, format: ReportFormat): string {
  return format === 'html' ? renderHtml(report) : format === 'markdown' ? renderMarkdown(report) : renderMermaid(report);
}
