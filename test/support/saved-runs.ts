// Saved runs for the tests of `racelab report` and `run --save`: the real
// oct-2025 outage run on the in-memory lab, saved as `run --save` saves it,
// and the same run stretched to many events (a page of megabytes).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLab } from '../../local/memory-lab.ts';
import { runScenarioEmbedded } from '../../local/run-embedded.ts';
import { loadScenario } from '../../scenario/files.ts';
import { reportOf, type RunReport } from '../../scenario/run-report.ts';

/** What `run --save` writes around a report. */
export const asSaved = (report: RunReport) => ({ kind: 'racelab-run', version: 1, report });

let outage: Promise<RunReport> | undefined;

/** The oct-2025 outage with no safeguard: 55 events over 22 s. */
export function outageReport(): Promise<RunReport> {
  outage ??= (async () => {
    const scenario = await loadScenario('oct-2025');
    const run = await runScenarioEmbedded(new MemoryLab(), scenario, { runId: 'saved-run-fixture', safeguards: [] });
    return reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId: 'saved-run-fixture' }, run.events);
  })();
  return outage;
}

/** The outage followed by `probes` more probes, one a second: a saved run whose HTML page is about 200 bytes a probe. */
export function stretched(report: RunReport, probes: number): RunReport {
  const last = report.events.at(-1)!;
  const probe = report.events.filter((event) => event.addresses).at(-1)!;
  const more = Array.from({ length: probes }, (_, i) => ({ ...probe, at: last.at + (i + 1) * 1000, atSeconds: Math.round(last.atSeconds + i + 1) }));
  return { ...report, events: [...report.events, ...more] };
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'racelab-files-'));

/** Writes a value as JSON in a new folder; returns the file's path. */
export function savedFile(value: unknown, dir = tempDir(), name = 'run.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
  return path;
}
