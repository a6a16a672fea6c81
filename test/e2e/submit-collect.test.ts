// A room's work, handed in and judged again: a trainee verifies observe and
// fix, submits; the facilitator collects the folder. The judged points stand;
// a forged submission (the local score edited to claim passes, wrong answers,
// no change, a start commit the lab never had) keeps only its claim, and a file
// that is not a submission is named and skipped.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Collected } from '../../training/collect.ts';
import type { Submission } from '../../training/submission.ts';
import { exec, LAB_ROOT, racelab, removeCopies, removeTemplates, traineeCopy } from '../support/trainee-copy.ts';

afterEach(removeCopies);
afterAll(removeTemplates);

describe('exercise submit and collect', () => {
  it('judges every submission again: the honest one scores, the forged one keeps only its claim', async () => {
    const dir = await traineeCopy('observe', 'fix');
    await racelab(dir, 'exercise', 'hint', 'observe');
    const observe = await racelab(dir, 'exercise', 'verify', 'observe', '--answer', 'emptied-by=az-b', '--answer', 'second=17', '--answer', 'plan=g2');
    expect(observe.code).toBe(0);
    await exec('git', ['apply', join(LAB_ROOT, 'docs/training/answer-keys/fix.patch')], { cwd: dir });
    expect((await racelab(dir, 'exercise', 'verify', 'fix')).code).toBe(0);
    await racelab(dir, 'run', 'oct-2025', '--save', 'my-run.json');

    const room = join(dir, 'room');
    mkdirSync(room);
    const submitted = await racelab(dir, 'exercise', 'submit', '--out', 'room/alice.json', '--name', 'alice', '--run', 'my-run.json');
    expect(submitted.stdout).toMatch(/^wrote .*alice\.json: 2 exercise\(s\) \(2 passed here\), 1 saved run\(s\), as alice/);
    const alice = JSON.parse(readFileSync(join(room, 'alice.json'), 'utf8')) as Submission;
    expect(alice.exercises.map((work) => [work.id, work.hints, work.passedLocally])).toEqual([
      ['observe', 1, true],
      ['fix', 0, true],
    ]);
    expect(alice.exercises[1]!.patch).toContain('diff --git a/lambdas/core/enactor.ts b/lambdas/core/enactor.ts');

    // Forged: passes claimed, no hints, wrong answers, the change dropped; and a start commit this lab never had.
    const forged: Submission = {
      ...alice,
      trainee: 'mallory',
      runs: [],
      exercises: [
        { ...alice.exercises[0]!, hints: 0, answers: { 'emptied-by': 'az-a', second: '3', plan: 'g7' } },
        { ...alice.exercises[1]!, patch: '' },
        { ...alice.exercises[1]!, id: 'recover', base: 'f'.repeat(40) },
      ],
    };
    writeFileSync(join(room, 'mallory.json'), JSON.stringify(forged));
    writeFileSync(join(room, 'notes.json'), '{"todo": "bring snacks"}');

    // The trainee's lab has their fix in it: collect refuses to judge there. The facilitator's is a clean clone.
    expect((await racelab(dir, 'exercise', 'collect', 'room')).stderr).toMatch(/the lab here has changes of its own \(lambdas\/core\/enactor\.ts\)/);
    const facilitator = `${dir}-facilitator`;
    await exec('git', ['clone', '-q', dir, facilitator]);
    const { code, stdout, stderr } = await racelab(facilitator, 'exercise', 'collect', room, '--json', '--html', 'room.html');
    expect(code).toBe(0);
    expect(stderr).toContain('racelab: judging alice: fix');
    const collected = JSON.parse(stdout) as Collected;
    expect(collected.leaderboard.map((trainee) => [trainee.trainee, trainee.points, trainee.claimed])).toEqual([
      ['alice', 180, 180],
      ['mallory', 0, 300],
    ]);
    const [, mallory] = collected.leaderboard;
    expect(mallory!.exercises.map((item) => [item.id, item.passed, item.failed])).toEqual([
      ['observe', false, "emptied-by: the write that emptied dynamodb.us-east-1 (a clean-up's delete)"],
      ['fix', false, 'the Enactor or its clean-up has a change of yours'],
      ['recover', false, `its start commit ${'f'.repeat(12)} is not in this lab's history: the trainee did not start from the lab as handed out`],
    ]);
    expect(collected.leaderboard[0]!.exercises[1]!.changed).toEqual({
      files: ['lambdas/core/enactor.ts'],
      functions: expect.arrayContaining([expect.any(String)]),
    });
    expect(collected.refused).toEqual([{ file: 'notes.json', why: expect.stringMatching(/^notes\.json is not a racelab submission \(kind: /) }]);
    expect(collected.debrief.find((row) => row.id === 'fix')).toEqual({ id: 'fix', passed: ['alice'], failed: ['mallory'] });
    const page = readFileSync(join(facilitator, 'room.html'), 'utf8');
    rmSync(facilitator, { recursive: true, force: true });
    expect(page).toContain('<meta name="generator" content="racelab collect v1">');
    expect(page).toContain('<b>mallory</b>');
  });
});
