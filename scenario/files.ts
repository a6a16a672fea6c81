// Finds and loads scenario files: by name from scenarios/, or by path. Every
// problem is a ScenarioError with one readable message (the CLI exits 2 on it).
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';
import { parseScenario, type Scenario } from './schema.ts';
import { ScenarioError } from './scenario-error.ts';

export const SCENARIOS_DIR = join(PROJECT_ROOT, 'scenarios');

export async function scenarioNames(): Promise<string[]> {
  const files = await readdir(SCENARIOS_DIR);
  return files.filter((file) => file.endsWith('.json') && !file.endsWith('.schema.json')).map((file) => basename(file, '.json')).sort();
}

/** A scenario name (scenarios/NAME.json) or a path to a JSON file. */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const isPath = nameOrPath.endsWith('.json') || nameOrPath.includes('/');
  const path = isPath ? resolve(nameOrPath) : join(SCENARIOS_DIR, `${nameOrPath}.json`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    const known = (await scenarioNames()).join(', ');
    throw new ScenarioError(isPath ? `cannot read scenario file ${path}` : `no scenario named "${nameOrPath}"; known scenarios: ${known} (or give a path to a .json file)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseScenario(data, path);
}
