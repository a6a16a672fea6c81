// The pristine judge (training/pristine-judge.ts): verify one code exercise with
// this copy of the lab, on the trainee's tree at --root against the start commit
// --base, and print the outcome as JSON. An entry of its own rather than a
// racelab command, so the copy compiles only what judging loads (about 1,400
// modules, not the whole CLI's 3,000) before it judges, on every verify.
import '../local/node-compat.ts';
import { parseArgs } from 'node:util';
import { processEnvironment } from '../infra/environment.ts';
import { exerciseById } from '../training/exercises.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { root: { type: 'string' }, base: { type: 'string' }, answers: { type: 'string', default: '{}' } },
});
const exercise = exerciseById(positionals[0] ?? '');
if (!exercise || values.root === undefined || values.base === undefined) {
  process.stderr.write('usage: judge.js <exercise> --root <dir> --base <commit> [--answers <json>] (run by racelab exercise verify)\n');
  process.exit(2);
}
const answers = JSON.parse(values.answers) as Record<string, string>;
const outcome = await exercise.verify({ answers, env: processEnvironment(), base: values.base, root: values.root });
process.stdout.write(`${JSON.stringify(outcome)}\n`);
