// The exercises answered by changing the code (fix, recover, stabilize),
// verified the way a trainee runs them: in a copy of this working tree with its
// own git history, `racelab exercise start`, a change, then `racelab exercise
// verify` in a separate process, so the explorer (or the cascade) judges the
// changed code. The answer keys pass; a change that only narrows the window,
// one outside the Enactor, one that switches on a shipped safeguard or lever,
// one that retries harder, and no change at all each fail, saying why.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { exerciseById } from '../../training/exercises.ts';
import { judgeInPristineCopy } from '../../training/pristine-judge.ts';
import { exec, LAB_ROOT, racelab, removeCopies, removeTemplates, traineeCopy } from '../support/trainee-copy.ts';

const root = LAB_ROOT;
afterEach(removeCopies);
afterAll(removeTemplates);

async function verify(dir: string, exercise: string) {
  const { code, stdout } = await racelab(dir, 'exercise', 'verify', exercise, '--json');
  const outcome = JSON.parse(stdout) as { passed: boolean; checks: { ok: boolean; says: string }[] };
  expect(code === 0).toBe(outcome.passed);
  return { ...outcome, failing: outcome.checks.filter((item) => !item.ok).map((item) => item.says) };
}

/**
 * Verify in this process, for a change the change checks refuse before any of the copy's code runs (they read only its
 * git): the same outcome as the command, without starting one.
 */
async function refusedInProcess(dir: string, exercise: string): Promise<string[]> {
  const progress = JSON.parse(readFileSync(join(dir, '.racelab-training.json'), 'utf8')) as { exercises: Record<string, { base?: string }> };
  const outcome = await exerciseById(exercise)!.verify({ answers: {}, env: {}, base: progress.exercises[exercise]!.base, root: dir });
  return outcome.checks.filter((item) => !item.ok).map((item) => item.says);
}

const applyPatch = (dir: string, name: string) => exec('git', ['apply', join(root, 'docs/training/answer-keys', name)], { cwd: dir });
function edit(dir: string, file: string, from: string, to: string) {
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text).toContain(from);
  writeFileSync(join(dir, file), text.replace(from, to));
}

describe('the code exercises, as a trainee runs them', () => {
  it('fix: the answer key passes; the same key fails recover, since it closes the race recover must survive', async () => {
    const dir = await traineeCopy('fix');
    await applyPatch(dir, 'fix.patch');
    const fixed = await verify(dir, 'fix');
    expect(fixed.failing).toEqual([]);
    expect(fixed.checks.map((item) => item.says)).toContain('oct-2025 with no safeguard ends healthy');
    await racelab(dir, 'exercise', 'start', 'recover');
    const recover = await verify(dir, 'recover');
    expect(recover.passed).toBe(false);
    expect(recover.failing).toContain('oct-2025 no longer goes empty: the recovery was not exercised');
  });

  it('fix: no change, a narrowed window, and a change outside the Enactor each fail, saying why', async () => {
    const dir = await traineeCopy('fix');
    expect(await refusedInProcess(dir, 'fix')).toEqual(['the Enactor or its clean-up has a change of yours']);
    // recheck-each-endpoint written by hand: a second look before each endpoint, outside the batch (the one call of
    // the move that starts the endpoint's attempts).
    edit(
      dir,
      'lambdas/core/enactor.ts',
      "  if (hook === undefined) return { at: 'read', work, tries: { endpoint, attempt: 1, counted: 0, holdStartedAt: ctx.clock.now() }, cycle };",
      '  if (hook === undefined) {\n' +
        "    const again = await checkNotStale(ctx, work, snapshotOf(endpoint, ctx.zone, await endpointRecords(ctx.dns, endpoint, ctx.zone)), 'recheck');\n" +
        '    if (again) return endStep(again, cycle);\n' +
        "    return { at: 'read', work, tries: { endpoint, attempt: 1, counted: 0, holdStartedAt: ctx.clock.now() }, cycle };\n" +
        '  }',
    );
    edit(
      dir,
      'lambdas/core/enactor.ts',
      "import type { Plan } from './plan.ts';",
      "import type { Plan } from './plan.ts';\nimport { checkNotStale } from './staleness.ts';",
    );
    const narrowed = await verify(dir, 'fix');
    expect(narrowed.passed).toBe(false);
    expect(narrowed.failing.find((says) => says.startsWith('answers: violated'))).toMatch(/racelab check --invariant answers shows how/);
    // Weakening the checker instead: refused before anything runs.
    edit(dir, 'explorer/invariants.ts', 'export', '// trainee was here\nexport');
    expect(await refusedInProcess(dir, 'fix')).toEqual([
      expect.stringMatching(/^only the Enactor and its clean-up may change .*: you changed explorer\/invariants\.ts$/),
    ]);
  });

  it('fix: switching on a shipped safeguard from the Enactor fails, however its path is spelt; so does a computed import', async () => {
    const dir = await traineeCopy('fix');
    const plan = "import type { Plan } from './plan.ts';";
    edit(dir, 'lambdas/core/enactor.ts', plan, `${plan}\nimport * as wtc from './safeguards/write-time-check.ts';\nvoid wtc;`);
    expect(await refusedInProcess(dir, 'fix')).toEqual(['your change uses a shipped safeguard: write it yourself']);
    // Module resolution, not the text: an escaped path to the same module, from a new file of the trainee's.
    await exec('git', ['checkout', '--', 'lambdas/core/enactor.ts'], { cwd: dir });
    writeFileSync(join(dir, 'lambdas/core/my-check.ts'), "export * from './/./errors.ts/../safeguards/../safeguards/write-time-check.ts';\n");
    edit(dir, 'lambdas/core/enactor.ts', plan, `${plan}\nimport * as mine from './my-check.ts';\nvoid mine;`);
    expect(await refusedInProcess(dir, 'fix')).toEqual(['your change uses a shipped safeguard: write it yourself']);
    // A name the judge cannot resolve before it runs, and a Node built-in (a worker thread is where the explorer runs).
    writeFileSync(
      join(dir, 'lambdas/core/my-check.ts'),
      "import { isMainThread } from 'node:worker_threads';\nconst where = './safe' + 'guards/write-time-check.ts';\nexport const load = () => (isMainThread ? undefined : import(where));\n",
    );
    expect(await refusedInProcess(dir, 'fix')).toEqual([
      'your change imports a module by a computed name: import it by its path, so the judge sees what your code uses',
    ]);
    writeFileSync(join(dir, 'lambdas/core/my-check.ts'), "import { isMainThread } from 'node:worker_threads';\nexport const explored = !isMainThread;\n");
    expect(await refusedInProcess(dir, 'fix')).toEqual([
      "your change imports node:worker_threads, outside the domain (lambdas/core/): the domain's code imports nothing else",
    ]);
  });

  it('fix: the judge runs from a pristine copy: an edit to the verifier, or a start commit moved in the progress file, does not pass', async () => {
    const dir = await traineeCopy('fix');
    // The verifier told to pass everything, and no Enactor change: the edit is never run, only refused.
    edit(
      dir,
      'training/code-exercises.ts',
      '  const checks = await changeChecks(input, rules);',
      '  return result([check(true, "all good")]);\n  const checks = await changeChecks(input, rules);',
    );
    const edited = await verify(dir, 'fix');
    expect(edited.failing).toEqual([
      expect.stringMatching(/^only the Enactor and its clean-up may change .*: you changed training\/code-exercises\.ts$/),
      'the Enactor or its clean-up has a change of yours',
    ]);
    await exec('git', ['checkout', '--', 'training/code-exercises.ts'], { cwd: dir });
    // A checker that finds nothing, committed, and the progress file pointed at that commit.
    edit(
      dir,
      'explorer/invariants.ts',
      '  const violations: Violation[] = [];\n  const state',
      '  return [];\n  const violations: Violation[] = [];\n  const state',
    );
    await exec('git', ['-c', 'user.email=t@lab', '-c', 'user.name=t', 'commit', '-qam', 'a quieter checker'], { cwd: dir });
    const { stdout: moved } = await exec('git', ['rev-parse', 'HEAD'], { cwd: dir });
    const progressFile = join(dir, '.racelab-training.json');
    const progress = JSON.parse(readFileSync(progressFile, 'utf8')) as { exercises: Record<string, { base?: string }> };
    progress.exercises.fix!.base = moved.trim();
    writeFileSync(progressFile, JSON.stringify(progress));
    edit(dir, 'lambdas/core/enactor.ts', "outcome: 'stuck'", "outcome: 'gave-up'");
    const forged = await verify(dir, 'fix');
    expect(forged.passed).toBe(false);
    expect(forged.failing[0]).toMatch(/^\.racelab-training\.json names start commit [0-9a-f]{12}, but exercise start recorded [0-9a-f]{12} in git/);
    expect(forged.failing[1]).toMatch(/you changed explorer\/invariants\.ts$/);
  });

  it('fix: a start commit older than the judge (no bin/judge.js) is named, with the fix', async () => {
    const dir = await traineeCopy('fix');
    await exec('git', ['-c', 'user.email=t@lab', '-c', 'user.name=t', 'rm', '-q', 'bin/judge.js'], { cwd: dir });
    await exec('git', ['-c', 'user.email=t@lab', '-c', 'user.name=t', 'commit', '-qm', 'a lab from before the judge'], { cwd: dir });
    const { stdout: base } = await exec('git', ['rev-parse', 'HEAD'], { cwd: dir });
    const outcome = await judgeInPristineCopy({ exercise: exerciseById('fix')!, answers: {}, root: dir, base: base.trim() });
    expect(outcome).toEqual({
      passed: false,
      checks: [{ ok: false, says: `your start commit ${base.slice(0, 12)} is older than this lab's judge: run racelab exercise start fix again` }],
    });
  });

  it('fix: state kept outside the state value is refused; a move that makes two calls fails, saying to split it', async () => {
    const dir = await traineeCopy('fix');
    // A module-level variable: the explorer keys an Enactor by its state value, and would not see it.
    edit(dir, 'lambdas/core/enactor.ts', '/** When the settings name no limit', 'export let seenStale = 0;\n\n/** When the settings name no limit');
    expect(await refusedInProcess(dir, 'fix')).toEqual([
      'your change keeps state in a module-level variable: keep what the Enactor carries in its state value (lambdas/core/enactor-state.ts)',
    ]);
    await exec('git', ['checkout', '--', 'lambdas/core/enactor.ts'], { cwd: dir });
    // A fence read inside the move that sends the batch: two calls in one move.
    edit(dir, 'lambdas/core/enactor.ts', '    await ctx.dns.change(batch);', '    await ctx.store.newestPlan();\n    await ctx.dns.change(batch);');
    const { code, stdout } = await racelab(dir, 'check', '--json', '--quiet');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /the move \\"send\\" made a second call on the world \(store\.newestPlan, then zone\.change [^)]*\): a move makes at most one; split it in two/,
    );
  });

  it('recover: unmodified, or with a change that does not recover, it fails; the answer key passes, though the race still empties an endpoint', async () => {
    const dir = await traineeCopy('recover');
    expect(await refusedInProcess(dir, 'recover')).toEqual(['the Enactor or its clean-up has a change of yours']);
    // Giving up quietly instead of recording "stuck" is a change, but not a recovery.
    edit(dir, 'lambdas/core/enactor.ts', "outcome: 'stuck'", "outcome: 'gave-up'");
    const quiet = await verify(dir, 'recover');
    expect(quiet.failing.find((says) => says.startsWith('converges: violated'))).toBeDefined();
    await exec('git', ['checkout', '--', 'lambdas/core/enactor.ts'], { cwd: dir });
    await applyPatch(dir, 'recover.patch');
    // The recovery made not idempotent: it writes the lost plan's row again, and the second time the row is there.
    const newest =
      '    const newest = await ctx.store.newestPlan();\n    const plan = newest && newest.generation > state.work.plan.generation ? newest : state.work.plan;';
    edit(dir, 'lambdas/core/enactor.ts', newest, '    await ctx.store.putPlan(state.work.plan);\n    const plan = state.work.plan;');
    const twice = await verify(dir, 'recover');
    expect(twice.failing[0]).toMatch(
      /^no-crash: violated: the next Enactor cycle, run alone after this interleaving, failed: PlanExists: plan generation \d+ already exists/,
    );
    await exec('git', ['checkout', '--', 'lambdas/core/enactor.ts'], { cwd: dir });
    await applyPatch(dir, 'recover.patch');
    const recovered = await verify(dir, 'recover');
    expect(recovered.failing).toEqual([]);
    expect(recovered.checks.map((item) => item.says)).toContain('the race still empties an endpoint, so the recovery was tested against it');
  });

  it('stabilize: unmodified, retrying harder, or with a shipped lever it fails, saying why; the answer key passes', async () => {
    const dir = await traineeCopy('stabilize');
    const dwfm = 'lambdas/core/cascade/dwfm.ts';
    expect(await refusedInProcess(dir, 'stabilize')).toEqual(['DWFM has a change of yours']);
    // Retrying harder: abandon an attempt at half the timeout. More attempts share the same capacity, and the collapse stays.
    edit(dir, dwfm, 't + 1 - attempt.startedAt >= settings.dwfm.attemptTimeoutSeconds', 't + 1 - attempt.startedAt >= settings.dwfm.attemptTimeoutSeconds / 2');
    const harder = await verify(dir, 'stabilize');
    expect(harder.failing).toHaveLength(1);
    expect(harder.failing[0]).toMatch(
      /^case 1 of 50 \(seed 2025, 1,000 droplets, DNS out from \+20 s to \+180 s\) is metastable: .*up to 1,000 attempts were in flight, sharing DWFM's 15 leases a second, so each needed 67 s against its 10 s timeout; [\d,]+ timed out .*goodput was 0 % of capacity.*Retrying harder .* more attempts in flight on the same capacity: each takes longer, more time out/,
    );
    await exec('git', ['checkout', '--', dwfm], { cwd: dir });
    // The shipped lever by name, then without it: the throttle forced on, which runs the same queueMax path.
    const admission = 'const admission = admissionControlled(input.levers, controls);';
    edit(dir, dwfm, admission, "const admission = admissionControlled([...input.levers, 'admission-control'], controls);");
    expect(await refusedInProcess(dir, 'stabilize')).toEqual([
      "your change switches on a shipped lever (admission-control or backoff-jitter): write the admission control yourself, in DWFM's code",
    ]);
    await exec('git', ['checkout', '--', dwfm], { cwd: dir });
    edit(dir, dwfm, admission, 'const admission = admissionControlled(input.levers, { ...controls, throttled: true });');
    expect((await verify(dir, 'stabilize')).failing).toEqual([
      expect.stringMatching(/^your change runs the shipped admission-control lever: .* dwfm\.queueMax/),
    ]);
    await exec('git', ['checkout', '--', dwfm], { cwd: dir });
    await applyPatch(dir, 'stabilize.patch');
    const stable = await verify(dir, 'stabilize');
    expect(stable.failing).toEqual([]);
    expect(stable.checks.at(-1)!.says).toMatch(/^50 outages, fleets of 1,000 to 3,000: none metastable, no renewal lost/);
  });
});
