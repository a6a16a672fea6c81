// A trainee's progress, kept in a file in the working tree (.racelab-training.json)
// so a session survives restarts: which exercises were started and passed, and
// how many hints each one took.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../usage-error.ts';

export const PROGRESS_FILE = '.racelab-training.json';

export interface ExerciseProgress {
  startedAt?: string;
  hints: number;
  attempts: number;
  passedAt?: string;
  /** The commit the exercise was started from (exercises that judge a change to the code). */
  base?: string;
}

export interface Progress {
  version: 1;
  exercises: Record<string, ExerciseProgress>;
}

const empty = (): Progress => ({ version: 1, exercises: {} });

export function progressPath(cwd = process.cwd()): string {
  return resolve(cwd, PROGRESS_FILE);
}

export async function loadProgress(path = progressPath()): Promise<Progress> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty();
    throw error;
  }
  try {
    const progress = JSON.parse(text) as Progress;
    if (progress.version !== 1 || typeof progress.exercises !== 'object') throw new Error('unknown format');
    return progress;
  } catch {
    throw new UsageError(`${path} is not a racelab training progress file; move it away, or run \`racelab exercise reset\` to start again`);
  }
}

/** Written to a temporary file and renamed, so an interrupted write never loses the progress. */
export async function saveProgress(progress: Progress, path = progressPath()): Promise<void> {
  const temporary = `${path}.${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(progress, null, 2)}\n`);
  await rename(temporary, path);
}

export function entry(progress: Progress, id: string): ExerciseProgress {
  progress.exercises[id] ??= { hints: 0, attempts: 0 };
  return progress.exercises[id]!;
}
