// racelab scenarios: what can be run, and what each is expected to show.
import { loadScenario, scenarioNames } from '../scenario-files.ts';

export async function scenariosCommand(options: { json?: boolean }): Promise<number> {
  const scenarios = await Promise.all((await scenarioNames()).map((name) => loadScenario(name)));
  const rows = scenarios.map((s) => ({ name: s.name, title: s.title, expect: s.expect.outcome, healthyWith: s.expect.healthyWith, endpoints: s.endpoints }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const row of rows) {
    process.stdout.write(`${row.name}\n  ${row.title}\n  expected: ${row.expect}; healthy with any of: ${row.healthyWith.join(', ') || '(none)'}\n`);
  }
  return 0;
}
