// The scenario format as a JSON Schema, for editors (scenarios/*.json name it
// in "$schema"): completion and checking while you type. Generated from the
// zod schema, the one definition; the cross-field checks (endpoints that
// exist, steps in time order, …) stay racelab's. `npm run schema` rewrites
// the file; a test fails when it is out of date.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { SCENARIOS_DIR } from './files.ts';
import { scenarioSchema } from './schema.ts';

export const JSON_SCHEMA_FILE = join(SCENARIOS_DIR, 'scenario.schema.json');

export function scenarioJsonSchema(): Record<string, unknown> {
  // "input": what a file may say, defaults optional (racelab fills them in).
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://github.com/dns-race-lab/dns-race-lab/scenarios/scenario.schema.json',
    title: 'dns-race-lab scenario',
    description: 'A race scenario: actors, steps by second and by event (gates), faults, the story it tells and the outcome it expects. See docs/scenarios.md.',
  };
}

export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(JSON_SCHEMA_FILE, scenarioJsonSchemaText());
  process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
}
