// The files a command writes (a saved run, a report, a counterexample): how
// racelab marks them, checks the path before the work, and writes them.
//
// - A path is replaced only if it is new, or a file racelab wrote (its marker,
//   below, is at the very top), or with --force. The marker names the format
//   and its version; a user's own file does not carry it by chance.
// - An existing file is read only if it is a regular file, and only its first
//   few kilobytes: a FIFO, a device or a huge file is never read.
// - A symbolic link is named as such and not written through without --force.
// - A FIFO or a character device (/dev/stdout, /dev/null, a terminal) is
//   written as a stream: opened for writing when the work is done, nothing
//   truncated, no temporary file. Sockets and block devices are refused.
// - A regular file is written to a temporary file in the same folder, then
//   renamed over the path: an interrupted write leaves the old file whole. A
//   replaced file keeps its mode.
// - Refusals come before the work (UsageError, exit 2); a write that fails
//   after it is an OutputError: one line, and the command still prints its result.
import { constants, type Stats } from 'node:fs';
import { access, lstat, open, readlink, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { readBoundedFrom } from '../scenario/read-bounded.ts';
import { readerGone } from './standard-streams.ts';
import { UsageError } from '../scenario/usage-error.ts';

/** The marker at the top of each format racelab writes, with the format's version. */
export const MARKERS = {
  /** The saved run's first two fields. */
  savedRun: { kind: 'racelab-run', version: 1 },
  /** The counterexample scenario's first field, "generator". */
  counterexample: 'racelab counterexample v1',
  /** In the page's <head>, right after <meta charset>. */
  html: '<meta name="generator" content="racelab after-action report v1">',
  /** The first line of a Markdown report (an HTML comment: not rendered). */
  markdown: '<!-- racelab after-action report v1 -->',
  /** The first line of a Mermaid diagram (a Mermaid comment). */
  mermaid: '%% racelab sequence diagram v1',
  /** In the sweep page's <head>, right after <meta charset>. */
  sweep: '<meta name="generator" content="racelab sweep v1">',
  /** A submission's first two fields. */
  submission: { kind: 'racelab-submission', version: 1 },
  /** In the collect page's <head>, right after <meta charset>. */
  collect: '<meta name="generator" content="racelab collect v1">',
} as const;

/** A format racelab writes: what it is, for messages, and how to know a file of it again (any version). */
export interface FileFormat {
  what: string;
  /** Whether the first bytes of an existing file carry the format's marker. */
  isMarked: (head: string) => boolean;
}

const SAVED_RUN_HEAD = /^\s*\{\s*"kind"\s*:\s*"racelab-run"\s*,\s*"version"\s*:\s*\d+\s*[,}]/;
const COUNTEREXAMPLE_HEAD = /^\s*\{\s*"generator"\s*:\s*"racelab counterexample v\d+"\s*[,}]/;
const REPORT_HEADS = [
  /^<!doctype html>\s*<html[^>]*>\s*<head>\s*<meta charset="utf-8">\s*<meta name="generator" content="racelab after-action report v\d+">/i,
  /^<!-- racelab after-action report v\d+ -->\r?\n/,
  /^%% racelab sequence diagram v\d+\r?\n/,
];

export const FILE_FORMATS = {
  savedRun: { what: 'a run racelab saved', isMarked: (head) => SAVED_RUN_HEAD.test(head) },
  counterexample: { what: 'a counterexample racelab explore wrote', isMarked: (head) => COUNTEREXAMPLE_HEAD.test(head) },
  sweep: {
    what: 'a sweep page racelab wrote',
    isMarked: (head) => /^<!doctype html>\s*<html[^>]*>\s*<head>\s*<meta charset="utf-8">\s*<meta name="generator" content="racelab sweep v\d+">/i.test(head),
  },
  submission: {
    what: 'a submission racelab exercise submit wrote',
    isMarked: (head) => /^\s*\{\s*"kind"\s*:\s*"racelab-submission"\s*,\s*"version"\s*:\s*\d+\s*[,}]/.test(head),
  },
  collect: {
    what: 'a page racelab exercise collect wrote',
    isMarked: (head) => /^<!doctype html>\s*<html[^>]*>\s*<head>\s*<meta charset="utf-8">\s*<meta name="generator" content="racelab collect v\d+">/i.test(head),
  },
  /** Any of the three report formats: `report --out` may replace one with another. */
  report: { what: 'a report racelab wrote', isMarked: (head) => REPORT_HEADS.some((pattern) => pattern.test(head)) },
} satisfies Record<string, FileFormat>;

/** Enough of a file to find its marker, which is at the top. */
const HEAD_BYTES = 4096;

/** A write that failed after the work: one line, printed after the command's result. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

export interface OutputSpec {
  /** The option that named the file, for messages. */
  option: string;
  path: string;
  format: FileFormat;
  force?: boolean;
}

export interface Output {
  /** The absolute path written (a link's target with --force). */
  path: string;
  /** Writes the whole text; throws an OutputError if it cannot. */
  write: (text: string) => Promise<void>;
}

/** Paths that name a descriptor this process holds open: always a stream, whatever is behind it. */
const DESCRIPTOR_PATH = /^\/dev\/(stdout|stderr|fd\/(\d+))$|^\/proc\/self\/fd\/(\d+)$/;

/**
 * The process's own stream for /dev/stdout or /dev/stderr (or fd 1 or 2): Node
 * writes it whatever it is (a file, a pipe, a socket, a terminal), where
 * opening the path again fails for a socket.
 */
function processStream(path: string): NodeJS.WriteStream | undefined {
  const [, name, fd, procFd] = DESCRIPTOR_PATH.exec(path) ?? [];
  const number = fd ?? procFd;
  if (name === 'stdout' || number === '1') return process.stdout;
  if (name === 'stderr' || number === '2') return process.stderr;
  return undefined;
}

/** Checks the path before the work, and returns how to write it after; a UsageError (exit 2) names what is wrong and the fix. */
export async function checkOutput(spec: OutputSpec): Promise<Output> {
  const given = resolve(spec.path);
  const refuse = (why: string) => new UsageError(`${spec.option} ${given}: ${why}`);
  if (DESCRIPTOR_PATH.test(given)) {
    const held = await stat(given).catch(() => undefined);
    if (!held || held.isDirectory()) throw refuse('this process has no such descriptor open for writing; give a file path');
    const stream = processStream(given);
    return stream ? processStreamOutput(spec.option, given, stream) : streamOutput(spec.option, given, held);
  }
  let path = given;
  let entry = await lstatOrNothing(path, refuse);
  if (entry?.isSymbolicLink()) {
    const to = await readlink(path);
    if (!spec.force) throw refuse(`is a symbolic link (to ${to}); racelab does not write through one: give the real path, or add --force to write to ${to}`);
    path = await linkTarget(path, refuse);
    entry = await lstatOrNothing(path, refuse);
    process.stderr.write(`racelab: ${spec.option} ${given} is a symbolic link: writing to ${path} (--force)\n`);
  }
  if (entry === undefined) {
    await checkFolder(path, refuse);
    return fileOutput(spec.option, path, undefined);
  }
  if (entry.isDirectory()) throw refuse('is a folder; give a file path');
  if (entry.isFIFO() || entry.isCharacterDevice()) return streamOutput(spec.option, path, entry);
  if (!entry.isFile()) throw refuse(`is a ${entry.isSocket() ? 'socket' : 'block device'}; give a file path`);
  if (!spec.force) {
    if (!spec.format.isMarked(await fileHead(path, refuse))) {
      throw refuse(`the file exists and is not ${spec.format.what}; give another path, or add --force to overwrite it`);
    }
    const writable = await access(path, constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!writable) throw refuse('the file is read-only; make it writable, give another path, or add --force to replace it');
  }
  await checkFolder(path, refuse);
  return fileOutput(spec.option, path, keptOf(entry));
}

async function lstatOrNothing(path: string, refuse: (why: string) => Error): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw refuse('a part of the path before the file name is not a folder; give another path');
    throw refuse(`cannot look at it: ${reason(error)}; give another path`);
  }
}

/** Where a chain of links ends (it may not exist yet: then the file is made there). */
async function linkTarget(path: string, refuse: (why: string) => Error): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    const entry = await lstatOrNothing(current, refuse);
    if (!entry?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw refuse('is a loop of symbolic links; give another path');
}

async function checkFolder(path: string, refuse: (why: string) => Error): Promise<void> {
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) throw refuse(`the folder ${folder} does not exist; create it or give another path`);
  // The new file is made beside the old one, then renamed over it: the folder must take new files.
  try {
    await access(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw refuse(`cannot write in ${folder}; give another path`);
  }
}

/** The first bytes of a regular file. O_NONBLOCK: if a FIFO took the file's place since lstat, opening it does not wait for a writer. */
async function fileHead(path: string, refuse: (why: string) => Error): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse(`cannot read it to see whether racelab wrote it: ${reason(error)}; give another path, or add --force to overwrite it`);
  }
  try {
    if (!(await handle.stat()).isFile()) throw refuse('changed while racelab looked at it; try again');
    return (await readBoundedFrom(handle, HEAD_BYTES)).text;
  } finally {
    await handle.close();
  }
}

/** What a replaced file keeps. */
function fileOutput(option: string, path: string, kept: Kept | undefined): Output {
  return {
    path,
    write: async (text) => {
      try {
        await replaceAtomically(path, text, kept);
      } catch (error) {
        throw new OutputError(`${option} ${path}: not written: ${reason(error)}`);
      }
    },
  };
}

/** What a replaced file keeps: its mode, and its owner where racelab may set it. */
export interface Kept {
  mode: number;
  uid: number;
  gid: number;
}

export const keptOf = (entry: Stats): Kept => ({ mode: entry.mode & 0o7777, uid: entry.uid, gid: entry.gid });

/**
 * Writes beside the file, then renames over it: whoever reads the path sees the old file or the new one, never half
 * of one. (By hand rather than with write-file-atomic: that library hooks every signal through signal-exit while it
 * writes, so a file-size limit (SIGXFSZ, which Node ignores to get EFBIG) killed the process instead of failing the
 * write, and Ctrl-C handling would depend on whether a write was under way.)
 */
export async function replaceAtomically(path: string, text: string, kept: Kept | undefined): Promise<void> {
  // A hidden name in the same folder (so the rename stays on one file system), short enough for any file name.
  const temp = join(dirname(path), `.${basename(path).slice(0, 180)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, kept?.mode ?? 0o666);
    await handle.writeFile(text);
    if (kept) {
      // The umask narrowed the mode at creation: a replaced file keeps exactly the mode it had, and its owner where
      // racelab may set it (run as root on a user's file); elsewhere the file is the user's own already.
      await handle.chown(kept.uid, kept.gid).catch(() => undefined);
      await handle.chmod(kept.mode);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** A FIFO or a device: opened for writing only when the text is ready (a FIFO waits there for its reader), never truncated. */
function streamOutput(option: string, path: string, entry: Stats): Output {
  return {
    path,
    write: async (text) => {
      // A FIFO with no reader holds the open: say what racelab waits for, after a moment.
      const waiting = entry.isFIFO()
        ? setTimeout(() => process.stderr.write(`racelab: ${option} ${path}: waiting for a reader on this pipe (Ctrl-C to stop)\n`), 1000)
        : undefined;
      let handle: FileHandle | undefined;
      try {
        handle = await open(path, constants.O_WRONLY | constants.O_APPEND);
        clearTimeout(waiting);
        await handle.writeFile(text);
      } catch (error) {
        throw new OutputError(`${option} ${path}: not written: ${reason(error)}`);
      } finally {
        clearTimeout(waiting);
        await handle?.close().catch(() => undefined);
      }
    },
  };
}

function processStreamOutput(option: string, path: string, stream: NodeJS.WriteStream): Output {
  return {
    path,
    write: (text) =>
      new Promise((done, fail) => {
        // The failure comes to the callback; the stream's own 'error' event (a tick later) must not end the process.
        const swallow = () => undefined;
        stream.on('error', swallow);
        stream.write(text, (error) => {
          setImmediate(() => stream.off('error', swallow));
          // `--out /dev/stdout | head`: the same as any output whose reader went away.
          if ((error as NodeJS.ErrnoException | null | undefined)?.code === 'EPIPE') readerGone();
          if (error) fail(new OutputError(`${option} ${path}: not written: ${reason(error)}`));
          else done();
        });
      }),
  };
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is too large for this file system',
  EPIPE: 'the reader closed the pipe before the end',
  ENOENT: 'the folder, or the file, is gone',
  ENOTDIR: 'a part of the path is no longer a folder',
  EISDIR: 'it is a folder',
  EIO: 'an input/output error on the device',
};

/** A system error in words, with its code: one line. */
function reason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const words = (code && REASONS[code]) || (message.split('\n')[0] ?? '');
  return code ? `${words} (${code})` : words;
}
