// The after-action report of a saved run: a self-contained HTML page whose
// structure an HTML parser checks (no script, no external resource; the chart,
// sequence, verdict, story and timeline sections), and the same as Markdown and
// Mermaid, for a baseline outage and for a safeguard's healthy run. The layout
// is checked here at the page's largest chart text, by the page's own
// arithmetic (viewBox units, em from the plot's edges, estimated text widths);
// report-chromium.test.ts measures it as a browser lays it out.
import { beforeAll, describe, expect, it } from 'vitest';
import { addressSeries, renderHtml, renderMarkdown, renderMermaid } from '../../report/after-action.ts';
import { raceMoments } from '../../report/race-moments.ts';
import { SEQUENCE_FONT } from '../../report/sequence-svg.ts';
import { textWidth } from '../../report/svg-text.ts';
import { CHART_FONT } from '../../report/time-chart.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf, type RunReport } from '../../scenario/run-report.ts';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';
import { attribute, byId, classes, elements, markerXs, pageElements, text, timeAxis, type Element } from '../support/report-page.ts';

async function reportFor(safeguards: Safeguard[]): Promise<RunReport> {
  const scenario = await loadScenario('oct-2025');
  const lab = new MemoryLab();
  const run = await runScenarioEmbedded(lab, scenario, { runId: `aar-${safeguards.join('+') || 'baseline'}`, safeguards });
  return reportOf({ scenario, safeguards, seed: scenario.seed, latency: {} }, { target: 'local', runId: 'aar' }, run.events);
}

let outage: RunReport;
let healthy: RunReport;
let page: Element[];
beforeAll(async () => {
  outage = await reportFor([]);
  healthy = await reportFor(['write-time-check']);
  page = pageElements(renderHtml(outage));
});

/** An em offset ("-2.05em") in viewBox units at the chart's largest text. */
const ems = (value: string | undefined) => (value ? Number(value.replace(/em$/, '')) * CHART_FONT.narrow : 0);
const numbers = (value: string | undefined) => (value ?? '').split(' ').map(Number);

describe('the after-action report', () => {
  it('is one self-contained page: no script, nothing fetched, every section there', () => {
    expect(page.filter((element) => element.tagName === 'script')).toEqual([]);
    const external = page.filter((element) => ['src', 'href'].some((name) => /^(https?:)?\/\//.test(attribute(element, name) ?? '')));
    expect(external).toEqual([]);
    const ids = page.map((element) => attribute(element, 'id')).filter(Boolean);
    expect(ids).toEqual(expect.arrayContaining(['verdict', 'story', 'chart', 'addresses', 'sequence-diagram', 'sequence', 'timeline']));
    const rows = page.filter((element) => element.tagName === 'tr');
    expect(rows).toHaveLength(outage.events.length + 1);
  });

  it('charts the endpoints going empty in the outage, and answering throughout with write-time-check', () => {
    for (const line of addressSeries(outage)) {
      expect(line.points.at(-1)?.count).toBe(0);
      expect(line.points.some((point) => point.count > 0)).toBe(true);
    }
    for (const line of addressSeries(healthy)) expect(line.points.at(-1)?.count).toBeGreaterThan(0);
    const series = page.filter((element) => attribute(element, 'class') === 'series');
    expect(series.map((element) => attribute(element, 'data-endpoint'))).toEqual(outage.endpoints.map((endpoint) => endpoint.endpoint));
  });

  it('says the verdict and the story in words', () => {
    const verdict = byId(page, 'verdict')!;
    expect(text(verdict)).toContain('Outcome: OUTAGE, expected outage (as expected).');
    expect(text(verdict)).toContain('Automation stuck: active tree g2 is gone from DNS');
    const story = byId(page, 'story')!;
    expect(text(story)).toContain("✓ +10.8s az-a's stale plan g2 lands over the newer g6");
    expect(text(byId(pageElements(renderHtml(healthy)), 'verdict')!)).toContain('Outcome: HEALTHY, expected healthy (as expected).');
  });

  it('marks the stale write and the deletion on the address chart, where their seconds are, tagged above the plot', () => {
    // The story's lines 2 and 3, found in the events: az-a's g2 over g6, and az-b's clean-up deleting g2 while the endpoints point at it.
    expect(raceMoments(outage).map(({ atSeconds, kind, label }) => ({ atSeconds, kind, label }))).toEqual([
      { atSeconds: 10.8, kind: 'stale-write', label: 'stale g2 over g6' },
      { atSeconds: 16.8, kind: 'deletion', label: 'live g2 deleted' },
    ]);
    const chart = byId(page, 'addresses')!;
    const axis = timeAxis(chart);
    const plot = elements(chart).find((element) => classes(element).includes('plot'))!;
    expect(markerXs(chart, 'stale-write')).toEqual([expect.closeTo(axis(10.8), 0)]);
    expect(markerXs(chart, 'deletion')).toEqual([expect.closeTo(axis(16.8), 0)]);
    const tags = elements(chart).filter((element) => classes(element).includes('marker-tag'));
    expect(tags.map(text)).toEqual(['stale g2 over g6', 'live g2 deleted']);
    // Each tag sits in a row above the plot (its group starts at the plot's top edge), beside its line's stem.
    for (const tag of tags) expect(ems(attribute(tag, 'y'))).toBeLessThan(0);
    expect(elements(chart).filter((element) => attribute(element, 'transform') === `translate(0 ${attribute(plot, 'y')})`)).toHaveLength(2);
    // With write-time-check the stale write is refused and the deleted g2 is no endpoint's: nothing to mark.
    expect(raceMoments(healthy)).toEqual([]);
  });

  it('labels every level of both axes, and keeps titles, tags and legend outside the plot and inside the chart', () => {
    const chart = byId(page, 'addresses')!;
    const [, , width, height] = numbers(attribute(chart, 'viewBox'));
    const all = elements(chart);
    const plot = all.find((element) => classes(element).includes('plot'))!;
    const [top, bottom] = [Number(attribute(plot, 'y')), Number(attribute(plot, 'y')) + Number(attribute(plot, 'height'))];
    expect(all.filter((element) => classes(element).includes('tick-y')).map(text)).toEqual(['0', '1', '2', '3', '4']);
    expect(all.filter((element) => classes(element).includes('tick-x')).map(text)).toEqual(['+0s', '+5s', '+10s', '+15s', '+20s']);
    expect(all.filter((element) => classes(element).includes('minor'))).toEqual([]);
    expect(all.filter((element) => classes(element).includes('axis-title')).map(text)).toEqual(['addresses in the answer', "seconds after the run's start"]);
    // Where each text is at the largest size: its baseline (y and dy, and the group's move) and its extent, by the estimate the layout uses.
    const size = CHART_FONT.narrow;
    const box = (element: Element, group = 0) => {
      const baseline =
        group + Number(attribute(element, 'y')?.replace(/em$/, '') ?? 0) * (attribute(element, 'y')?.endsWith('em') ? size : 1) + ems(attribute(element, 'dy'));
      const x = Number(attribute(element, 'x')) + ems(attribute(element, 'dx'));
      const wide = textWidth(
        text(element),
        size,
        ['axis-title', 'marker-tag'].some((name) => classes(element).includes(name)),
      );
      const anchor = attribute(element, 'text-anchor');
      const left = anchor === 'end' ? x - wide : anchor === 'middle' ? x - wide / 2 : x;
      return { left, right: left + wide, top: baseline - 0.8 * size, bottom: baseline + 0.25 * size };
    };
    const legend = elements(all.find((element) => classes(element).includes('legend'))!).filter((element) => element.tagName === 'text');
    expect(legend.filter((entry) => !attribute(entry, 'aria-hidden')).map(text)).toEqual(outage.endpoints.map((endpoint) => endpoint.endpoint));
    for (const entry of legend) {
      const b = box(entry);
      expect(b.top).toBeGreaterThan(bottom + 2.5 * size);
      expect(b.bottom).toBeLessThanOrEqual(height!);
      expect(b.right).toBeLessThanOrEqual(width!);
    }
    const tags = all.filter((element) => classes(element).includes('marker-tag'));
    const titles = all.filter((element) => classes(element).includes('axis-title')).slice(0, 1);
    for (const label of [...tags.map((tag) => box(tag, top)), ...titles.map((title) => box(title))]) {
      expect(label.bottom).toBeLessThanOrEqual(top);
      expect(label.top).toBeGreaterThanOrEqual(0);
      expect(label.left).toBeGreaterThanOrEqual(0);
      expect(label.right).toBeLessThanOrEqual(width!);
    }
  });

  it('wraps a legend entry too long for a row (a hand-edited endpoint name) inside the chart', () => {
    const long = 'a-very-long-endpoint-name.'.repeat(8);
    const edited = structuredClone(outage);
    edited.endpoints[0]!.endpoint = long;
    for (const probe of edited.events.filter((event) => event.addresses)) probe.addresses = { [long]: [], ...probe.addresses };
    const chart = byId(pageElements(renderHtml(edited)), 'addresses')!;
    const [, , width] = numbers(attribute(chart, 'viewBox'));
    const legend = elements(elements(chart).find((element) => classes(element).includes('legend'))!);
    const name = legend.find((element) => element.tagName === 'text' && text(element) === long)!;
    const lines = elements(name).filter((element) => element.tagName === 'tspan');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      const dx = ems(attribute(line, 'dx') ?? attribute(name, 'dx'));
      expect(dx + textWidth(text(line), CHART_FONT.narrow)).toBeLessThanOrEqual(width!);
    }
  });

  it('draws the sequence with the lock-loss retries, as messages between actors and notes, its labels wrapped inside it', () => {
    const sequence = byId(page, 'sequence')!;
    expect(attribute(sequence, 'width')).toBe('100%');
    expect(attribute(sequence, 'height')).toBeUndefined();
    const [, , width] = numbers(attribute(sequence, 'viewBox'));
    const steps = elements(sequence).filter((element) => classes(element).includes('step'));
    const step = (element: Element) => ({
      kind: attribute(element, 'data-kind'),
      from: attribute(element, 'data-from') ?? attribute(element, 'data-over'),
      to: attribute(element, 'data-to'),
      says: elements(element)
        .filter((child) => child.tagName === 'text')
        .map(text)
        .join(' '),
    });
    const retries = steps.filter((element) => attribute(element, 'data-outcome') === 'retry').map(step);
    expect(retries).toEqual(
      [1, 2, 3].map((attempt) => ({
        kind: 'message',
        from: 'azA',
        to: 'route53',
        says: expect.stringContaining(`apply retry g2 dynamodb.us-east-1: attempt ${attempt}: lost the lock`),
      })),
    );
    expect(retries[0]!.says).toMatch(/^\+5\.3s /);
    const all = steps.map(step);
    expect(all).toContainEqual({ kind: 'message', from: 'planner', to: 'dynamodb', says: '+6.5s plan written g3' });
    expect(all).toContainEqual({ kind: 'message', from: 'azB', to: 'route53', says: '+16.8s cleanup deleted g2' });
    expect(all).toContainEqual({ kind: 'message', from: 'azB', to: 'dynamodb', says: '+17.1s cleanup deleted g3: row only (no tree was left)' });
    expect(all).toContainEqual({ kind: 'note', from: 'azB', to: undefined, says: '+17.4s cleanup cleaned g6: deleted g1, g2, g3, g4' });
    const names = elements(sequence).filter((element) => classes(element).includes('lane-name'));
    expect(names.map(text)).toEqual(['racelab', 'planner', 'DynamoDB', 'az-a', 'az-b', 'az-c', 'Route 53', 'probe']);
    // The last step's label is the longest: it wraps, and no line runs past the diagram's right edge.
    const lines = elements(sequence).filter((element) => element.tagName === 'tspan');
    for (const line of lines) expect(Number(attribute(line, 'x')) + textWidth(text(line).trimEnd(), SEQUENCE_FONT)).toBeLessThanOrEqual(width!);
    expect(elements(steps.at(-1)!).filter((element) => element.tagName === 'tspan').length).toBeGreaterThan(1);
  });

  it('renders the same run to the same bytes', () => {
    expect(renderHtml(structuredClone(outage))).toBe(renderHtml(outage));
    expect(renderMermaid(structuredClone(outage))).toBe(renderMermaid(outage));
  });

  it('gives the same as Markdown and as a Mermaid sequence diagram, with messages between the actors', () => {
    const markdown = renderMarkdown(outage);
    expect(markdown).toMatch(/^<!-- racelab after-action report v1 -->\n# After-action report: oct-2025 with no safeguard/);
    expect(markdown).toContain('```mermaid\nsequenceDiagram');
    expect(markdown.split('\n').filter((line) => line.startsWith('| +'))).toHaveLength(outage.events.length);
    const mermaid = renderMermaid(outage);
    const lines = mermaid.split('\n');
    expect(lines.slice(0, 11)).toEqual([
      '%% racelab sequence diagram v1',
      'sequenceDiagram',
      '  participant racelab',
      '  participant planner',
      '  participant dynamodb as DynamoDB',
      '  participant azA as az-a',
      '  participant azB as az-b',
      '  participant azC as az-c',
      '  participant route53 as Route 53',
      '  participant probe',
      '  Note over racelab: +0.0s start scheduled: oct-2025, virtual time, latency seed 2025',
    ]);
    expect(lines).toContain('  azA-xroute53: +5.3s apply retry g2 dynamodb.us-east-1: attempt 1: lost the lock (it changed since it was read)');
    expect(lines).toContain('  azA->>route53: +10.8s apply applied g2 dynamodb.us-east-1: over g6');
    expect(lines).toContain('  azB->>route53: +16.8s cleanup deleted g2');
    expect(lines).toContain('  azC-xroute53: +21.8s apply stuck g7 dynamodb.us-east-1: active tree g2 is gone from DNS: cannot write the rollback record');
    // One statement per step of the page's diagram.
    const statements = lines.filter((line) => /^ {2}(Note over |\w+(->>|-x)\w+: )/.test(line));
    expect(statements).toHaveLength(elements(byId(page, 'sequence')!).filter((element) => classes(element).includes('step')).length);
    expect(statements.filter((line) => line.includes('->>') || line.includes('-x')).length).toBeGreaterThan(statements.length / 2);
  });
});
