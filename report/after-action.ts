// The after-action report of a run saved with `racelab run --save`: a
// self-contained HTML page (inline SVG and CSS, no script, no network), or the
// same as Markdown or a Mermaid sequence diagram. It reads only the run report,
// built from the run-events table, so runs from every target render alike.
import type { RunReport } from '../scenario/run-report.ts';
import { MARKERS } from './output-file.ts';
import { raceMoments } from './race-moments.ts';
import { cascadeSurprise, cascadeVerdict, repairer, witnessLines } from './render-timeline.ts';
import { htmlText, markdownText } from './report-text.ts';
import { sequenceOf } from './sequence.ts';
import { sequenceMermaid } from './sequence-mermaid.ts';
import { SEQUENCE_STYLE, sequenceSvg } from './sequence-svg.ts';
import { CHART_STYLE, COLOURS, timeCharts, type ChartLine, type ChartMarker, type TimeChart } from './time-chart.ts';

export const REPORT_FORMATS = ['html', 'markdown', 'mermaid'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Addresses each endpoint answered with, at each probe: the chart's data. */
export function addressSeries(report: RunReport): { endpoint: string; points: { atSeconds: number; count: number }[] }[] {
  const probes = report.events.filter((event) => event.addresses);
  return report.endpoints.map(({ endpoint }) => ({
    endpoint,
    points: probes.map((probe) => ({ atSeconds: probe.atSeconds, count: probe.addresses?.[endpoint]?.length ?? 0 })),
  }));
}

/** The largest of many numbers, and at least 1 (a spread of a long list overflows the call stack). */
const largest = (values: Iterable<number>): number => {
  let most = 1;
  for (const value of values) if (value > most) most = value;
  return most;
};

/** The time axis every chart of a run shares: to the last event, or the end of the cascade's last tick. */
function timeSpan(report: RunReport): number {
  const end = ticksEnd(report.cascade?.series.atSeconds ?? []);
  return largest([...report.events.map((event) => event.atSeconds), ...(end === undefined ? [] : [end])]);
}

/** When the last tick ends: its start and the length of the tick before it (a hand-edited file may have them in any order). */
function ticksEnd(ticks: readonly number[]): number | undefined {
  const [last, before] = [...ticks].sort((a, b) => b - a);
  return last === undefined ? undefined : last + (before === undefined ? 0 : last - before);
}

const count = (value: number) => String(Math.round(value));

/** A step chart of addresses per endpoint over scenario time, with the race's stale write and deletion marked: a line at 0 is an endpoint answering nothing. */
function addressChart(report: RunReport): TimeChart {
  const series = addressSeries(report);
  return {
    id: 'addresses',
    label: 'addresses per endpoint over time',
    end: timeSpan(report),
    plotHeight: 150,
    left: { title: 'addresses in the answer', most: largest(series.flatMap((line) => line.points.map((point) => point.count))), format: count, whole: true },
    // Endpoints often answer alike: a small offset per line keeps each visible.
    lines: series.map((line, i) => ({
      points: line.points.map((point) => ({ atSeconds: point.atSeconds, value: point.count })),
      colour: COLOURS[i % COLOURS.length]!,
      data: { endpoint: line.endpoint },
      offset: i * 3,
    })),
    markers: raceMoments(report).map((moment) => ({ atSeconds: moment.atSeconds, kind: moment.kind, tag: moment.label, says: moment.says })),
    legend: series.map((line, i) => ({ text: line.endpoint, colour: COLOURS[i % COLOURS.length]! })),
  };
}

/** The moments the cascade's charts mark, in time order, numbered as in the list above them: DNS back for DWFM, each operator step, the recovery. */
function cascadeMarkers(report: RunReport): ChartMarker[] {
  const cascade = report.cascade;
  if (!cascade) return [];
  const moments: Omit<ChartMarker, 'tag'>[] = report.events
    .filter((event) => event.actor === 'operator')
    .map((event) => ({ atSeconds: event.atSeconds, kind: 'operator', says: `+${event.atSeconds.toFixed(1)}s the operator: ${event.outcome}` }));
  if (cascade.dnsBackAtSeconds !== null)
    moments.push({ atSeconds: cascade.dnsBackAtSeconds, kind: 'dns-back', says: `+${cascade.dnsBackAtSeconds}s DNS back for DWFM` });
  if (cascade.recoveredAtSeconds !== null) {
    const says = `+${cascade.recoveredAtSeconds}s recovered: every subsystem healthy from here to the end`;
    moments.push({ atSeconds: cascade.recoveredAtSeconds, kind: 'recovered', says });
  }
  return moments.sort((a, b) => a.atSeconds - b.atSeconds).map((moment, i) => ({ ...moment, tag: String(i + 1) }));
}

const percent = (value: number) => `${Math.round(value * 100)}%`;
const decimal = (value: number) => String(Math.round(value * 100) / 100);

/** The cascade's verdict in one line, with the levers it ran with; and a second when the scenario expected otherwise. */
function cascadeVerdictLines(report: RunReport): string[] {
  const levers = report.levers.length ? report.levers.join(', ') : 'none';
  const surprise = cascadeSurprise(report.cascade!);
  return [`Cascade (levers: ${levers}): ${cascadeVerdict(report.cascade!)}.`, ...(surprise ? [`${surprise[0]!.toUpperCase()}${surprise.slice(1)}.`] : [])];
}

/** One small chart per subsystem's series, on the DNS chart's time axis, with the cascade's moments marked. */
function cascadeCharts(report: RunReport): TimeChart[] {
  const cascade = report.cascade;
  if (!cascade) return [];
  const { series } = cascade;
  const holdUntil = ticksEnd(series.atSeconds);
  // A hand-edited file may give a series fewer values than ticks: a tick without one is left out.
  const points = (values: readonly number[]) => series.atSeconds.flatMap((atSeconds, i) => (values[i] === undefined ? [] : [{ atSeconds, value: values[i] }]));
  const small = { end: timeSpan(report), plotHeight: 120, markers: cascadeMarkers(report) };
  const line = (name: string, values: readonly number[], colour: string, more: Partial<ChartLine> = {}): ChartLine => ({
    points: points(values),
    colour,
    data: { series: name },
    holdUntil,
    ...more,
  });
  return [
    {
      ...small,
      id: 'cascade-leases',
      label: "DWFM's valid leases over time",
      left: { title: 'DWFM: droplets with a valid lease', most: largest(series.validLeases), format: count, whole: true },
      lines: [line('validLeases', series.validLeases, COLOURS[0]!)],
    },
    {
      ...small,
      id: 'cascade-goodput',
      label: "DWFM's goodput and backlog over time",
      left: { title: 'DWFM goodput (leases/s)', most: largest(series.goodput), format: decimal, colour: COLOURS[0] },
      right: { title: 'backlog (droplets owed a lease)', most: largest(series.backlog), format: count, whole: true, colour: COLOURS[1] },
      lines: [line('goodput', series.goodput, COLOURS[0]!), line('backlog', series.backlog, COLOURS[1]!, { right: true, dashed: true })],
    },
    {
      ...small,
      id: 'cascade-launches',
      label: 'EC2 launch success over time',
      left: { title: 'EC2: launches that succeeded', most: 1, format: percent },
      lines: [line('launchSuccess', series.launchSuccess, COLOURS[2]!)],
    },
    {
      ...small,
      id: 'cascade-propagation',
      label: "Network Manager's propagation delay over time",
      left: { title: 'Network Manager: longest wait for connectivity (s)', most: largest(series.propagationDelaySeconds), format: decimal },
      lines: [line('propagationDelaySeconds', series.propagationDelaySeconds, COLOURS[4]!)],
    },
    {
      ...small,
      id: 'cascade-nlb',
      label: "NLB's capacity in service over time",
      left: { title: 'NLB: nodes in service', most: 1, format: percent },
      lines: [line('nlbCapacity', series.nlbCapacity, COLOURS[3]!)],
    },
  ];
}

/** The cascade's section: its verdict, what each numbered line marks, and its charts (drawn in the page's frame). */
function cascadeSection(report: RunReport, charts: readonly string[]): string {
  if (!report.cascade) return '';
  const markers = cascadeMarkers(report);
  return [
    '<section id="cascade"><h2>Cascade</h2>',
    ...cascadeVerdictLines(report).map((line, i) => `<p class="${i ? 'surprise' : 'verdict'}">${htmlText(line)}</p>`),
    ...(markers.length ? ['<p>Marked on each chart:</p>', `<ol class="markers">${markers.map((m) => `<li>${htmlText(m.says)}</li>`).join('')}</ol>`] : []),
    ...charts,
    '</section>',
  ].join('\n');
}

function verdictLines(report: RunReport): string[] {
  const lines = [`Outcome: ${report.outcome.toUpperCase()}, expected ${report.expected} (${report.asExpected ? 'as expected' : 'NOT as expected'}).`];
  for (const endpoint of report.endpoints) {
    const state = endpoint.addresses.length ? `answers ${endpoint.addresses.length} addresses` : 'answers nothing';
    const history = endpoint.firstEmptyAtSeconds === null ? 'never went empty' : `went empty at +${endpoint.firstEmptyAtSeconds.toFixed(1)}s`;
    lines.push(`${endpoint.endpoint}: ${state}; ${history}${endpoint.repaired ? `, repaired by ${repairer(report)}` : ''}.`);
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

/**
 * The page at any width: the charts and the sequence take the page's width
 * (time-chart.ts, sequence-svg.ts); the timeline's table keeps its columns and
 * scrolls inside its own box, never the page; the digest breaks where it must.
 */
const LAYOUT_STYLE = `.wide { overflow-x: auto; }
code { overflow-wrap: anywhere; }
@media (max-width: 600px) { body { margin: 8px; } }`;

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
  const [addresses, ...cascade] = timeCharts([addressChart(report), ...cascadeCharts(report)]);
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
svg { font: 11px system-ui, sans-serif; }
.outcome-empty td, .outcome-stuck td, .outcome-deleted td { color: #b00; }
.verdict { font-weight: bold; }
.surprise { color: #b00; }
${CHART_STYLE}
${SEQUENCE_STYLE}
${LAYOUT_STYLE}
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
${addresses}
</section>
${cascadeSection(report, cascade)}
<section id="sequence-diagram"><h2>Sequence</h2>
${sequenceSvg(sequenceOf(report))}
</section>
<section id="timeline"><h2>Timeline</h2>
<div class="wide">
<table><thead><tr><th>time</th><th>actor</th><th>step</th><th>gen</th><th>endpoint</th><th>outcome</th><th>detail</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</div>
</section>
<p>Events digest: <code>${htmlText(report.eventsDigest)}</code></p>
</body>
</html>
`;
}

/** The diagram alone, under the marker line that makes the file racelab's (a Mermaid comment). */
export function renderMermaid(report: RunReport): string {
  return `${MARKERS.mermaid}\n${sequenceMermaid(sequenceOf(report))}`;
}

/** The cascade's verdict and its phase changes, one row each: what the HTML page charts, as a table. */
function cascadeMarkdown(report: RunReport): string[] {
  const cascade = report.cascade;
  if (!cascade) return [];
  return [
    '## Cascade',
    '',
    ...cascadeVerdictLines(report).flatMap((line) => [markdownText(line), '']),
    '| time | subsystem | phase |',
    '|---|---|---|',
    ...cascade.phases.map((change) => `| ${[`+${change.atSeconds}s`, change.subsystem, change.phase].map(markdownText).join(' | ')} |`),
    '',
  ];
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
    ...cascadeMarkdown(report),
    '## Sequence',
    '',
    // A code block's text is never Markdown; the diagram's labels are Mermaid-safe, and it holds no ``` line.
    '```mermaid',
    sequenceMermaid(sequenceOf(report)).trimEnd(),
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
