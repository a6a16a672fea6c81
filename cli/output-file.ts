// Files a command writes (a counterexample, a saved run, a report): checked
// before any long work, so the work is never lost to a path that cannot be
// written, and a file is overwritten only if it is one of racelab's own.
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from './usage-error.ts';

export interface OutputFile {
  /** The option that named the file, for messages. */
  option: string;
  path: string;
  /** What racelab writes there, for the message when something else is in the way. */
  kind: string;
  /** Whether an existing file's text is one racelab wrote there before (then it may be overwritten). */
  isOwn: (text: string) => boolean;
  force?: boolean;
}

export async function writableOutput({ option, path, kind, isOwn, force }: OutputFile): Promise<string> {
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) throw new UsageError(`${option} ${path}: the folder ${folder} does not exist; create it or give another path`);
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error));
  if (existing instanceof Error) {
    const why = existing.code === 'EISDIR' ? 'is a folder' : existing.message;
    throw new UsageError(`${option} ${path}: ${why}; give a file path`);
  }
  if (existing !== undefined && !force && !isOwn(existing)) {
    throw new UsageError(`${option} ${path}: the file exists and is not ${kind}; give another path, or add --force to overwrite it`);
  }
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${path}: cannot write in ${folder}; give another path`);
  }
  return path;
}

/** A JSON file whose top level has this key (racelab's own files carry one). */
export const jsonWithKey =
  (key: string) =>
  (text: string): boolean => {
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      return typeof value === 'object' && value !== null && key in value;
    } catch {
      return false;
    }
  };
