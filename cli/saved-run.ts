// Saved runs: `racelab run --save FILE` keeps the run report (with every event)
// as JSON, and `racelab report FILE` reads it back. Any target's run can be saved:
// the report is built from the run-events table.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunReport } from '../scenario/run-report.ts';
import type { SavedRun } from './after-action.ts';
import { jsonWithKey, writableOutput } from './output-file.ts';
import { UsageError } from './usage-error.ts';

const isSavedRun = (text: string): boolean => jsonWithKey('kind')(text) && (JSON.parse(text) as { kind?: unknown }).kind === 'racelab-run';

/** Checks the path before the run; returns what writes the report there after it. */
export async function savingTo(file: string, force: boolean): Promise<(report: RunReport) => Promise<void>> {
  const path = await writableOutput({ option: '--save', path: resolve(file), kind: 'a run racelab saved', isOwn: isSavedRun, force });
  return async (report) => {
    const saved: SavedRun = { kind: 'racelab-run', version: 1, report };
    await writeFile(path, `${JSON.stringify(saved, null, 2)}\n`);
  };
}

export async function loadSavedRun(file: string): Promise<RunReport> {
  const path = resolve(file);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'it is a folder' : error.message}`);
  });
  if (!isSavedRun(text)) throw new UsageError(`${path} is not a run saved by \`racelab run --save\``);
  const saved = JSON.parse(text) as SavedRun;
  if (saved.version !== 1) throw new UsageError(`${path} was saved by another version of racelab (format ${String(saved.version)}); save the run again`);
  return saved.report;
}
