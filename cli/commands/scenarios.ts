// racelab scenarios: what can be run, what each is expected to show, and the
// story each tells with no safeguard and with each safeguard alone.
import { Command } from 'commander';
import type { Safeguard } from '../../lambdas/core/safeguards/index.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { terminalText as shown } from '../../scenario/terminal-text.ts';
import { exitWith } from '../command-options.ts';

export function command(): Command {
  return new Command('scenarios')
    .description('list the scenarios and what each is expected to show')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => exitWith(await scenariosCommand(options)));
}

function stories(scenario: Scenario) {
  const bySafeguard = Object.entries(scenario.expect.safeguards).map(([name, entry]) => ({
    safeguards: [name as Safeguard],
    outcome: entry!.outcome,
    story: entry!.story,
  }));
  return [{ safeguards: [] as Safeguard[], outcome: scenario.expect.outcome, story: scenario.expect.story }, ...bySafeguard];
}

export async function scenariosCommand(options: { json?: boolean }): Promise<number> {
  // The scenario model (zod) loads when the command runs, not when racelab starts.
  const { healthyWith } = await import('../../scenario/expectations.ts');
  const { loadScenario, scenarioNames } = await import('../../scenario/files.ts');
  const scenarios = await Promise.all((await scenarioNames()).map((name) => loadScenario(name)));
  const rows = scenarios.map((s) => ({
    name: s.name,
    title: s.title,
    expect: s.expect.outcome,
    healthyWith: healthyWith(s),
    endpoints: s.endpoints,
    stories: stories(s),
    // A scenario with a cascade: what it does with no lever, and with each lever alone.
    ...(s.cascade
      ? {
          cascade: s.expect.cascade ?? null,
          levers: Object.entries(s.expect.levers).map(([lever, entry]) => ({
            lever,
            metastable: entry!.metastable,
            recovered: entry!.recovered,
            story: entry!.story,
          })),
        }
      : {}),
  }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const row of rows) {
    process.stdout.write(`${row.name}\n  ${shown(row.title)}\n  expected: ${row.expect}; healthy with any of: ${row.healthyWith.join(', ') || '(none)'}\n`);
    for (const { safeguards, outcome, story } of row.stories) {
      if (!story.length) continue;
      process.stdout.write(`  story ${safeguards.length ? `with ${safeguards.join(', ')}` : 'with no safeguard'} (${outcome}):\n`);
      story.forEach((line, i) => process.stdout.write(`    ${i + 1}. ${shown(line.says)}\n`));
    }
    const said = (c: { metastable: boolean; recovered: boolean }) =>
      `${c.metastable ? 'metastable' : 'not metastable'}, ${c.recovered ? 'recovers' : 'does not recover'}`;
    if (row.cascade) process.stdout.write(`  the cascade with no lever: ${said(row.cascade)}\n`);
    for (const lever of row.levers ?? []) {
      process.stdout.write(`  the cascade with -s ${lever.lever}: ${said(lever)}\n`);
      lever.story.forEach((line, i) => process.stdout.write(`    ${i + 1}. ${shown(line.says)}\n`));
    }
  }
  return 0;
}
