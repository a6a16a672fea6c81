// Why `racelab check` proves a change at every set of CHECK_BOUND_SETS: for
// each set, a change to a shipped safeguard's mechanism fails there and passes
// at every other set, so leaving the set out would let that change pass. And
// the shipped safeguards hold at every set, so no set fails good code.
//
// A mutant is the shipped code with one edit, in a copy of the domain, the
// explorer and its world made for the test; each is searched as check searches
// a trainee's change (CHANGED_CODE_LIMITS). A search that must pass is proved
// with every sound reduction (symmetry over the Enactors, relative lock tokens):
// these mutants, like the shipped code, use Enactor ids as names only and write
// every lock by deleting the exact value read, and the reductions change the
// work, never the verdict
// (test/explorer/explorer.test.ts).
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANGED_CODE_LIMITS, CHECK_BOUND_SETS, describeBounds, type ExplorerConfig } from '../../explorer/config.ts';
import { INVARIANT_NAMES, type InvariantName } from '../../explorer/invariant-names.ts';
import { exhaustive, explore } from '../../explorer/search.ts';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';

/** What each safeguard holds in every interleaving (docs/explorer.md, the safeguard matrix): what check requires of it. */
const HOLDS: Record<string, InvariantName[]> = {
  'write-time-check': [...INVARIANT_NAMES],
  'protect-active': ['answers', 'converges', 'no-crash'],
  'never-empty': ['answers', 'converges', 'no-crash'],
};

interface Mutant {
  says: string;
  file: string;
  find: string;
  replace: string;
  safeguard: Safeguard;
  /** The one set of CHECK_BOUND_SETS where it fails. */
  failsAt: number;
}

const CLEANUP_LOCKS = 'const locks = guard ? snapshots.flatMap(({ lock }) => (lock ? [lock] : [])) : [];';
const MUTANTS: Mutant[] = [
  {
    says: 'write-time-check that guards only the first endpoint of the plan',
    file: 'lambdas/core/safeguards/write-time-check.ts',
    find: '  async beforeWrite(ctx, work, snapshot) {\n',
    replace: '  async beforeWrite(ctx, work, snapshot) {\n    if (snapshot.endpoint !== work.plan.endpoints[0]) return undefined;\n',
    safeguard: 'write-time-check',
    failsAt: 0,
  },
  {
    says: "protect-active without clean-up's lock re-assertion",
    file: 'lambdas/core/cleanup.ts',
    find: CLEANUP_LOCKS,
    replace: 'const locks: RecordSet[] = [];',
    safeguard: 'protect-active',
    failsAt: 1,
  },
  {
    says: "never-empty without clean-up's lock re-assertion",
    file: 'lambdas/core/cleanup.ts',
    find: CLEANUP_LOCKS,
    replace: 'const locks: RecordSet[] = [];',
    safeguard: 'never-empty',
    failsAt: 1,
  },
];

const ROOT = resolve(import.meta.dirname, '../..');
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The explorer over a copy of the code with the mutant's one edit. */
async function mutantExplorer(mutant: Mutant): Promise<{ explore: typeof explore; exhaustive: typeof exhaustive }> {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-mutant-'));
  scratch.push(dir);
  for (const folder of ['lambdas', 'explorer', 'local', 'scenario']) cpSync(join(ROOT, folder), join(dir, folder), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const path = join(dir, mutant.file);
  const text = readFileSync(path, 'utf8');
  expect(text, `${mutant.file} no longer has the line the mutant edits`).toContain(mutant.find);
  writeFileSync(path, text.replace(mutant.find, mutant.replace));
  return (await import(pathToFileURL(join(dir, 'explorer/search.ts')).href)) as { explore: typeof explore; exhaustive: typeof exhaustive };
}

const configAt = (set: number, safeguard: Safeguard): ExplorerConfig => ({ ...CHECK_BOUND_SETS[set]!, safeguards: [safeguard] });

describe('the bound sets racelab check proves a change at', () => {
  it('are each the one set where some mutant below fails', () => {
    expect(new Set(MUTANTS.map((mutant) => mutant.failsAt))).toEqual(new Set(CHECK_BOUND_SETS.keys()));
  });

  it.each(MUTANTS)('each is needed: $says fails at one set only', async (mutant) => {
    const required = HOLDS[mutant.safeguard]!;
    const search = await mutantExplorer(mutant);
    for (const [set, bounds] of CHECK_BOUND_SETS.entries()) {
      const where = `${mutant.says} at ${describeBounds(bounds)}`;
      if (set === mutant.failsAt) {
        // As check searches it: the pre-pass, then the exhaustive search without the reductions a change may break.
        const found = await search.explore(configAt(set, mutant.safeguard), 1, { stopOn: required, ...CHANGED_CODE_LIMITS });
        expect(
          required.filter((name) => found.violations[name]),
          where,
        ).not.toEqual([]);
      } else {
        const found = await search.exhaustive(configAt(set, mutant.safeguard));
        expect({ where, violated: required.filter((name) => found.violations[name]), complete: found.stats.complete }).toEqual({
          where,
          violated: [],
          complete: true,
        });
      }
    }
  });

  it.each(Object.keys(HOLDS) as Safeguard[])('none fails good code: shipped %s holds what it holds at every set', async (safeguard) => {
    for (const [set, bounds] of CHECK_BOUND_SETS.entries()) {
      const found = await exhaustive(configAt(set, safeguard));
      const where = `${safeguard} at ${describeBounds(bounds)}`;
      expect({ where, violated: HOLDS[safeguard]!.filter((name) => found.violations[name]), complete: found.stats.complete }).toEqual({
        where,
        violated: [],
        complete: true,
      });
    }
  });
});
