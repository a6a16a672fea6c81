// Progress of a long search: what a line says, when it is written (live on a
// terminal, every few seconds to a pipe, never with --quiet), and the search
// tree's share behind the search, which only grows as depth-first goes on.
import { describe, expect, it } from 'vitest';
import { PLAIN_PROGRESS_EVERY_MS, progressLine, searchProgress } from '../../cli/search-progress.ts';
import { DEFAULT_BOUNDS } from '../../explorer/config.ts';
import { exhaustive, treeDone, type SearchStats, type TreeFrame } from '../../explorer/search.ts';

const stats = (over: Partial<SearchStats> = {}): SearchStats => ({
  phase: 'exhaustive',
  depth: 42,
  schedules: 3_432,
  states: 459_803,
  steps: 600_000,
  elapsedMs: 60_000,
  complete: false,
  ...over,
});

describe('search progress', () => {
  it('names the phase, states, rate, schedules, depth and time, and the share of the tree behind once there is one', () => {
    expect(progressLine('exploring', stats())).toBe('exploring · exhaustive: 459,803 states (7,663/s), 3,432 schedules, depth 42, 60 s');
    expect(progressLine('exploring', stats({ treeDone: 0.0004 }))).not.toContain('tree');
    expect(progressLine('exploring', stats({ treeDone: 0.25 }))).toMatch(/search tree ≈25% behind \(rough, errs low\)$/);
    // Threads share the count of states, not one interleaving: no schedules, depth or tree share.
    expect(progressLine('exploring', stats({ threads: 2, treeDone: 0.25 }))).toBe('exploring · exhaustive on 2 threads: 459,803 states (7,663/s), 60 s');
    expect(progressLine('baseline', stats({ phase: 'random pre-pass', states: 10, elapsedMs: 0 }))).toMatch(/^baseline · random pre-pass: 10 states \(0\/s\)/);
  });

  it('redraws one line on a terminal, writes a plain line every few seconds to a pipe, and nothing when quiet', () => {
    const tty: string[] = [];
    const live = searchProgress('x', { sink: { isTTY: true, write: (text: string) => tty.push(text) } });
    live.onProgress!(stats());
    live.onProgress!(stats({ states: 1 }));
    live.finish();
    expect(tty.map((text) => text.slice(0, 9))).toEqual(['\r\x1b[K  x ·', '\r\x1b[K  x ·', '\r\x1b[K']);

    let now = 0;
    const piped: string[] = [];
    const plain = searchProgress('x', { sink: { isTTY: false, write: (text: string) => piped.push(text) }, now: () => now });
    for (let second = 1; second <= 12; second++) {
      now = second * 1000;
      plain.onProgress!(stats({ elapsedMs: now }));
    }
    expect(piped).toHaveLength(Math.floor(12_000 / PLAIN_PROGRESS_EVERY_MS));
    expect(piped.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);

    expect(searchProgress('x', { quiet: true, sink: { isTTY: true, write: () => expect.unreachable() } }).onProgress).toBeUndefined();
  });

  it("puts a branch after its earlier siblings, and inside its parent's share", () => {
    const root: TreeFrame = { parent: undefined, index: 1, total: 2 };
    expect(treeDone(undefined)).toBe(0);
    expect(treeDone(root)).toBe(0.5);
    expect(treeDone({ parent: root, index: 2, total: 4 })).toBe(0.75);
    expect(treeDone({ parent: { parent: undefined, index: 0, total: 3 }, index: 1, total: 2 })).toBeCloseTo(1 / 6);
  });

  it('reports the exhaustive phase with the share behind it never going back', async () => {
    const seen: SearchStats[] = [];
    const config = { ...DEFAULT_BOUNDS, enactors: 2, endpoints: 1, safeguards: [] };
    const result = await exhaustive(config, { onProgress: (report) => seen.push(report), progressEveryMs: 0, statesMax: 800 });
    expect(seen.length).toBeGreaterThan(100);
    expect(result.stats.phase).toBe('exhaustive');
    expect(new Set(seen.map((report) => report.phase))).toEqual(new Set(['exhaustive']));
    expect(Math.max(...seen.map((report) => report.depth))).toBeGreaterThan(10);
    const shares = seen.map((report) => report.treeDone!);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
  });
});
