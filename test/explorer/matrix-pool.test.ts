// The matrix's worker threads: each cell's result is the one a search in this
// thread gives (the searches count work, not time), in the cells' order; Ctrl-C
// stops the cells under way, which report what they covered.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, INCIDENT_BOUNDS, type ExplorerConfig } from '../../explorer/config.ts';
import { runSearch, type Found } from '../../explorer/search-plan.ts';
import { searchAll, type CellProgress } from '../../explorer/matrix-pool.ts';

const cell = (safeguards: ExplorerConfig['safeguards']): ExplorerConfig => ({ ...DEFAULT_BOUNDS, enactors: 2, endpoints: 1, generations: 3, safeguards });
const summary = (found: Found) => ({
  safeguards: found.config.safeguards,
  complete: found.complete,
  states: found.states,
  violations: Object.fromEntries(Object.entries(found.violations).map(([name, v]) => [name, v.schedule])),
});

describe('the matrix pool', () => {
  it('gives each cell the result of the same search in one thread, in order', async () => {
    const configs = [cell([]), cell(['write-time-check']), cell(['protect-active'])];
    const plan = { seed: 1 };
    const done: number[] = [];
    const progress = new Map<number, Set<string>>();
    const onProgress = (index: number, { phase, states }: CellProgress) =>
      progress.set(index, (progress.get(index) ?? new Set()).add(`${phase} ${states > 0}`));
    const pooled = await searchAll(configs, {
      plan,
      limits: { symmetry: true },
      threads: 2,
      onDone: (index) => done.push(index),
      onProgress,
      progressEveryMs: 0,
    });
    const alone = [];
    for (const config of configs) alone.push(await runSearch(config, plan, { symmetry: true }));
    expect(pooled.map(summary)).toEqual(alone.map(summary));
    expect(done.sort()).toEqual([0, 1, 2]);
    // Each cell said how far it had got while it searched, in each phase it went through.
    expect([...progress.keys()].sort()).toEqual([0, 1, 2]);
    expect(progress.get(1)).toEqual(new Set(['random pre-pass true', 'exhaustive true']));
    expect(Object.keys(pooled[0]!.violations)).not.toEqual([]);
  });

  it('stops the cells under way when told, and they say they are incomplete', async () => {
    const big = { ...INCIDENT_BOUNDS, safeguards: ['write-time-check'] } as ExplorerConfig;
    const started = performance.now();
    const found = await searchAll([big, big, big], {
      plan: { seed: 1 },
      limits: { symmetry: true },
      threads: 2,
      shouldStop: () => performance.now() - started > 3000,
    });
    expect(found.length).toBe(2);
    expect(found.every((f) => !f.complete)).toBe(true);
  });
});
