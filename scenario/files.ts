// Finds and loads scenario files: by name from scenarios/, or by path. Every
// problem is a ScenarioError with one readable message (the CLI exits 2 on it).
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';
import { readBounded, type BoundedText } from './read-bounded.ts';
import { parseScenario, type Scenario } from './schema.ts';
import { ScenarioError } from './scenario-error.ts';
import { terminalText } from './terminal-text.ts';

export const SCENARIOS_DIR = join(PROJECT_ROOT, 'scenarios');

export async function scenarioNames(): Promise<string[]> {
  const files = await readdir(SCENARIOS_DIR);
  return files
    .filter((file) => file.endsWith('.json') && !file.endsWith('.schema.json'))
    .map((file) => basename(file, '.json'))
    .sort();
}

const SCENARIO_BYTES_MAX = 1_000_000;

/** Why a scenario path cannot be read, in words, with a hint when the user meant a scenario's name. */
async function whyUnreadable(error: unknown, nameOrPath: string): Promise<string> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'it is a directory; give a .json file';
  if (code === 'EACCES') return 'permission denied';
  if (code !== 'ENOENT') return (error as Error).message;
  const name = basename(nameOrPath, '.json');
  const isName = !nameOrPath.includes('/') && (await scenarioNames()).includes(name);
  return isName ? `no such file here; to run the scenario of that name, give the name alone: racelab run ${name}` : 'no such file';
}

/** A scenario name (scenarios/NAME.json) or a path to a JSON file. */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const isPath = nameOrPath.endsWith('.json') || nameOrPath.includes('/');
  const path = isPath ? resolve(nameOrPath) : join(SCENARIOS_DIR, `${nameOrPath}.json`);
  let read: BoundedText;
  try {
    // A scenario is a few kilobytes: a huge file (or /dev/zero, or an endless pipe) is refused after the bound, never read into memory whole.
    read = await readBounded(path, SCENARIO_BYTES_MAX);
  } catch (error) {
    if (!isPath)
      throw new ScenarioError(`no scenario named "${nameOrPath}"; known scenarios: ${(await scenarioNames()).join(', ')} (or give a path to a .json file)`);
    throw new ScenarioError(`cannot read scenario file ${path}: ${await whyUnreadable(error, nameOrPath)}`);
  }
  if (!read.complete) {
    const size = read.size === undefined ? `more than ${SCENARIO_BYTES_MAX / 1e6} MB long` : `${(read.size / 1e6).toFixed(1)} MB`;
    throw new ScenarioError(`${path} is ${size}; a scenario file is a few kilobytes (at most ${SCENARIO_BYTES_MAX / 1e6} MB)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(read.text);
  } catch (error) {
    // The parser quotes the text around the mistake: show its control characters, do not send them.
    throw new ScenarioError(`${path} is not valid JSON: ${terminalText((error as Error).message)}`);
  }
  return parseScenario(data, path);
}
