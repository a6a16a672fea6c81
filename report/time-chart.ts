// The report's charts: step lines over scenario time, drawn in SVG that takes
// the page's width. The text is set larger in viewBox units as the page
// narrows (CHART_STYLE), so the layout is made for the largest size, where
// labels take the most room: every tick is labelled at every width, and the
// legend and the story's labels sit outside the plot, where no line runs.
// Positions above and below the plot are in em from its edges, so at the
// smaller sizes the text keeps together next to the plot.
import { htmlText } from './report-text.ts';
import { BOLD, textWidth, wrapText } from './svg-text.ts';
import { terminalText } from '../scenario/terminal-text.ts';

/** The chart text's size in viewBox units: on a wide page, a middling one, and a phone's (at most 600 px). */
export const CHART_FONT = { wide: 9, middle: 13, narrow: 20 } as const;
const LARGEST = CHART_FONT.narrow;

/** The charts fill the page's width, so their text scales with it: a larger size in viewBox units as the page narrows keeps it about 10 to 15 px. */
export const CHART_STYLE = `svg.chart { display: block; width: 100%; height: auto; margin: 0.5em 0; font-size: ${CHART_FONT.wide}px; }
svg.chart .axis-title { font-weight: bold; }
svg.chart .marker-tag { font-weight: bold; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
@media (max-width: 900px) { svg.chart { font-size: ${CHART_FONT.middle}px; } }
@media (max-width: 600px) { svg.chart { font-size: ${CHART_FONT.narrow}px; } }`;

/** A value axis: its title, the largest value to show, how a label reads. */
export interface ValueAxis {
  title: string;
  most: number;
  format: (value: number) => string;
  /** Counts: no label between two whole numbers. */
  whole?: boolean;
  colour?: string;
}

export interface ChartLine {
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

/** A moment drawn across a chart: a dashed line, and its tag above the plot (a number the page's list explains, or a few words). */
export interface ChartMarker {
  atSeconds: number;
  kind: 'dns-back' | 'operator' | 'recovered' | 'stale-write' | 'deletion';
  tag: string;
  says: string;
}

export interface TimeChart {
  id: string;
  label: string;
  /** The time axis runs from 0 to this second (the page's charts take the latest). */
  end: number;
  plotHeight: number;
  left: ValueAxis;
  right?: ValueAxis;
  lines: ChartLine[];
  markers?: readonly ChartMarker[];
  legend?: { text: string; colour: string }[];
}

export const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const MARKER_COLOURS: Record<ChartMarker['kind'], string> = {
  'dns-back': COLOURS[2]!,
  operator: '#666',
  recovered: COLOURS[3]!,
  'stale-write': '#c06000',
  deletion: '#8b0000',
};

/** Rows of tags above the plot at most (a hand-edited file may pile up thousands at one second). */
const MARKER_ROWS = 3;
/** The viewBox's width: the charts share it, so a second is at the same x on each. */
const WIDTH = 760;
/** Line heights and gaps in em; the first row above the plot clears the top value label's upper half. */
const EM = { line: 1.25, gap: 0.4, overPlot: 0.8 };

/** Seconds between time labels: a step of these whose labels fit at the largest size, ten at most. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 21_600, 43_200, 86_400];
const TICKS_MAX = 10;

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));
const f = (n: number) => n.toFixed(1);
const em = (n: number) => `${Number(n.toFixed(3))}em`;

/** The least step of 1, 2, 2.5 or 5 times a power of ten that is at least `least`, and whole for counts. */
function niceStep(least: number, whole: boolean): number {
  const power = 10 ** Math.floor(Math.log10(least));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((step) => step >= least && (!whole || Number.isInteger(step))) ?? 10 * power;
}

/**
 * How many steps the value axes take (4, or 2 when that wastes less height
 * or 4 labels would not fit the plot's height), and each axis's step: both
 * axes share their grid lines.
 */
function valueSteps(axes: readonly ValueAxis[], plotHeight: number): { count: number; steps: number[] } {
  const options = [4, 2]
    .filter((count) => count === 2 || plotHeight / count >= EM.line * LARGEST)
    .map((count) => {
      const steps = axes.map((axis) => niceStep(Math.max(axis.most, 1) / count, axis.whole ?? false));
      const waste = axes.reduce((sum, axis, i) => sum + (count * steps[i]!) / Math.max(axis.most, 1), 0);
      return { count, steps, waste };
    });
  return options.reduce((best, option) => (option.waste < best.waste ? option : best));
}

/** Every label of a value axis, bottom to top. */
const valueLabels = (axis: ValueAxis, count: number, step: number) => Array.from({ length: count + 1 }, (_, i) => axis.format(i * step));

/** The seconds each time label stands at: as many as fit side by side at the largest size. */
function timeTicks(end: number, plotWidth: number): number[] {
  const room = textWidth(`+${Math.ceil(end)}s`, LARGEST) + LARGEST;
  const most = Math.min(TICKS_MAX, Math.max(1, Math.floor(plotWidth / room)));
  const step = TICK_STEPS.find((seconds) => end / seconds <= most) ?? Math.ceil(end / most);
  return Array.from({ length: Math.floor(end / step) + 1 }, (_, i) => i * step);
}

/** The frame the charts of one page share: margins wide enough for every chart's value labels, at the largest size. */
interface Frame {
  left: number;
  right: number;
  /** The time axis runs from 0 to this second. */
  end: number;
  ticks: number[];
}

function sharedFrame(charts: readonly TimeChart[]): Frame {
  const widest = (labels: string[]) => Math.max(0, ...labels.map((label) => textWidth(terminalText(label), LARGEST)));
  const [left, right] = [0, 1].map((side) =>
    Math.max(
      0,
      ...charts.map((chart) => {
        const axis = side ? chart.right : chart.left;
        if (!axis) return 0;
        const { count, steps } = valueSteps(chart.right ? [chart.left, chart.right] : [chart.left], chart.plotHeight);
        return widest(valueLabels(axis, count, steps[side]!)) + 10;
      }),
    ),
  );
  const end = Math.max(1, ...charts.map((chart) => chart.end));
  // The last time label is centred on the plot's right edge: half of it in the margin.
  const half = textWidth(`+${Math.ceil(end)}s`, LARGEST) / 2 + 4;
  const frame = { left: Math.max(left!, 40), right: Math.max(right!, half, 24) };
  return { ...frame, end, ticks: timeTicks(end, WIDTH - frame.left - frame.right) };
}

/** A title's text, which side it keeps to, its colour. */
type Title = { text: string; end: boolean; colour?: string };

/** The titles' rows, top first: both axes' titles side by side where they fit at the largest size; each wrapped where it is wider than the chart. */
function titleRows(chart: TimeChart): Title[][] {
  const bold = LARGEST * BOLD;
  const lines = (axis: ValueAxis, end: boolean): Title[] =>
    wrapText(terminalText(axis.title), bold, WIDTH).map((text) => ({ text, end, ...(axis.colour ? { colour: axis.colour } : {}) }));
  const left = lines(chart.left, false);
  const right = chart.right ? lines(chart.right, true) : [];
  const width = (title: Title) => textWidth(title.text, bold);
  if (left.length === 1 && right.length === 1 && width(left[0]!) + width(right[0]!) + LARGEST <= WIDTH) return [[left[0]!, right[0]!]];
  return [...left, ...right].map((title) => [title]);
}

type Span = { from: number; to: number };

/** Where a label's text runs, from its anchor: at the largest size. */
const spanOf = (x: number, width: number, end: boolean): Span => (end ? { from: x - width, to: x } : { from: x, to: x + width });

/** A tag as placed: its text, where it is anchored, its row above the plot. */
interface PlacedTag {
  text: string;
  x: number;
  end: boolean;
  row: number;
}

/** Lines closer than this share one tag ("3, 4"): two tags could not both sit beside them. */
const TOGETHER = 8;

/**
 * The rows above the plot, at the largest size, counted up from its top edge.
 * Markers whose lines (nearly) coincide share a tag. Each tag goes in the
 * lowest row where it clears the text there and its stem (its line, up from
 * the plot) clears the text below; beside its line on the right, or on the
 * left where the right does not fit. Then the titles, in their order, in the
 * lowest rows above the last title where they clear the tags and stems.
 */
function aboveRows(markers: readonly { x: number; tag: string }[], titles: readonly Title[][]): { tags: (PlacedTag | undefined)[]; titles: number[] } {
  const taken: Span[][] = [];
  const clear = (row: number, span: Span) => (taken[row] ?? []).every((o) => span.from >= o.to + 8 || span.to + 8 <= o.from);
  const onChart = (span: Span) => span.from >= 0 && span.to <= WIDTH;
  const take = (row: number, span: Span) => (taken[row] ??= []).push(span);
  const groups: { first: number; members: number[] }[] = [];
  markers.forEach((marker, i) => {
    const group = groups.find((g) => Math.abs(markers[g.first]!.x - marker.x) < TOGETHER);
    if (group) group.members.push(i);
    else groups.push({ first: i, members: [i] });
  });
  const tags: (PlacedTag | undefined)[] = markers.map(() => undefined);
  groups.forEach(({ first, members }, n) => {
    const names = members.map((i) => markers[i]!.tag);
    const text = terminalText(names.length <= 3 ? names.join(', ') : `${names[0]}–${names.at(-1)}`);
    const width = textWidth(text, LARGEST, true);
    const stem = markers[first]!.x;
    const stemSpan = { from: stem - 2, to: stem + 2 };
    const options = [false, true].map((end) => ({ end, x: end ? stem - 3 : stem + 3 }));
    let placed: PlacedTag | undefined;
    for (let row = 0; row < MARKER_ROWS && !placed; row++) {
      const below = Array.from({ length: row }, (_, r) => r).every((r) => clear(r, stemSpan));
      const option = below ? options.find(({ x, end }) => onChart(spanOf(x, width, end)) && clear(row, spanOf(x, width, end))) : undefined;
      if (option) placed = { text, ...option, row };
    }
    // No row has room (a hand-edited file may pile up thousands of moments): they share the rows.
    placed ??= { text, ...options[stem + 3 + width > WIDTH ? 1 : 0]!, row: n % MARKER_ROWS };
    take(placed.row, spanOf(placed.x, width, placed.end));
    for (let r = 0; r < placed.row; r++) take(r, stemSpan);
    tags[first] = placed;
  });
  let row = -1;
  const titleRowsAt = [...titles].reverse().map((line) => {
    const spans = line.map((title) => spanOf(title.end ? WIDTH : 0, textWidth(title.text, LARGEST * BOLD), title.end));
    row++;
    while (!spans.every((span) => clear(row, span))) row++;
    spans.forEach((span) => take(row, span));
    return row;
  });
  return { tags, titles: titleRowsAt.reverse() };
}

/** The legend's swatch, and the room after it, in em. */
const SWATCH = { glyph: '■', room: textWidth('■', 1) + 0.3 };

/**
 * Legend entries in rows across the chart's width at the largest size: each
 * entry's row and offset in em from the left edge, and its name's lines (a
 * name too long for a row, as a hand-edited file may hold, takes rows of its own).
 */
function legendLayout(entries: readonly { text: string }[]): { row: number; at: number; lines: string[] }[] {
  const room = WIDTH / LARGEST;
  let [row, at] = [0, 0];
  return entries.map((entry) => {
    const lines = wrapText(terminalText(entry.text), 1, room - SWATCH.room);
    const width = SWATCH.room + Math.max(...lines.map((line) => textWidth(line, 1)));
    if (at > 0 && at + width > room) [row, at] = [row + 1, 0];
    const place = { row, at, lines };
    [row, at] = lines.length > 1 ? [row + lines.length, 0] : [row, at + width + 1.5];
    return place;
  });
}

/** One chart in the shared frame: step lines, value axes with titles, time labels, the moments as vertical lines, the legend below. */
function drawChart(chart: TimeChart, frame: Frame): string {
  const { left, right, end, ticks } = frame;
  const titles = titleRows(chart);
  const markers = chart.markers ?? [];
  const x = (seconds: number) => clamp(left + (seconds / end) * (WIDTH - left - right), left, WIDTH - right);
  const rows = aboveRows(
    markers.map((marker) => ({ x: x(marker.atSeconds), tag: marker.tag })),
    titles,
  );
  const rowCount = Math.max(-1, ...rows.tags.map((tag) => tag?.row ?? -1), ...rows.titles) + 1;
  const above = EM.overPlot + EM.line * (rowCount - 1) + 1 + EM.gap;
  const plotTop = above * LARGEST;
  /** A row's baseline, in em up from the plot's top edge. */
  const rise = (row: number) => EM.overPlot + EM.line * row;
  const plotBottom = plotTop + chart.plotHeight;
  const legend = chart.legend ?? [];
  const places = legendLayout(legend);
  const legendRows = legend.length ? Math.max(...places.map((place) => place.row + place.lines.length)) : 0;
  // Below it: the time labels, the time axis's title, the legend's rows, and a descender's room.
  const below = 1.55 + EM.line + (legendRows ? EM.gap + EM.line * legendRows : 0) + EM.gap;
  const height = Math.ceil(plotBottom + below * LARGEST);
  const axes = chart.right ? [chart.left, chart.right] : [chart.left];
  const { count, steps } = valueSteps(axes, chart.plotHeight);
  const y = (value: number, axis: number) => plotBottom - clamp(value / (count * steps[axis]!), 0, 1) * chart.plotHeight;

  const parts = [
    `<svg id="${chart.id}" class="chart" role="img" aria-label="${htmlText(chart.label)}" viewBox="0 0 ${WIDTH} ${height}" width="100%">`,
    `<rect class="plot" x="${left}" y="${f(plotTop)}" width="${WIDTH - left - right}" height="${chart.plotHeight}" fill="none"/>`,
  ];
  titles.forEach((row, i) => {
    const fromTop = rise(rows.titles[i]!);
    for (const title of row) {
      const anchor = title.end ? ` text-anchor="end"` : '';
      const colour = title.colour ? ` fill="${title.colour}"` : '';
      parts.push(
        `<text class="axis-title" x="${title.end ? WIDTH : 0}" y="${f(plotTop)}" dy="-${em(fromTop)}"${anchor}${colour}>${htmlText(title.text)}</text>`,
      );
    }
  });
  // Grid lines and a label at every level, on each value axis.
  for (let i = 0; i <= count; i++) {
    const at = f(y(i * steps[0]!, 0));
    parts.push(`<line x1="${left}" y1="${at}" x2="${WIDTH - right}" y2="${at}" stroke="${i ? '#e4e4e4' : '#999'}"/>`);
    parts.push(`<text class="tick-y" x="${left - 6}" y="${at}" dy="0.35em" text-anchor="end">${htmlText(chart.left.format(i * steps[0]!))}</text>`);
    if (chart.right) parts.push(`<text class="tick-y" x="${WIDTH - right + 6}" y="${at}" dy="0.35em">${htmlText(chart.right.format(i * steps[1]!))}</text>`);
  }
  for (const seconds of ticks) {
    const at = f(x(seconds));
    parts.push(`<line x1="${at}" y1="${f(plotBottom)}" x2="${at}" y2="${f(plotBottom + 4)}" stroke="#999"/>`);
    parts.push(`<text class="tick-x" x="${at}" y="${f(plotBottom)}" dy="1.55em" text-anchor="middle">+${seconds}s</text>`);
  }
  const middle = (left + WIDTH - right) / 2;
  const timeTitle = "seconds after the run's start";
  parts.push(`<text class="axis-title" x="${middle}" y="${f(plotBottom)}" dy="${em(1.55 + EM.line)}" text-anchor="middle">${htmlText(timeTitle)}</text>`);
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
  markers.forEach((marker, i) => {
    const at = f(x(marker.atSeconds));
    const colour = MARKER_COLOURS[marker.kind];
    const tag = rows.tags[i];
    const line = `stroke="${colour}" stroke-width="1.5" stroke-dasharray="3 2"`;
    // The stem and the tag are placed in em up from the plot's top edge (a translated group), so they stay together at every size.
    const flag = tag
      ? `<g transform="translate(0 ${f(plotTop)})"><line class="stem" x1="${at}" y1="0" x2="${at}" y2="-${em(rise(tag.row) + 0.3)}" ${line}/>` +
        `<text class="marker-tag" x="${f(tag.x)}" y="-${em(rise(tag.row))}"${tag.end ? ' text-anchor="end"' : ''} fill="${colour}">` +
        `${htmlText(tag.text)}</text></g>`
      : '';
    parts.push(
      `<g class="marker" data-marker="${marker.kind}"><title>${htmlText(marker.says)}</title>` +
        `<line x1="${at}" y1="${f(plotTop)}" x2="${at}" y2="${f(plotBottom)}" ${line}/>${flag}</g>`,
    );
  });
  if (legend.length) {
    parts.push('<g class="legend">');
    legend.forEach((entry, i) => {
      const { row, at, lines } = places[i]!;
      const dy = em(1.55 + EM.line + EM.gap + EM.line * (row + 1) - 0.25);
      const swatch = `<text x="0" y="${f(plotBottom)}" dx="${em(at)}" dy="${dy}" fill="${entry.colour}" aria-hidden="true">${SWATCH.glyph}</text>`;
      const dx = em(at + SWATCH.room);
      const name =
        lines.length === 1
          ? htmlText(lines[0]!)
          : lines.map((line, j) => `<tspan${j ? ` x="0" dx="${dx}" dy="${em(EM.line)}"` : ''}>${htmlText(line)}</tspan>`).join('');
      parts.push(`${swatch}<text x="0" y="${f(plotBottom)}" dx="${dx}" dy="${dy}" fill="${entry.colour}">${name}</text>`);
    });
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** The page's charts, in one frame: the same second at the same x on each. */
export function timeCharts(charts: readonly TimeChart[]): string[] {
  const frame = sharedFrame(charts);
  return charts.map((chart) => drawChart(chart, frame));
}
