// The after-action page as a browser renders it: headless Chromium (the Debian
// package) loads the file with no network and the chart is in the rendered DOM;
// a cascade's page, measured at a phone's width and a laptop's, fits the one and
// the other with its labels readable. Where Chromium is not installed, the
// tests are skipped and say how to run them.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../report/after-action.ts';
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf } from '../../scenario/run-report.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';

const exec = promisify(execFile);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));
if (!CHROMIUM) console.warn('report-chromium: skipped, no Chromium here (apt-get install chromium to run it)');

describe.skipIf(!CHROMIUM)('the after-action page in headless Chromium', () => {
  it('renders offline, with the chart of the endpoints going empty', async () => {
    const scenario = await loadScenario('oct-2025');
    const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'chromium', safeguards: [] });
    const report = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'chromium' }, run.events);
    const dir = mkdtempSync(join(tmpdir(), 'racelab-report-'));
    const page = join(dir, 'report.html');
    writeFileSync(page, renderHtml(report));
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--user-data-dir=' + join(dir, 'profile')];
    const { stdout } = await exec(CHROMIUM!, [...flags, '--dump-dom', `file://${page}`], { timeout: HANG_GUARD_MS });
    expect(stdout).toContain('<svg id="addresses"');
    expect(stdout.match(/class="series"/g)).toHaveLength(report.endpoints.length);
    const screenshot = join(dir, 'report.png');
    await exec(CHROMIUM!, [...flags, `--screenshot=${screenshot}`, '--window-size=1000,1000', `file://${page}`], { timeout: HANG_GUARD_MS });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });

  it('lays a cascade out at 400 px and at 1280 px: nothing wider than the page, one time axis, labels readable and apart', async () => {
    const scenario = await loadScenario('cascade-drill');
    const lab = await startEmbeddedLab();
    const run = await runScenarioEmbedded(lab, scenario, { runId: 'chromium-cascade', safeguards: [] }).finally(() => lab.close());
    const report = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'chromium-cascade' }, run.events);
    const dir = mkdtempSync(join(tmpdir(), 'racelab-report-'));
    const harness = join(dir, 'harness.html');
    // Headless Chromium's window is at least 500 px wide: the page goes in frames of each width, and a script
    // of the harness's (the report has none) measures the layout in each and writes it into the harness.
    const frames = WIDTHS.map(
      (width) => `<iframe id="at${width}" width="${width}" height="900" style="border:0" srcdoc="${attributeText(renderHtml(report))}"></iframe>`,
    );
    writeFileSync(harness, `<!doctype html><html><body style="margin:0">${frames.join('')}<pre id="measured"></pre><script>${MEASURE}</script></body></html>`);
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--user-data-dir=' + join(dir, 'profile')];
    const { stdout } = await exec(CHROMIUM!, [...flags, '--window-size=1300,1000', '--dump-dom', `file://${harness}`], { timeout: HANG_GUARD_MS });
    const layouts = JSON.parse(/<pre id="measured">(.*?)<\/pre>/s.exec(stdout)![1]!.replaceAll('&amp;', '&')) as Layout[];
    expect(layouts.map((layout) => layout.viewport)).toEqual(WIDTHS);
    for (const { viewport: width, pageWidth, charts, smallestText } of layouts) {
      expect(pageWidth).toBeLessThanOrEqual(width);
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
        // Each chart fills the page's width, less its margins.
        expect(chart.width).toBeGreaterThan(width * 0.85);
        expect(chart.width).toBeLessThanOrEqual(width);
        expect(chart.at40).toBeCloseTo(dns!.at40, 0);
        expect(chart.overlaps).toEqual([]);
      }
      for (const chart of cascade) expect(chart.dnsBack).toBeCloseTo(cascade[0]!.dnsBack!, 0);
      // About 8 px type or larger: a text's box is some 1.2 times its font size.
      expect(smallestText).toBeGreaterThanOrEqual(10);
    }
  });
});

const WIDTHS = [400, 1280];

const attributeText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

interface Layout {
  viewport: number;
  pageWidth: number;
  smallestText: number;
  charts: { id: string; width: number; at40: number; dnsBack: number | null; overlaps: string[] }[];
}

/** The harness's script: in each frame, where each chart and its labels are, as Chromium laid them out. */
const MEASURE = `
addEventListener('load', () => {
  const box = (element) => element.getBoundingClientRect();
  const layouts = [...document.querySelectorAll('iframe')].map((frame) => {
    const [page, view] = [frame.contentDocument, frame.contentWindow];
    const shown = (svg) => [...svg.querySelectorAll('text')].filter((text) => view.getComputedStyle(text).display !== 'none');
    const apart = (a, b) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
    const charts = [...page.querySelectorAll('svg.chart')].map((svg) => {
      const labels = shown(svg).filter((text) => /tick-[xy]/.test(text.getAttribute('class')));
      const overlaps = [];
      labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => { if (!apart(box(a), box(b))) overlaps.push(a.textContent + ' / ' + b.textContent); }));
      const at40 = labels.find((text) => text.textContent === '+40s');
      const dnsBack = svg.querySelector('[data-marker="dns-back"] line');
      return { id: svg.id, width: box(svg).width, at40: box(at40).left + box(at40).width / 2, dnsBack: dnsBack ? box(dnsBack).left : null, overlaps };
    });
    const texts = [...page.querySelectorAll('svg.chart')].flatMap(shown);
    return {
      viewport: view.innerWidth,
      pageWidth: page.documentElement.scrollWidth,
      smallestText: Math.min(...texts.map((text) => box(text).height)),
      charts,
    };
  });
  document.getElementById('measured').textContent = JSON.stringify(layouts);
});
`;
