// The after-action report of a run saved with `racelab run --save`: a
// self-contained HTML page (inline SVG and CSS, no script, no network), or the
// same as Markdown or a Mermaid sequence diagram. It reads only the run report,
// built from the run-events table, so runs from every target render alike.
import { CASCADE_ACTORS, EVENT_ACTORS, RUNNER, type CascadeActor, type RunEvent } from '../lambdas/core/events.ts';
import type { RunReport } from '../scenario/run-report.ts';
import { MARKERS } from './output-file.ts';
import { cascadeSurprise, cascadeVerdict, witnessLines } from './render-timeline.ts';
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

/** A cascade tick's figures in words: a note says what the subsystem's phase changed to and where it stood, not that a tick ran. */
const TICK_WORDS: Record<CascadeActor, { figures: string[]; words: (f: Record<string, number>) => string }> = {
  dwfm: { figures: ['validLeases', 'backlog'], words: (f) => `${f.validLeases} valid leases, ${f.backlog} owed` },
  launcher: { figures: ['launched', 'requested'], words: (f) => `${f.launched} of ${f.requested} launches` },
  network: { figures: ['delaySeconds'], words: (f) => `${f.delaySeconds}s to connectivity` },
  // Words, not %: Mermaid's labels would show the sign as an entity code.
  nlb: { figures: ['capacity'], words: (f) => `${Math.round(f.capacity! * 100)} percent of nodes in service` },
};

function describe(event: TimedEvent): string {
  const tick = event.step === 'tick' && (CASCADE_ACTORS as readonly string[]).includes(event.actor) ? TICK_WORDS[event.actor as CascadeActor] : undefined;
  // A saved run may have been edited: a figure missing leaves the note with the phase alone. A tick's detail is its
  // note (an alarm, a recovery), which the operator's gates wait for: it follows the figures.
  if (tick && event.metrics) {
    const metrics = event.metrics;
    const note = event.detail ? ` (${event.detail})` : '';
    return `${tick.figures.every((name) => metrics[name] !== undefined) ? `${event.outcome}: ${tick.words(metrics)}` : event.outcome}${note}`;
  }
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

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

/**
 * Every chart's frame in viewBox units. The charts share it, so a second is at
 * the same x on each; the page scales them to its width, and the margins hold
 * the labels at the largest font the narrow layout gives them (CHART_STYLE).
 */
const FRAME = { width: 760, left: 64, right: 56, top: 30, bottom: 52 };

/** A value axis: its title, the largest value to show, how a label reads. */
interface ValueAxis {
  title: string;
  most: number;
  format: (value: number) => string;
  /** Counts: no label between two whole numbers. */
  whole?: boolean;
  colour?: string;
}

interface ChartLine {
  points: { atSeconds: number; value: number }[];
  colour: string;
  /** The path's data attributes: what the line is, for a reader of the page's source. */
  data: Record<string, string>;
  /** Drawn against the right-hand axis. */
  right?: boolean;
  dashed?: boolean;
  /** Up by this many units: lines that often coincide stay visible. */
  offset?: number;
  /** The last value holds until this second (a tick's figure holds for the tick). */
  holdUntil?: number;
}

/** A moment of the story drawn across a chart, numbered as in the list above the charts. */
interface ChartMarker {
  atSeconds: number;
  kind: 'dns-back' | 'operator' | 'recovered';
  says: string;
}

interface TimeChart {
  id: string;
  label: string;
  /** The time axis runs from 0 to this second. */
  end: number;
  plotHeight: number;
  left: ValueAxis;
  right?: ValueAxis;
  lines: ChartLine[];
  markers?: readonly ChartMarker[];
  legend?: { text: string; colour: string }[];
}

/** The least step of 1, 2, 2.5 or 5 times a power of ten that is at least `least`, and whole for counts. */
function niceStep(least: number, whole: boolean): number {
  const power = 10 ** Math.floor(Math.log10(least));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((step) => step >= least && (!whole || Number.isInteger(step))) ?? 10 * power;
}

/**
 * How many steps the value axes take (4, or 2 when that wastes less height),
 * and each axis's step: both axes share their grid lines. An even number, so
 * the narrow layout can show every other label and keep 0 and the top.
 */
function valueSteps(axes: readonly ValueAxis[]): { count: number; steps: number[] } {
  const options = [4, 2].map((count) => {
    const steps = axes.map((axis) => niceStep(Math.max(axis.most, 1) / count, axis.whole ?? false));
    const waste = axes.reduce((sum, axis, i) => sum + (count * steps[i]!) / Math.max(axis.most, 1), 0);
    return { count, steps, waste };
  });
  return options.reduce((best, option) => (option.waste < best.waste ? option : best));
}

const MARKER_COLOURS: Record<ChartMarker['kind'], string> = { 'dns-back': COLOURS[2]!, operator: '#666', recovered: COLOURS[3]! };
const MARKER_ROWS = 3;

/** A time chart: step lines over scenario time, value axes with titles, time labels, and the story's moments as vertical lines. */
function timeChart(chart: TimeChart): string {
  const { width, left, right, top, bottom } = FRAME;
  const plotBottom = top + chart.plotHeight;
  const height = plotBottom + bottom;
  const x = (seconds: number) => clamp(left + (seconds / chart.end) * (width - left - right), left, width - right);
  const axes = chart.right ? [chart.left, chart.right] : [chart.left];
  const { count, steps } = valueSteps(axes);
  const y = (value: number, axis: number) => plotBottom - clamp(value / (count * steps[axis]!), 0, 1) * chart.plotHeight;
  const f = (n: number) => n.toFixed(1);
  const parts = [
    `<svg id="${chart.id}" class="chart" role="img" aria-label="${htmlText(chart.label)}" viewBox="0 0 ${width} ${height}" width="100%">`,
    `<text class="axis-title" x="0" y="${top - 10}"${chart.left.colour ? ` fill="${chart.left.colour}"` : ''}>${htmlText(chart.left.title)}</text>`,
  ];
  if (chart.right) {
    const colour = chart.right.colour ? ` fill="${chart.right.colour}"` : '';
    parts.push(`<text class="axis-title" x="${width}" y="${top - 10}" text-anchor="end"${colour}>${htmlText(chart.right.title)}</text>`);
  }
  // Grid lines and value labels; the narrow layout hides the odd ones (class minor).
  for (let i = 0; i <= count; i++) {
    const at = y(i * steps[0]!, 0);
    const minor = i % 2 ? ' minor' : '';
    parts.push(`<line x1="${left}" y1="${f(at)}" x2="${width - right}" y2="${f(at)}" stroke="${i ? '#e4e4e4' : '#999'}"/>`);
    parts.push(`<text class="tick-y${minor}" x="${left - 6}" y="${f(at)}" dy="0.35em" text-anchor="end">${htmlText(chart.left.format(i * steps[0]!))}</text>`);
    if (chart.right) {
      const label = htmlText(chart.right.format(i * steps[1]!));
      parts.push(`<text class="tick-y${minor}" x="${width - right + 6}" y="${f(at)}" dy="0.35em">${label}</text>`);
    }
  }
  const step = TICK_STEPS.find((seconds) => chart.end / seconds <= TICKS_MAX) ?? Math.ceil(chart.end / TICKS_MAX);
  for (let i = 0; i * step <= chart.end; i++) {
    const at = f(x(i * step));
    parts.push(`<line x1="${at}" y1="${plotBottom}" x2="${at}" y2="${plotBottom + 4}" stroke="#999"/>`);
    parts.push(`<text class="tick-x${i % 2 ? ' minor' : ''}" x="${at}" y="${plotBottom}" dy="1.55em" text-anchor="middle">+${i * step}s</text>`);
  }
  const middle = (left + width - right) / 2;
  parts.push(`<text class="axis-title" x="${middle}" y="${plotBottom}" dy="2.4em" text-anchor="middle">seconds after the run's start</text>`);
  for (const line of chart.lines) {
    // A step line: across to each point's time at the last value, then up or down to the new one.
    const points = [...line.points].sort((a, b) => a.atSeconds - b.atSeconds);
    const yOf = (value: number) => f(y(value, line.right ? 1 : 0) - (line.offset ?? 0));
    const path = points.map((point, j) => (j === 0 ? `M${f(x(point.atSeconds))} ${yOf(point.value)}` : `H${f(x(point.atSeconds))} V${yOf(point.value)}`));
    if (points.length && line.holdUntil !== undefined) path.push(`H${f(x(Math.max(line.holdUntil, points.at(-1)!.atSeconds)))}`);
    const data = Object.entries(line.data).map(([name, value]) => ` data-${name}="${htmlText(value)}"`);
    const dash = line.dashed ? ' stroke-dasharray="6 3"' : '';
    parts.push(`<path class="series"${data.join('')} d="${path.join(' ')}" fill="none" stroke="${line.colour}" stroke-width="2"${dash}/>`);
  }
  // Each moment's number sits at the top of its line, a row lower when the row above has one too near; three rows at
  // most (a hand-edited file may pile up thousands at one second).
  const rowEnds: number[] = [];
  (chart.markers ?? []).forEach((marker, i) => {
    const at = x(marker.atSeconds);
    let row = rowEnds.findIndex((end) => at >= end);
    if (row < 0) row = rowEnds.length < MARKER_ROWS ? rowEnds.length : i % MARKER_ROWS;
    rowEnds[row] = at + 28;
    const colour = MARKER_COLOURS[marker.kind];
    parts.push(
      `<g class="marker" data-marker="${marker.kind}"><title>${htmlText(marker.says)}</title>` +
        `<line x1="${f(at)}" y1="${top}" x2="${f(at)}" y2="${plotBottom}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="3 2"/>` +
        `<text class="marker-tag" x="${f(at + 3)}" y="${top}" dy="${(1 + 1.1 * row).toFixed(1)}em" fill="${colour}">${i + 1}</text></g>`,
    );
  });
  (chart.legend ?? []).forEach((entry, i) =>
    parts.push(`<text x="${width - right - 4}" y="${top}" dy="${1.2 * (i + 1)}em" text-anchor="end" fill="${entry.colour}">${htmlText(entry.text)}</text>`),
  );
  parts.push('</svg>');
  return parts.join('\n');
}

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

/** A step chart of addresses per endpoint over scenario time: a line at 0 is an endpoint answering nothing. */
function addressChart(report: RunReport): string {
  const series = addressSeries(report);
  return timeChart({
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
    legend: series.map((line, i) => ({ text: line.endpoint, colour: COLOURS[i % COLOURS.length]! })),
  });
}

/** The moments the cascade's charts mark, in time order: DNS back for DWFM, each operator step, the recovery. */
function cascadeMarkers(report: RunReport): ChartMarker[] {
  const cascade = report.cascade;
  if (!cascade) return [];
  const markers: ChartMarker[] = report.events
    .filter((event) => event.actor === 'operator')
    .map((event) => ({ atSeconds: event.atSeconds, kind: 'operator', says: `+${event.atSeconds.toFixed(1)}s the operator: ${event.outcome}` }));
  if (cascade.dnsBackAtSeconds !== null)
    markers.push({ atSeconds: cascade.dnsBackAtSeconds, kind: 'dns-back', says: `+${cascade.dnsBackAtSeconds}s DNS back for DWFM` });
  if (cascade.recoveredAtSeconds !== null) {
    const says = `+${cascade.recoveredAtSeconds}s recovered: every subsystem healthy from here to the end`;
    markers.push({ atSeconds: cascade.recoveredAtSeconds, kind: 'recovered', says });
  }
  return markers.sort((a, b) => a.atSeconds - b.atSeconds);
}

const percent = (value: number) => `${Math.round(value * 100)}%`;
const decimal = (value: number) => String(Math.round(value * 100) / 100);

/** The cascade's verdict in one line, with the levers it ran with; and a second when the scenario expected otherwise. */
function cascadeVerdictLines(report: RunReport): string[] {
  const levers = report.levers.length ? report.levers.join(', ') : 'none';
  const surprise = cascadeSurprise(report.cascade!);
  return [`Cascade (levers: ${levers}): ${cascadeVerdict(report.cascade!)}.`, ...(surprise ? [`${surprise[0]!.toUpperCase()}${surprise.slice(1)}.`] : [])];
}

/** One small chart per subsystem's series, on the DNS chart's time axis, with the story's moments marked. */
function cascadeSection(report: RunReport): string {
  const cascade = report.cascade;
  if (!cascade) return '';
  const { series } = cascade;
  const end = timeSpan(report);
  const markers = cascadeMarkers(report);
  const holdUntil = ticksEnd(series.atSeconds);
  // A hand-edited file may give a series fewer values than ticks: a tick without one is left out.
  const points = (values: readonly number[]) => series.atSeconds.flatMap((atSeconds, i) => (values[i] === undefined ? [] : [{ atSeconds, value: values[i] }]));
  const small = { end, plotHeight: 100, markers };
  const line = (name: string, values: readonly number[], colour: string, more: Partial<ChartLine> = {}): ChartLine => ({
    points: points(values),
    colour,
    data: { series: name },
    holdUntil,
    ...more,
  });
  const charts = [
    timeChart({
      ...small,
      id: 'cascade-leases',
      label: "DWFM's valid leases over time",
      left: { title: 'DWFM: droplets with a valid lease', most: largest(series.validLeases), format: count, whole: true },
      lines: [line('validLeases', series.validLeases, COLOURS[0]!)],
    }),
    timeChart({
      ...small,
      id: 'cascade-goodput',
      label: "DWFM's goodput and backlog over time",
      left: { title: 'DWFM goodput (leases/s)', most: largest(series.goodput), format: decimal, colour: COLOURS[0] },
      right: { title: 'backlog (droplets owed a lease)', most: largest(series.backlog), format: count, whole: true, colour: COLOURS[1] },
      lines: [line('goodput', series.goodput, COLOURS[0]!), line('backlog', series.backlog, COLOURS[1]!, { right: true, dashed: true })],
    }),
    timeChart({
      ...small,
      id: 'cascade-launches',
      label: 'EC2 launch success over time',
      left: { title: 'EC2: launches that succeeded', most: 1, format: percent },
      lines: [line('launchSuccess', series.launchSuccess, COLOURS[2]!)],
    }),
    timeChart({
      ...small,
      id: 'cascade-propagation',
      label: "Network Manager's propagation delay over time",
      left: { title: 'Network Manager: longest wait for connectivity (s)', most: largest(series.propagationDelaySeconds), format: decimal },
      lines: [line('propagationDelaySeconds', series.propagationDelaySeconds, COLOURS[4]!)],
    }),
    timeChart({
      ...small,
      id: 'cascade-nlb',
      label: "NLB's capacity in service over time",
      left: { title: 'NLB: nodes in service', most: 1, format: percent },
      lines: [line('nlbCapacity', series.nlbCapacity, COLOURS[3]!)],
    }),
  ];
  return [
    '<section id="cascade"><h2>Cascade</h2>',
    ...cascadeVerdictLines(report).map((line, i) => `<p class="${i ? 'surprise' : 'verdict'}">${htmlText(line)}</p>`),
    ...(markers.length ? ['<p>Marked on each chart:</p>', `<ol class="markers">${markers.map((m) => `<li>${htmlText(m.says)}</li>`).join('')}</ol>`] : []),
    ...charts,
    '</section>',
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

/**
 * The charts fill the page's width, so their text scales with it: a larger
 * font in viewBox units as the page narrows keeps it about 10 to 15 px, and
 * the narrowest layout shows every other label. The sequence and the
 * timeline keep their width and scroll inside their box instead of the page;
 * the digest breaks where it must.
 */
const CHART_STYLE = `svg.chart { display: block; width: 100%; height: auto; margin: 0.5em 0; }
svg.chart text { font-size: 9px; }
svg.chart .axis-title { font-weight: bold; }
svg.chart .marker-tag { font-weight: bold; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.wide { overflow-x: auto; }
code { overflow-wrap: anywhere; }
@media (max-width: 900px) { svg.chart text { font-size: 13px; } }
@media (max-width: 600px) { body { margin: 8px; } svg.chart text { font-size: 20px; } svg.chart .minor { display: none; } }`;

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
.surprise { color: #b00; }
${CHART_STYLE}
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
${cascadeSection(report)}
<section id="sequence-diagram"><h2>Sequence</h2>
<div class="wide">
${sequenceDiagram(report)}
</div>
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
