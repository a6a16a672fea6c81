// The after-action report of a run with a cascade, read as its reader sees it:
// cascade-drill played on the embedded target (about 3 s), its page parsed
// with an HTML parser. Five charts on the DNS chart's time axis, the story's
// moments where their seconds are on that axis, the verdict in words; the
// phases as a Markdown table and as Mermaid notes, one per change.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CascadeLever } from '../../lambdas/core/cascade/settings.ts';
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { renderHtml, renderMarkdown, renderMermaid } from '../../report/after-action.ts';
import { loadSavedRun } from '../../report/saved-run.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf, type RunReport } from '../../scenario/run-report.ts';
import { byId, classes, elements, markerXs, pageElements, attribute, text, timeAxis, type Element } from '../support/report-page.ts';
import { asSaved, outageReport, savedFile } from '../support/saved-runs.ts';

const CHARTS = ['cascade-leases', 'cascade-goodput', 'cascade-launches', 'cascade-propagation', 'cascade-nlb'];

async function drill(levers: CascadeLever[]): Promise<RunReport> {
  const lab = await startEmbeddedLab();
  try {
    const scenario = await loadScenario('cascade-drill');
    const runId = `aar-drill-${levers.join('+') || 'none'}`;
    const run = await runScenarioEmbedded(lab, scenario, { runId, safeguards: [], levers });
    return reportOf({ scenario, safeguards: [], levers, seed: scenario.seed, latency: {} }, { target: 'local', runId }, run.events);
  } finally {
    await lab.close();
  }
}

let metastable: RunReport;
let admitted: RunReport;
let page: Element[];
beforeAll(async () => {
  metastable = await drill([]);
  admitted = await drill(['admission-control']);
  page = pageElements(renderHtml(metastable));
});

describe('the after-action report of a cascade', () => {
  it('has a cascade section after the DNS chart, with its five charts in order, each with axis titles and time labels', () => {
    const sections = page.filter((element) => element.tagName === 'section').map((element) => attribute(element, 'id'));
    expect(sections.indexOf('cascade')).toBe(sections.indexOf('chart') + 1);
    const section = byId(page, 'cascade')!;
    const charts = elements(section).filter((element) => element.tagName === 'svg');
    expect(charts.map((chart) => attribute(chart, 'id'))).toEqual(CHARTS);
    for (const chart of charts) {
      const titles = elements(chart).filter((element) => classes(element).includes('axis-title'));
      expect(titles.map(text)).toContain("seconds after the run's start");
      expect(titles.length).toBeGreaterThanOrEqual(2);
      expect(elements(chart).filter((element) => classes(element).includes('series')).length).toBeGreaterThan(0);
    }
    // Goodput and its backlog share a chart, each against its own axis.
    const goodput = charts[1]!;
    expect(elements(goodput).map((element) => attribute(element, 'data-series'))).toEqual(expect.arrayContaining(['goodput', 'backlog']));
    expect(
      elements(goodput)
        .filter((element) => classes(element).includes('axis-title'))
        .map(text),
    ).toEqual(expect.arrayContaining(['DWFM goodput (leases/s)', 'backlog (droplets owed a lease)']));
  });

  it('scales every chart to the page: a viewBox, width 100%, no fixed size in pixels', () => {
    const charts = page.filter((element) => element.tagName === 'svg' && classes(element).includes('chart'));
    expect(charts.map((chart) => attribute(chart, 'id'))).toEqual(['addresses', ...CHARTS]);
    for (const chart of charts) {
      expect(attribute(chart, 'viewBox')).toMatch(/^0 0 \d+ \d+$/);
      expect(attribute(chart, 'width')).toBe('100%');
      expect(attribute(chart, 'height')).toBeUndefined();
      expect(attribute(chart, 'style')).toBeUndefined();
    }
  });

  it('marks DNS back for DWFM, each operator step and the recovery where their seconds are on every chart, the DNS chart’s axis too', () => {
    const cascade = metastable.cascade!;
    expect(cascade.dnsBackAtSeconds).not.toBeNull();
    expect(cascade.recoveredAtSeconds).not.toBeNull();
    const operator = metastable.events.filter((event) => event.actor === 'operator');
    expect(operator.map((event) => event.outcome)).toEqual([
      'repaired',
      'throttled',
      'restarted',
      'failover-disabled',
      'throttles-relaxed',
      'failover-enabled',
    ]);
    // The DNS chart's time axis is the one every cascade chart reads.
    const dnsAxis = timeAxis(byId(page, 'addresses')!);
    for (const id of CHARTS) {
      const chart = byId(page, id)!;
      const axis = timeAxis(chart);
      expect(axis(30)).toBeCloseTo(dnsAxis(30), 1);
      expect(axis(70)).toBeCloseTo(dnsAxis(70), 1);
      expect(markerXs(chart, 'dns-back')).toHaveLength(1);
      expect(markerXs(chart, 'dns-back')[0]).toBeCloseTo(axis(cascade.dnsBackAtSeconds!), 0);
      expect(markerXs(chart, 'recovered')).toHaveLength(1);
      expect(markerXs(chart, 'recovered')[0]).toBeCloseTo(axis(cascade.recoveredAtSeconds!), 0);
      const steps = markerXs(chart, 'operator');
      expect(steps).toHaveLength(operator.length);
      steps.forEach((x, i) => expect(x).toBeCloseTo(axis(operator[i]!.atSeconds), 0));
    }
    // The list above the charts says what each numbered line is, in time order.
    const list = page.find((element) => element.tagName === 'ol' && classes(element).includes('markers'))!;
    const items = elements(list)
      .filter((element) => element.tagName === 'li')
      .map(text);
    expect(items).toHaveLength(operator.length + 2);
    expect(items.filter((item) => item.includes('the operator: ')).map((item) => item.split('the operator: ')[1])).toEqual(operator.map((e) => e.outcome));
    expect(items).toContain(`+${cascade.dnsBackAtSeconds}s DNS back for DWFM`);
    expect(items.at(-1)).toMatch(new RegExp(`^\\+${cascade.recoveredAtSeconds}s recovered`));
    const seconds = items.map((item) => Number(/^\+([\d.]+)s/.exec(item)![1]));
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
  });

  it('draws the collapse: no lease and a full backlog between DNS coming back and the operator’s restart', () => {
    const { series, dnsBackAtSeconds } = metastable.cascade!;
    const restart = metastable.events.find((event) => event.outcome === 'restarted')!.atSeconds;
    const during = series.atSeconds.flatMap((at, i) => (at >= dnsBackAtSeconds! && at < restart ? [i] : []));
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((i) => series.validLeases[i] === 0 && series.goodput[i] === 0)).toBe(true);
    // The leases line sits on the chart's 0 there: its path's height at those ticks is the 0 grid line's.
    const chart = byId(page, 'cascade-leases')!;
    const zero = Number(
      attribute(
        elements(chart).find((element) => element.tagName === 'text' && text(element) === '0')!,
        'y',
      ),
    );
    const path = attribute(
      elements(chart).find((element) => attribute(element, 'data-series') === 'validLeases')!,
      'd',
    )!;
    const heights = [...path.matchAll(/V(-?[\d.]+)/g)].map((match) => Number(match[1]));
    expect(heights).toContain(zero);
    expect(Math.max(...heights)).toBe(zero);
  });

  it('says the verdict and the levers in words: METASTABLE with none, not with admission control; the operator’s repair', () => {
    const verdict = text(elements(byId(page, 'cascade')!).find((element) => classes(element).includes('verdict'))!);
    expect(verdict).toMatch(/^Cascade \(levers: none\): DNS back for DWFM at \+\d+s; METASTABLE \(goodput 0 % of capacity after it\)/);
    expect(verdict).toContain(`every subsystem healthy from +${metastable.cascade!.recoveredAtSeconds}s`);
    // The operator repaired the DNS as a step: the page says so, as the terminal's verdict does.
    expect(text(byId(page, 'verdict')!)).toContain('went empty at +17.2s, repaired by the operator.');
    const other = pageElements(renderHtml(admitted));
    const words = text(elements(byId(other, 'cascade')!).find((element) => classes(element).includes('verdict'))!);
    expect(words).toMatch(/^Cascade \(levers: admission-control\): DNS back for DWFM at \+\d+s; not metastable \(goodput (\d+) % of capacity after it\)/);
    expect(Number(/goodput (\d+) %/.exec(words)![1])).toBeGreaterThanOrEqual(20);
  });

  it('gives the phases as a Markdown table, and as Mermaid notes on the cascade lanes, one per change, not one per tick', () => {
    const { phases } = metastable.cascade!;
    const markdown = renderMarkdown(metastable);
    const section = markdown.slice(markdown.indexOf('\n## Cascade\n'), markdown.indexOf('\n## Sequence\n'));
    expect(section).toContain('Cascade (levers: none): DNS back for DWFM at +');
    expect(section).toContain('METASTABLE');
    const rows = section.split('\n').filter((line) => /^\| \+/.test(line));
    expect(rows).toEqual(phases.map((change) => `| +${change.atSeconds}s | ${change.subsystem} | ${change.phase} |`));
    expect(rows).toContain(`| +${metastable.cascade!.dnsBackAtSeconds}s | dwfm | collapsed |`);

    const mermaid = renderMermaid(metastable);
    const ticks = metastable.events.filter((event) => event.step === 'tick');
    const notes = mermaid.split('\n').filter((line) => /^ {2}Note over (dwfm|launcher|network|nlb):/.test(line));
    expect(ticks.length).toBeGreaterThan(4 * phases.length);
    expect(notes).toHaveLength(phases.length);
    expect(notes.map((line) => /: \+[\d.]+s ([\w-]+)/.exec(line)![1])).toEqual(phases.map((change) => change.phase));
    expect(mermaid).toMatch(/Note over dwfm: \+\d+\.\ds collapsed: 0 valid leases, 200 owed\n/);
  });

  it('an oct-2025 report, which has no cascade, has no cascade section, chart or Markdown heading', async () => {
    const report = await outageReport();
    expect(report.cascade).toBeNull();
    const html = pageElements(renderHtml(report));
    expect(byId(html, 'cascade')).toBeUndefined();
    expect(html.filter((element) => element.tagName === 'svg' && classes(element).includes('chart')).map((svg) => attribute(svg, 'id'))).toEqual(['addresses']);
    expect(renderMarkdown(report)).not.toContain('## Cascade');
  });

  it('draws a hand-edited cascade (ragged, out of order, huge figures) inside its frame; refuses seconds and figures no run has', async () => {
    const edited = structuredClone(metastable);
    const series = edited.cascade!.series;
    series.goodput = [1e9];
    series.nlbCapacity = series.nlbCapacity.slice(0, 3);
    series.atSeconds = [...series.atSeconds].reverse();
    edited.cascade!.recoveredAtSeconds = 86_400;
    const html = renderHtml(await loadSavedRun(savedFile(asSaved(edited))));
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
    const charts = pageElements(html).filter((element) => element.tagName === 'svg' && classes(element).includes('chart'));
    expect(charts).toHaveLength(6);
    for (const chart of charts) {
      const [, , width, height] = attribute(chart, 'viewBox')!.split(' ').map(Number);
      // A marker's stem rises from the plot's top edge in em (the tag's row), inside the chart's top margin: the Chromium test measures it.
      for (const line of elements(chart).filter((element) => element.tagName === 'line' && !classes(element).includes('stem'))) {
        for (const name of ['x1', 'x2']) expect(Number(attribute(line, name))).toBeLessThanOrEqual(width!);
        for (const name of ['y1', 'y2']) expect(Number(attribute(line, name))).toBeLessThanOrEqual(height!);
      }
    }
    const refusal = (change: (cascade: NonNullable<RunReport['cascade']>) => void) => {
      const bad = structuredClone(metastable);
      change(bad.cascade!);
      return loadSavedRun(savedFile(asSaved(bad))).then(
        () => 'loaded',
        (error: Error) => error.message,
      );
    };
    expect(await refusal((cascade) => (cascade.series.atSeconds[3] = 1e308))).toContain(
      "  report.cascade.series.atSeconds.3: must be at most 86400 (seconds after the run's first event: a day; a run lasts minutes)",
    );
    expect(await refusal((cascade) => (cascade.series.backlog[0] = -5))).toContain('  report.cascade.series.backlog.0: ');
  });
});
