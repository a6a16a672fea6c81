// The after-action page as a browser renders it: headless Chromium (the Debian
// package) loads the file with no network and the chart is in the rendered DOM.
// Where Chromium is not installed, the test is skipped and says how to run it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../report/after-action.ts';
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
});
