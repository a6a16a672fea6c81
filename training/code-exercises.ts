// The exercises whose answer is a change to the code: fix (close the race) and
// recover (make the automation repair itself). Verify judges the trainee's own
// working tree: what changed since `exercise start` (git), then the explorer,
// run on that code with no safeguard, over every interleaving at each bound set
// `racelab check` proves a change at (explorer/config.ts, CHECK_BOUND_SETS).
import type { InvariantName } from '../explorer/invariant-names.ts';
import { check, result, type Exercise, type VerifyInput, type VerifyResult } from './exercise-model.ts';
import { replayOutage } from './outage-replay.ts';

/**
 * The Enactor and its clean-up: what these exercises ask to change (its moves, its clean-up's, its state value's
 * type). New files beside them are allowed too. Not the driver: the explorer drives the moves with its own.
 */
const CHANGEABLE = ['enactor.ts', 'enactor-state.ts', 'enactor-types.ts', 'endpoint-state.ts', 'staleness.ts', 'cleanup.ts', 'dns-tree.ts'].map(
  (file) => `lambdas/core/${file}`,
);
/**
 * A module-level let or var added (a top-level line, as prettier writes it; "+" in a diff, bare in a new file): state
 * kept outside the Enactor's state value, where the explorer, which keys an Enactor by that value, cannot see it.
 */
const MODULE_STATE = /^\+?(export )?(let|var) /m;
// Switching one on from the domain means importing it; its name quoted is the other way (self-heal is also an event outcome).
const SHIPPED_SAFEGUARD = /safeguards\/|['"`](write-time-check|protect-active|never-empty|recheck-each-endpoint)['"`]/;

/** Files changed since `base` (HEAD when unknown), untracked ones included, and the lines added under lambdas/core. */
async function changesSince(root: string, base: string | undefined): Promise<{ files: string[]; added: string; created: string[] }> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const git = (...args: string[]) => promisify(execFile)('git', args, { cwd: root, maxBuffer: 32 * 1024 * 1024 }).then((out) => out.stdout);
  const lines = (text: string) => text.split('\n').filter(Boolean);
  const from = base ?? 'HEAD';
  const tracked = lines(await git('diff', '--name-only', from));
  const created = lines(await git('ls-files', '--others', '--exclude-standard'));
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const newCode = await Promise.all(created.filter((file) => file.startsWith('lambdas/core/')).map((file) => readFile(join(root, file), 'utf8')));
  const diff = lines(await git('diff', from, '--', 'lambdas/core')).filter((line) => line.startsWith('+') && !line.startsWith('+++'));
  return { files: [...new Set([...tracked, ...created])].sort(), added: [...diff, ...newCode].join('\n'), created };
}

/** Where the change may go: the Enactor and its clean-up, never the safeguards, the checker, the explorer or the tests. */
async function changeChecks(input: VerifyInput): Promise<VerifyResult['checks']> {
  const changes = await changesSince(input.root, input.base).catch((error: Error & { stderr?: string }) => error);
  if (changes instanceof Error) {
    const why = `${changes.stderr ?? ''}\n${changes.message}`
      .split('\n')
      .find((line) => line.trim())!
      .trim();
    return [check(false, `verify compares your change with git, and git could not (${why}): work in a git clone of the lab, and run exercise start there`)];
  }
  const { files, added, created } = changes;
  const allowed = (file: string) => CHANGEABLE.includes(file) || (created.includes(file) && /^lambdas\/core\/[^/]+\.ts$/.test(file));
  // Notes in Markdown are the trainee's own business; any code, test or configuration outside the Enactor is not.
  const outside = files.filter((file) => !allowed(file) && !file.endsWith('.md'));
  const usesShipped = SHIPPED_SAFEGUARD.test(added);
  const keepsModuleState = MODULE_STATE.test(added);
  return [
    check(
      outside.length === 0,
      outside.length
        ? `only the Enactor and its clean-up may change (${CHANGEABLE.join(', ')}, or a new file in lambdas/core): you changed ${outside.join(', ')}`
        : 'your change stays in the Enactor and its clean-up',
    ),
    check(!usesShipped, usesShipped ? 'your change uses a shipped safeguard: write it yourself' : 'no shipped safeguard switched on'),
    check(
      !keepsModuleState,
      keepsModuleState
        ? 'your change keeps state in a module-level variable: keep what the Enactor carries in its state value (lambdas/core/enactor-state.ts)'
        : "your change keeps no state outside the Enactor's state value",
    ),
    check(
      files.some(allowed),
      input.base
        ? 'the Enactor or its clean-up has a change of yours'
        : 'the Enactor or its clean-up has a change of yours (since HEAD: run exercise start first)',
    ),
  ];
}

/**
 * The explorer on the trainee's code with no safeguard, at every bound set `racelab check` proves a change at,
 * side by side on the cores as check searches them: which invariants some interleaving breaks, with the first
 * set's counterexample for each.
 */
async function exploreWithoutSafeguards(stopOn: InvariantName[]) {
  const { CHANGED_CODE_LIMITS, CHECK_BOUND_SETS, describeBounds } = await import('../explorer/config.ts');
  const { searchAll } = await import('../explorer/matrix-pool.ts');
  const found = await searchAll(
    CHECK_BOUND_SETS.map((bounds) => ({ ...bounds, safeguards: [] })),
    { plan: { seed: 1 }, limits: { stopOn, ...CHANGED_CODE_LIMITS } },
  );
  const violations: (typeof found)[number]['violations'] = {};
  for (const set of found) {
    for (const [name, counterexample] of Object.entries(set.violations) as [InvariantName, (typeof violations)[InvariantName]][]) {
      violations[name] ??= counterexample;
    }
  }
  const complete = found.length === CHECK_BOUND_SETS.length && found.every((set) => set.complete);
  const bounds = CHECK_BOUND_SETS.map(describeBounds).join(', and at ');
  const holds = (name: InvariantName) => {
    const violation = violations[name];
    return check(!violation, `${name}: ${violation ? `violated: ${violation.detail} (racelab check --invariant ${name} shows how)` : 'holds'}`);
  };
  return { violations, holds, covered: check(complete, `the search covered every interleaving at ${bounds}`) };
}

/** oct-2025 replayed on the trainee's code with no safeguard. */
async function replayOnChangedCode() {
  const { run, report } = await replayOutage('exercise-replay');
  const failed = run.failure ? ` (the run failed: ${run.failure.error})` : '';
  return { report, failed, wentEmpty: report.endpoints.some((endpoint) => endpoint.firstEmptyAtSeconds !== null) };
}

async function verifyChange(input: VerifyInput, judge: () => Promise<VerifyResult['checks']>): Promise<VerifyResult> {
  const checks = await changeChecks(input);
  if (checks.some((item) => !item.ok)) return result(checks);
  return result([...checks, ...(await judge())]);
}

const fix: Exercise = {
  id: 'fix',
  judgesCode: true,
  title: 'Fix: close the race in the Enactor itself',
  goal: 'Change the Enactor or its clean-up in lambdas/core so the race is closed with none of the shipped safeguards switched on.',
  context:
    "The outage needs a stale write: an Enactor whose one check was made at its start writes an old plan over a newer one. The lab's own " +
    'fix is the write-time-check safeguard; write yours in the domain code, without it.',
  use: 'lambdas/core/enactor.ts, cleanup.ts, endpoint-state.ts; racelab check (the explorer, every invariant); racelab run oct-2025',
  verifiedBy:
    'racelab exercise verify fix: your change stays in the Enactor and its clean-up, every invariant holds in every interleaving at ' +
    '2 × 2 × 4 and 3 × 1 × 4 (the bounds racelab check proves at) with no safeguard, and oct-2025 ends healthy',
  hints: [
    'Where does the Enactor decide its plan is newer? Once, in begin. What happens between that check and the write?',
    'A check right before the write is not enough on its own: another Enactor can write in between. What in the change batch makes it fail ' +
      'if the endpoint moved since the read?',
    'Every batch deletes the exact lock value it read, so a comparison made on the same snapshot as the batch is atomic with it. Compare generations there.',
  ],
  verify: (input) =>
    verifyChange(input, async () => {
      const all: InvariantName[] = ['answers', 'never-older', 'active-kept', 'converges', 'no-crash'];
      const { holds, covered } = await exploreWithoutSafeguards(all);
      const { report, failed } = await replayOnChangedCode();
      return [...all.map(holds), covered, check(report.outcome === 'healthy' && !failed, `oct-2025 with no safeguard ends ${report.outcome}${failed}`)];
    }),
};

const recover: Exercise = {
  id: 'recover',
  judgesCode: true,
  title: 'Recover: make the automation repair itself',
  goal:
    "Change the Enactor so that, when it finds the endpoint's active tree gone, it brings the endpoint back by itself, even when the " +
    'plan table has lost that plan, and doing so twice does no harm. Leave the race open: recovery is proved against the outage.',
  context:
    'On the day, the Enactors stopped in DAT453\'s "inconsistent state": every change must write a rollback record to the active tree, ' +
    "and it was gone. Operators had to repair DNS by hand. The self-heal safeguard is the lab's answer; write yours without it.",
  use: 'lambdas/core/enactor.ts (where it records "stuck"); racelab check --invariant converges; racelab run oct-2025',
  verifiedBy:
    'racelab exercise verify recover: your change stays in the Enactor and its clean-up; with no safeguard, converges and no-crash hold ' +
    'in every interleaving at 2 × 2 × 4 and 3 × 1 × 4 (the bounds racelab check proves at) while the race still empties an endpoint; ' +
    'oct-2025 goes empty and ends healthy',
  hints: [
    'racelab run oct-2025: the last Enactor ends "stuck". What does it need that is gone, and does it really need it?',
    'The rollback record only matters while the old tree exists. With the tree gone, what can the Enactor write that is always safe?',
    'The newest plan, or failing that its own (it holds it in memory, whatever the table has lost). Write its tree whole, as a first apply ' +
      'would: no rollback record.',
  ],
  verify: (input) =>
    verifyChange(input, async () => {
      const { violations, holds, covered } = await exploreWithoutSafeguards(['converges', 'no-crash']);
      const { report, failed, wentEmpty } = await replayOnChangedCode();
      return [
        holds('converges'),
        holds('no-crash'),
        covered,
        check(
          violations.answers !== undefined,
          violations.answers
            ? 'the race still empties an endpoint, so the recovery was tested against it'
            : 'no interleaving empties an endpoint any more: that closes the race (exercise fix); keep it open to prove the recovery',
        ),
        check(wentEmpty, wentEmpty ? 'oct-2025 still goes empty' : 'oct-2025 no longer goes empty: the recovery was not exercised'),
        check(
          report.outcome === 'healthy' && !report.automation.stuck && !failed,
          `oct-2025 with no safeguard ends ${report.outcome}${report.automation.stuck ? ', the automation stuck' : ''}${failed}`,
        ),
      ];
    }),
};

export const CODE_EXERCISES: Exercise[] = [fix, recover];
