// The project's root folder (where package.json is), found from this module's
// own place, so it is right whether the code runs from its source or compiled
// into dist/<build>/ (bin/build.js).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('cannot find the project folder (no package.json above this module)');
  }
}

export const PROJECT_ROOT = findRoot();

/** The scenario a run plays when given none: the outage itself (scenarios/ holds it; scenario/files.ts loads it). */
export const DEFAULT_SCENARIO = 'oct-2025';

/** The version in package.json, for `racelab --version`. */
export function projectVersion(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
