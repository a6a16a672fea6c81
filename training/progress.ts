// A trainee's progress, kept in a file in the working tree (.racelab-training.json)
// so a session survives restarts: which exercises were started and passed, and
// how many hints and attempts each one took.
//
// Two exercise commands may run at once (a verify in one terminal, a hint in
// another), so every change is a read-modify-write under a lock
// (proper-lockfile: a lock folder beside the file, taken over when stale), from
// the file as it is then, never from a copy read before a long verify. The file
// is replaced atomically (a temporary file, then a rename, keeping the file's
// mode: replaceAtomically, as for every file racelab writes), so an interrupted
// write loses nothing.
import type { Stats } from 'node:fs';
import { lstat, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import * as z from 'zod';
import { keptOf, replaceAtomically } from '../report/output-file.ts';
import { UsageError } from '../scenario/usage-error.ts';

export const PROGRESS_FILE = '.racelab-training.json';

const ExerciseProgressSchema = z.object({
  startedAt: z.string().optional(),
  hints: z.number().int().min(0),
  attempts: z.number().int().min(0),
  passedAt: z.string().optional(),
  /** The commit the exercise was started from (exercises that judge a change to the code). */
  base: z.string().optional(),
  /** What the last verify judged, for `exercise submit`: the answers given, the change (a patch against the start), the live lab. */
  answers: z.record(z.string(), z.string()).optional(),
  patch: z.string().optional(),
  snapshot: z.unknown().optional(),
  /** Each verify: when, whether it passed, and the first check that failed. */
  history: z.array(z.object({ at: z.string(), passed: z.boolean(), failed: z.string().optional() })).optional(),
});

const ProgressSchema = z.object({ version: z.literal(1), exercises: z.record(z.string(), ExerciseProgressSchema) });

export type ExerciseProgress = z.infer<typeof ExerciseProgressSchema>;
export type Progress = z.infer<typeof ProgressSchema>;

const empty = (): Progress => ({ version: 1, exercises: {} });

/** A progress file this large is not one racelab wrote (six exercises take a few hundred bytes). */
const MAX_BYTES = 1_000_000;

export function progressPath(cwd = process.cwd()): string {
  return resolve(cwd, PROGRESS_FILE);
}

const moveAway = (path: string) => `move it away (racelab keeps your training progress in ${path}), or run \`racelab exercise reset --yes\` to start again`;

/** The progress as the file holds it now; a UsageError naming the trouble and the fix for anything but a progress file racelab wrote. */
export async function loadProgress(path = progressPath()): Promise<Progress> {
  return (await readProgress(path)).progress;
}

/** The progress, and the file's lstat (none when there is no file yet). */
async function readProgress(path: string): Promise<{ progress: Progress; stats?: Stats }> {
  const stats = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${path} (${error.code ?? error.message}); ${moveAway(path)}`);
  });
  if (!stats) return { progress: empty() };
  if (stats.isSymbolicLink()) throw new UsageError(`${path} is a symbolic link; racelab reads and writes its progress file only in place: ${moveAway(path)}`);
  if (!stats.isFile())
    throw new UsageError(`${path} is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}, not a training progress file; ${moveAway(path)}`);
  if (stats.size > MAX_BYTES) throw new UsageError(`${path} is ${stats.size.toLocaleString('en')} bytes, not a training progress file; ${moveAway(path)}`);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path} (${error.code ?? error.message}); make it readable (chmod u+r), or ${moveAway(path)}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON, so not a racelab training progress file; ${moveAway(path)}`);
  }
  const progress = ProgressSchema.safeParse(parsed);
  if (!progress.success) {
    const first = progress.error.issues[0]!;
    const where = first.path.length ? first.path.join('.') : 'the top level';
    throw new UsageError(`${path} is not a racelab training progress file (${where}: ${first.message}); ${moveAway(path)}`);
  }
  return { progress: progress.data, stats };
}

/**
 * Changes the progress file under its lock: reads it as it is now, applies `change`, writes it back.
 * Returns what `change` returned. Refuses, before changing anything, a file that cannot be replaced.
 */
export async function updateProgress<T>(change: (progress: Progress) => T, path = progressPath()): Promise<T> {
  return underLock(path, async () => {
    const { progress, stats } = await readWritableProgress(path);
    const result = change(progress);
    await replaceAtomically(path, `${JSON.stringify(progress, null, 2)}\n`, stats && keptOf(stats)).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot write ${path} (${error.code ?? error.message}); run racelab in a folder you can write`);
    });
    return result;
  });
}

/** Deletes the progress file, whatever it holds (reset is how every message above says to start again); a folder is left alone. */
export async function resetProgress(path = progressPath()): Promise<void> {
  await underLock(path, async () => {
    const stats = await lstat(path).catch(() => undefined);
    if (stats?.isDirectory()) throw new UsageError(`${path} is a folder; racelab deletes only a progress file there: move the folder away`);
    await rm(path, { force: true });
  });
}

async function underLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const release = await lock(path, { realpath: false, stale: 10_000, retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 50 } }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOCKED') throw new UsageError(`another racelab exercise command has held ${path} for a while; wait for it, then try again`);
      throw new UsageError(`cannot lock ${path} (${error.code ?? error.message}): racelab creates ${path}.lock beside it; run it in a folder you can write`);
    },
  );
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}

/** The progress, refusing at once a file that could not record the outcome: for work (a verify) that ends by recording one. */
export async function loadWritableProgress(path = progressPath()): Promise<Progress> {
  return (await readWritableProgress(path)).progress;
}

/** A file the user made read-only is theirs to decide about: replacing it (which the folder would allow) would undo that. */
async function readWritableProgress(path: string): Promise<{ progress: Progress; stats?: Stats }> {
  const read = await readProgress(path);
  if (read.stats && (read.stats.mode & 0o200) === 0) {
    throw new UsageError(`${path} is read-only, so racelab cannot record your progress; make it writable (chmod u+w ${path}), or ${moveAway(path)}`);
  }
  return read;
}

export function entry(progress: Progress, id: string): ExerciseProgress {
  progress.exercises[id] ??= { hints: 0, attempts: 0 };
  return progress.exercises[id]!;
}
