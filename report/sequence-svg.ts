// The sequence diagram on the page: a lane per participant, time flowing
// down, each step's time and words on a line of their own above its arrow (or
// its note's dot), wrapped to the diagram's width. The diagram scales to the
// page like the charts, but its text keeps one size in viewBox units, chosen
// so that it reads on a phone (about 9 px at 400 px) and not too large on a
// wide screen, where the diagram stops growing (SEQUENCE_STYLE).
import { htmlText } from './report-text.ts';
import type { Sequence, SequenceStep, Tone } from './sequence.ts';
import { textWidth, wrapText } from './svg-text.ts';
import { terminalText } from '../scenario/terminal-text.ts';

const WIDTH = 440;
export const SEQUENCE_FONT = 11;
const FONT = SEQUENCE_FONT;
const LINE = FONT * 1.25;
/** The widest the diagram is drawn: its text about 15 px. */
const MAX_WIDTH_PX = 600;

export const SEQUENCE_STYLE = `svg.sequence { display: block; width: 100%; max-width: ${MAX_WIDTH_PX}px; height: auto; }
svg.sequence { font-size: ${FONT}px; }
svg.sequence .lane-name { font-weight: bold; }
svg.sequence .label { paint-order: stroke; stroke: #fff; stroke-width: 3px; fill: #222; }
svg.sequence .time { fill: #555; }`;

const TONE_COLOURS: Record<Tone, string> = { ok: '#1f77b4', retry: '#c06000', bad: '#d62728' };

const f = (n: number) => n.toFixed(1);
const time = (step: SequenceStep) => `+${step.atSeconds.toFixed(1)}s`;

/** The fewest header rows in which each lane's name, centred on its lane, clears its neighbours in the same row. */
function headerRows(names: readonly number[], laneWidth: number): number {
  for (let rows = 1; rows < names.length; rows++) if (names.every((width) => width + 6 <= rows * laneWidth)) return rows;
  return Math.max(1, names.length);
}

export function sequenceSvg(sequence: Sequence): string {
  const { participants, steps } = sequence;
  const timeWidth = Math.max(0, ...steps.map((step) => textWidth(time(step), FONT))) + 6;
  const laneWidth = (WIDTH - timeWidth) / Math.max(1, participants.length);
  const lane = new Map(participants.map((participant, i) => [participant.id, timeWidth + laneWidth * (i + 0.5)]));
  const names = participants.map((participant) => textWidth(participant.name, FONT, true));
  const rows = headerRows(names, laneWidth);
  const top = rows * LINE + 8;
  const labelWidth = WIDTH - timeWidth - 2;

  const body: string[] = [];
  let y = top;
  for (const step of steps) {
    const lines = wrapText(terminalText(step.label), FONT, labelWidth);
    const baseline = y + FONT;
    const colour = TONE_COLOURS[step.tone];
    const text =
      `<text class="time" x="0" y="${f(baseline)}">${time(step)}</text>` +
      `<text class="label" x="${f(timeWidth)}" y="${f(baseline)}">` +
      // A line ends with its space, so the label's text (copied, read aloud) keeps its words apart.
      lines.map((line, i) => `<tspan x="${f(timeWidth)}" dy="${i ? LINE : 0}">${htmlText(line)}${i < lines.length - 1 ? ' ' : ''}</tspan>`).join('') +
      '</text>';
    const at = baseline + (lines.length - 1) * LINE + 9;
    let mark: string;
    if (step.kind === 'note') {
      mark = `<circle cx="${f(lane.get(step.over)!)}" cy="${f(at)}" r="4" fill="${colour}"/>`;
    } else {
      const [from, to] = [lane.get(step.from)!, lane.get(step.to)!];
      const way = Math.sign(to - from) || 1;
      // The arrow stops at the target's lane: a head where the message landed, a cross where it did not.
      const end = step.failed
        ? `<path d="M${f(to - 4)} ${f(at - 4)} l8 8 m0 -8 l-8 8" stroke="${colour}" stroke-width="2"/>`
        : `<path d="M${f(to)} ${f(at)} l${-7 * way} -4 v8 z" fill="${colour}"/>`;
      mark =
        `<circle cx="${f(from)}" cy="${f(at)}" r="3" fill="${colour}"/>` +
        `<line x1="${f(from)}" y1="${f(at)}" x2="${f(to - (step.failed ? 0 : 6 * way))}" y2="${f(at)}" stroke="${colour}" stroke-width="1.5"/>` +
        end;
    }
    const data = step.kind === 'note' ? ` data-over="${step.over}"` : ` data-from="${step.from}" data-to="${step.to}"`;
    body.push(`<g class="step" data-kind="${step.kind}" data-outcome="${htmlText(step.outcome)}"${data}>${text}${mark}</g>`);
    y = at + 9;
  }
  const height = Math.ceil(y + 4);
  const header = participants.map((participant, i) => {
    const centre = lane.get(participant.id)!;
    // A name wider than its lane stays inside the diagram's edges.
    const x = Math.min(Math.max(centre, names[i]! / 2), WIDTH - names[i]! / 2);
    const baseline = (1 + (i % rows)) * LINE - 2;
    return (
      `<text class="lane-name" x="${f(x)}" y="${f(baseline)}" text-anchor="middle">${htmlText(participant.name)}</text>` +
      `<line x1="${f(centre)}" y1="${f(top - 4)}" x2="${f(centre)}" y2="${height}" stroke="#ddd"/>`
    );
  });
  return [
    `<svg id="sequence" class="sequence" role="img" aria-label="sequence of the run's key events" viewBox="0 0 ${WIDTH} ${height}" width="100%">`,
    ...header,
    ...body,
    '</svg>',
  ].join('\n');
}
