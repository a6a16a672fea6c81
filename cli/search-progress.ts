// Progress of a long explorer search, on stderr: a live line on a terminal
// (redrawn each second), a plain line every few seconds otherwise (a pipe, a
// CI log), nothing with --quiet. Each line names the phase, since the random
// pre-pass and the exhaustive search count their states from zero each.
import type { SearchOptions, SearchStats } from '../explorer/search.ts';

export const PLAIN_PROGRESS_EVERY_MS = 5_000;

export interface ProgressSink {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface SearchProgress {
  onProgress: SearchOptions['onProgress'];
  /** Clears the live line, so what follows starts on a clean one. */
  finish(): void;
}

const count = (n: number) => Math.round(n).toLocaleString('en');

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** One progress line: phase, states, rate, schedules, depth, time, and the rough share of the tree behind, where there is one. */
export function progressLine(label: string, stats: SearchStats): string {
  const seconds = stats.elapsedMs / 1000;
  const rate = seconds > 0 ? stats.states / seconds : 0;
  // Threads searching together share the count of states; each follows its own schedule, so no one depth.
  let line =
    stats.threads === undefined
      ? `${label} · ${stats.phase}: ${count(stats.states)} states (${count(rate)}/s), ${count(stats.schedules)} schedules, ` +
        `depth ${stats.depth}, ${duration(seconds)}`
      : `${label} · ${stats.phase} on ${stats.threads} threads: ${count(stats.states)} states (${count(rate)}/s), ${duration(seconds)}`;
  const done = stats.treeDone;
  // Below a thousandth the share says nothing yet: the first branches of a deep tree weigh almost all of it.
  // No time left from it: hashing prunes later branches far more, so at 3 × 3 × 4 it said 19 min with 30 s to go.
  if (stats.threads === undefined && done !== undefined && done >= 0.001) {
    line += `; search tree ≈${(done * 100).toFixed(done < 0.1 ? 1 : 0)}% behind (rough, errs low)`;
  }
  return line;
}

export function searchProgress(label: string, options: { quiet?: boolean; sink?: ProgressSink; now?: () => number } = {}): SearchProgress {
  const sink = options.sink ?? process.stderr;
  if (options.quiet) return { onProgress: undefined, finish: () => {} };
  if (sink.isTTY) {
    let drawn = false;
    return {
      onProgress: (stats) => {
        sink.write(`\r\x1b[K  ${progressLine(label, stats)}`);
        drawn = true;
      },
      finish: () => {
        if (drawn) sink.write('\r\x1b[K');
      },
    };
  }
  const now = options.now ?? (() => performance.now());
  let last = now();
  return {
    onProgress: (stats) => {
      if (now() - last < PLAIN_PROGRESS_EVERY_MS) return;
      last = now();
      sink.write(`  ${progressLine(label, stats)}\n`);
    },
    finish: () => {},
  };
}
