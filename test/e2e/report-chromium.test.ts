// The after-action page as a browser lays it out: headless Chromium (the
// Debian package) loads the page with no network, at a phone's width (400 px)
// and a laptop's (1280 px), and a script of the test's measures it there. The
// page is never wider than the window; every label of every chart and of the
// sequence is inside its drawing, readable, and clear of the others; the
// legend and the story's tags stay out of the plot. Where Chromium is not
// installed, the tests are skipped and say how to run them.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../report/after-action.ts';
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf, type RunReport } from '../../scenario/run-report.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';

const exec = promisify(execFile);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));
if (!CHROMIUM) console.warn('report-chromium: skipped, no Chromium here (apt-get install chromium to run it)');

const WIDTHS = [400, 1280];

describe.skipIf(!CHROMIUM)('the after-action page in headless Chromium', () => {
  it('lays the oct-2025 outage out at 400 px and at 1280 px: no overflow, the race marked, the legend and every label inside', async () => {
    const scenario = await loadScenario('oct-2025');
    const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'chromium', safeguards: [] });
    const report = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'chromium' }, run.events);
    const layouts = await layoutOf(report);
    for (const layout of layouts) {
      expectReadable(layout);
      const [dns] = layout.drawings;
      expect(dns).toMatchObject({ id: 'addresses', series: report.endpoints.length, legends: 1 });
      expect(dns!.tags).toEqual(['stale g2 over g6', 'live g2 deleted']);
      // The lock-loss retries are in the sequence, as arrows from az-a to Route 53.
      expect(layout.drawings.find((drawing) => drawing.id === 'sequence')!.retries).toBe(3);
    }
  });

  it('lays a cascade out at 400 px and at 1280 px: the same checks, and one time axis for the six charts', async () => {
    const scenario = await loadScenario('cascade-drill');
    const lab = await startEmbeddedLab();
    const run = await runScenarioEmbedded(lab, scenario, { runId: 'chromium-cascade', safeguards: [] }).finally(() => lab.close());
    const report = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'chromium-cascade' }, run.events);
    const layouts = await layoutOf(report);
    for (const layout of layouts) {
      expectReadable(layout);
      const charts = layout.drawings.filter((drawing) => drawing.id !== 'sequence');
      expect(charts.map((chart) => chart.id)).toEqual([
        'addresses',
        'cascade-leases',
        'cascade-goodput',
        'cascade-launches',
        'cascade-propagation',
        'cascade-nlb',
      ]);
      const [dns, ...cascade] = charts;
      for (const chart of charts) {
        // Each chart fills the page's width, less its margins, and a second is at the same x on each.
        expect(chart.width).toBeGreaterThan(layout.viewport * 0.85);
        expect(chart.at40).toBeCloseTo(dns!.at40!, 0);
      }
      for (const chart of cascade) expect(chart.dnsBack).toBeCloseTo(cascade[0]!.dnsBack!, 0);
    }
  });
});

/** What the page's measuring script reports for one width. */
interface Layout {
  viewport: number;
  /** How wide the page's content is: more than the viewport is a horizontal scroll. */
  pageWidth: number;
  drawings: Drawing[];
}

/** One SVG of the page, as laid out. */
interface Drawing {
  id: string;
  /** Its box, in CSS px. */
  width: number;
  right: number;
  /** Text shown: its smallest box's height (about 1.2 times the font size), those cut by an edge, those that overlap another. */
  texts: number;
  smallestText: number;
  cut: string[];
  overlaps: string[];
  /** A chart's legends, those cut by the drawing's edge, those over the plot; the story's tags over the plot. */
  legends: number;
  legendsOut: number;
  overPlot: string[];
  tags: string[];
  series: number;
  /** Where "+40s" and the DNS-back line are (charts), and how many retries the sequence shows. */
  at40: number | null;
  dnsBack: number | null;
  retries: number;
}

/** The page at each width, as Chromium lays it out. */
async function layoutOf(report: RunReport): Promise<Layout[]> {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-report-'));
  const harness = join(dir, 'harness.html');
  // Headless Chromium's window is at least 500 px wide: the page goes in frames of each width, and a script
  // of the harness's (the report has none) measures the layout in each and writes it into the harness.
  const frames = WIDTHS.map(
    (width) => `<iframe width="${width}" height="900" style="border:0;display:block" srcdoc="${attributeText(renderHtml(report))}"></iframe>`,
  );
  writeFileSync(harness, `<!doctype html><html><body style="margin:0">${frames.join('')}<pre id="measured"></pre><script>${MEASURE}</script></body></html>`);
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--user-data-dir=' + join(dir, 'profile')];
  const { stdout } = await exec(CHROMIUM!, [...flags, '--window-size=1300,1000', '--dump-dom', `file://${harness}`], { timeout: HANG_GUARD_MS });
  const measured = /<pre id="measured">(.*?)<\/pre>/s.exec(stdout);
  expect(measured, 'the harness wrote no measurements').not.toBeNull();
  const layouts = JSON.parse(measured![1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')) as Layout[];
  expect(layouts.map((layout) => layout.viewport)).toEqual(WIDTHS);
  return layouts;
}

/** What every page must be at every width: no wider than the window, each drawing inside it, each label readable and clear. */
function expectReadable({ viewport, pageWidth, drawings }: Layout): void {
  expect(pageWidth, `the page at ${viewport} px`).toBeLessThanOrEqual(viewport);
  expect(drawings.at(-1)!.id).toBe('sequence');
  for (const drawing of drawings) {
    const where = `${drawing.id} at ${viewport} px`;
    expect(drawing.right, where).toBeLessThanOrEqual(viewport);
    expect(drawing.texts, where).toBeGreaterThan(5);
    expect(drawing.cut, where).toEqual([]);
    expect(drawing.overlaps, where).toEqual([]);
    expect(drawing.overPlot, where).toEqual([]);
    expect(drawing.legendsOut, where).toBe(0);
    // About 8 px type or larger: a text's box is some 1.2 times its font size.
    expect(drawing.smallestText, where).toBeGreaterThanOrEqual(10);
  }
}

const attributeText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

/**
 * The harness's script: in each frame, the page's width, and for each SVG
 * where its shown text is against its own box, each other and the plot. Boxes
 * are the browser's (getBoundingClientRect), in CSS px, half a pixel allowed.
 */
const MEASURE = `
addEventListener('load', () => {
  const box = (element) => element.getBoundingClientRect();
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  const apart = (a, b) => a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
  const layouts = [...document.querySelectorAll('iframe')].map((frame) => {
    const [page, view] = [frame.contentDocument, frame.contentWindow];
    const shown = (root) => [...root.querySelectorAll('text')].filter((text) => view.getComputedStyle(text).display !== 'none' && text.textContent.trim());
    const drawings = [...page.querySelectorAll('svg')].map((svg) => {
      const frameBox = box(svg);
      const texts = shown(svg);
      const cut = texts.filter((text) => !inside(box(text), frameBox)).map((text) => text.textContent);
      const overlaps = [];
      texts.forEach((a, i) => texts.slice(i + 1).forEach((b) => { if (!apart(box(a), box(b))) overlaps.push(a.textContent + ' / ' + b.textContent); }));
      const plot = svg.querySelector('.plot');
      const legends = [...svg.querySelectorAll('.legend')];
      const outside = [...legends, ...svg.querySelectorAll('.marker-tag'), ...svg.querySelectorAll('.axis-title')];
      const overPlot = plot ? outside.filter((element) => !apart(box(element), box(plot))).map((element) => element.textContent.trim()) : [];
      const at40 = texts.find((text) => text.textContent === '+40s');
      const dnsBack = svg.querySelector('[data-marker="dns-back"] line');
      return {
        id: svg.id,
        width: frameBox.width,
        right: frameBox.right,
        texts: texts.length,
        smallestText: Math.min(...texts.map((text) => box(text).height)),
        cut,
        overlaps,
        legends: legends.length,
        legendsOut: legends.filter((legend) => !inside(box(legend), frameBox)).length,
        overPlot,
        tags: [...svg.querySelectorAll('.marker-tag')].map((tag) => tag.textContent),
        series: svg.querySelectorAll('.series').length,
        at40: at40 ? box(at40).left + box(at40).width / 2 : null,
        dnsBack: dnsBack ? box(dnsBack).left : null,
        retries: svg.querySelectorAll('.step[data-outcome="retry"]').length,
      };
    });
    return { viewport: view.innerWidth, pageWidth: page.documentElement.scrollWidth, drawings };
  });
  document.getElementById('measured').textContent = JSON.stringify(layouts);
});
`;
