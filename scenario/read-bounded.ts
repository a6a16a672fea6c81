// Reading a file racelab was given, never more of it than a bound: a huge file,
// /dev/zero or an endless pipe costs at most the bound, not all the memory there is.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 64 * 1024;

export interface BoundedText {
  /** The text read: the whole file when `complete`, else its first `maxBytes` bytes (a character cut at the end shows as U+FFFD). */
  text: string;
  /** The file ended within the bound. */
  complete: boolean;
  /** A regular file's size in bytes (a pipe or a device has none). */
  size?: number;
}

/** Reads at most `maxBytes` from an open file, from where it stands. */
export async function readBoundedFrom(handle: FileHandle, maxBytes: number): Promise<BoundedText> {
  const chunks: Buffer[] = [];
  let total = 0;
  // One byte past the bound tells a file that ends exactly there from a longer one.
  while (total <= maxBytes) {
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return { text: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'), complete: total <= maxBytes };
}

/**
 * The whole of `path` if it holds at most `maxBytes`; otherwise `complete` is
 * false (a regular file that large is not read at all: the caller refuses it).
 * A pipe or a device is read up to the bound, so an endless one ends too.
 */
export async function readBounded(path: string, maxBytes: number): Promise<BoundedText> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return await readBoundedFrom(handle, maxBytes);
    if (stats.size > maxBytes) return { text: '', complete: false, size: stats.size };
    return { ...(await readBoundedFrom(handle, maxBytes)), size: stats.size };
  } finally {
    await handle.close();
  }
}
