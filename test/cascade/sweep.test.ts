// The sweep: the cascade over fleet size × attempt timeout, on the DNS and the
// operator's switches a real run left; first as a function, then as a user runs it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepCascade } from '../../lambdas/core/cascade/sweep.ts';
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { cascadeConditions } from '../../scenario/cascade-replay.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf } from '../../scenario/run-report.ts';
import { racelab } from '../support/racelab-cli.ts';

describe('sweepCascade on the conditions of a cascade-drill run', () => {
  it('reads the DNS and the switches from the run, and finds the collapse where the fleet outgrows capacity × timeout', async () => {
    const lab = await startEmbeddedLab();
    const scenario = await loadScenario('cascade-drill');
    const run = await runScenarioEmbedded(lab, scenario, { runId: 'sweep', safeguards: [] }).finally(() => lab.close());
    const report = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'sweep' }, run.events);
    const conditions = cascadeConditions(report.events);
    const settings = scenario.cascade!;
    // The run's own DNS: DWFM lost it after the race, and got it back after the operator's repair.
    expect(conditions.reachable(8)).toBe(true);
    expect(conditions.reachable(24)).toBe(false);
    expect(conditions.reachable(report.cascade!.dnsBackAtSeconds!)).toBe(true);
    // The switches as the operator set them: throttled and restarted from +42 s, throttles relaxed at +64 s.
    expect(conditions.controls(40)).toEqual({ throttled: false, failoverDisabled: false, restarts: 0 });
    expect(conditions.controls(44)).toMatchObject({ throttled: true, restarts: 1 });
    expect(conditions.controls(68)).toMatchObject({ throttled: false, failoverDisabled: true, restarts: 1 });

    const script = { settings, ...conditions, levers: [] as const, seed: scenario.seed };
    const capacity = settings.dwfm.leasesPerSecond * settings.dwfm.attemptTimeoutSeconds; // what DWFM finishes within one timeout
    const cells = sweepCascade(script, { droplets: [capacity / 2, settings.droplets], attemptTimeoutSeconds: [settings.dwfm.attemptTimeoutSeconds] });
    expect(cells.map((cell) => [cell.droplets, cell.metastable])).toEqual([
      [capacity / 2, false],
      [settings.droplets, true],
    ]);
    // The same cell as the run itself: the same verdict as the run.
    expect(cells[1]!.metastable).toBe(report.cascade!.metastable);
    expect(cells[1]!.recoveredAtSeconds).toBe(report.cascade!.recoveredAtSeconds);
    // With admission control no fleet collapses while queueMax attempts finish within the timeout; with a shorter one they cannot.
    const admitted = sweepCascade(
      { ...script, levers: ['admission-control'] },
      { droplets: [settings.droplets, 4 * settings.droplets], attemptTimeoutSeconds: [2, 5, 10] },
    );
    const fits = (cell: { attemptTimeoutSeconds: number }) => settings.dwfm.queueMax / settings.dwfm.leasesPerSecond < cell.attemptTimeoutSeconds;
    expect(admitted.map((cell) => [cell.droplets, cell.attemptTimeoutSeconds, cell.metastable])).toEqual(
      admitted.map((cell) => [cell.droplets, cell.attemptTimeoutSeconds, !fits(cell)]),
    );
    expect(admitted.filter(fits).every((cell) => cell.leasesBackAfterSeconds !== null)).toBe(true);
  });
});

describe('racelab sweep', () => {
  it('prints the grid as JSON, collapse beyond capacity × timeout, and refuses a scenario without a cascade or a bad list (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racelab-sweep-'));
    try {
      const page = join(dir, 'sweep.html');
      const swept = await racelab(['sweep', 'cascade-drill', '--droplets', '50,200', '--timeout', '5', '--json', '--html', page]);
      expect(swept.code).toBe(0);
      const { cells } = JSON.parse(swept.stdout) as { cells: { droplets: number; metastable: boolean }[] };
      expect(cells.map((cell) => [cell.droplets, cell.metastable])).toEqual([
        [50, false],
        [200, true],
      ]);
      // The page: the heat map, one cell each, coloured by what happened.
      const html = readFileSync(page, 'utf8');
      expect(html).toMatch(/^<!doctype html>[\s\S]*<meta name="generator" content="racelab sweep v1">/);
      expect([...html.matchAll(/<rect class="(\w+)"/g)].map((match) => match[1])).toEqual(['ok', 'collapse']);
      // A file that is not racelab's is not replaced without --force, before any work.
      const mine = join(dir, 'notes.html');
      writeFileSync(mine, 'my notes');
      expect(await racelab(['sweep', 'cascade-drill', '--html', mine])).toMatchObject({ code: 2 });
      expect(readFileSync(mine, 'utf8')).toBe('my notes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await racelab(['sweep', 'oct-2025'])).toMatchObject({ code: 2, stderr: expect.stringContaining('oct-2025 has no cascade to sweep') });
    expect(await racelab(['sweep', '--droplets', '10,x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--droplets: "x" is not a whole number') });
  });
});
