// `racelab exercise --help` and `exercise start --help` teach without giving
// answers away: every exercise listed, from the exercises themselves; no
// observe answer (the actor, the second, the plan) in an example.
import { describe, expect, it } from 'vitest';
import { command } from '../../cli/commands/exercise.ts';
import { EXERCISES, outageFacts } from '../../training/exercises.ts';

function help(path: string[]): string {
  let target = command();
  for (const name of path) target = target.commands.find((sub) => sub.name() === name)!;
  let text = '';
  target.configureOutput({ writeOut: (chunk) => void (text += chunk) });
  target.outputHelp();
  return text;
}

describe('exercise help', () => {
  it('lists every exercise, in exercise and in exercise start', () => {
    for (const text of [help([]), help(['start'])]) {
      EXERCISES.forEach((exercise, i) => expect(text).toMatch(new RegExp(`^ +${i + 1}\\. ${exercise.id} `, 'm')));
    }
  });

  it("gives none of observe's answers", async () => {
    const facts = await outageFacts();
    const text = help([]);
    expect(text).not.toMatch(new RegExp(`emptied-by=${facts.emptiedBy}|plan=g?${facts.liveGeneration}\\b|second=\\d`));
    expect(text).toContain('--answer emptied-by=<actor>');
  });
});
