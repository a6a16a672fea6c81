// The layer map of docs/architecture.md holds for the whole tree (`npm run lint`
// checks it too), and it bites: a scratch tree with an upward import, a loop and
// a command importing another command fails it. And cli/ stays the commands.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IReporterOutput } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs');
const LAYERS: string[] = config.layers;

async function violations(baseDir: string, folders: string[]): Promise<string[]> {
  const result: IReporterOutput = await cruise(folders, { ruleSet: config, ...config.options, baseDir, tsConfig: undefined, validate: true });
  if (typeof result.output === 'string') throw new Error(result.output);
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

/** cli/ holds the commands and what only a terminal needs (issue 20): work that grows there belongs in a room below. */
const CLI_LINES_MAX = 2_500;

describe('the layer map', () => {
  it(`keeps cli/ to the commands: at most ${CLI_LINES_MAX.toLocaleString('en')} lines`, () => {
    const files = readdirSync('cli', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    const lines = files.reduce((sum, file) => sum + readFileSync(join('cli', file), 'utf8').split('\n').length - 1, 0);
    expect(lines).toBeLessThanOrEqual(CLI_LINES_MAX);
  });

  it('holds for the whole tree: no upward import, no command importing another, no loop', async () => {
    expect(await violations(process.cwd(), LAYERS)).toEqual([]);
  });

  it('fails an upward import, a sideways one between rooms, a loop and a command that imports another command', async () => {
    const root = mkdtempSync(join(tmpdir(), 'layer-map-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('lambdas/core/enactor.ts', "import '../../cli/style.ts';\nexport const a = 1;\n");
    write('cli/style.ts', 'export const b = 2;\n');
    write('scenario/a.ts', "import './b.ts';\nexport const c = 3;\n");
    write('scenario/b.ts', "import './a.ts';\nexport const d = 4;\n");
    write('cli/commands/run.ts', "import './up.ts';\nexport const e = 5;\n");
    write('cli/commands/up.ts', 'export const f = 6;\n');
    // Rooms on one line of the map sit side by side: the explorer never reaches a deployed target.
    write('explorer/search.ts', "import '../targets/target.ts';\nexport const g = 7;\n");
    write('targets/target.ts', 'export const h = 8;\n');
    const found = await violations(root, ['lambdas', 'cli', 'scenario', 'explorer', 'targets']);
    expect(found).toEqual(
      expect.arrayContaining([
        'core-is-pure: lambdas/core/enactor.ts → cli/style.ts',
        'lambdas-stays-down: lambdas/core/enactor.ts → cli/style.ts',
        'no-circular: scenario/a.ts → scenario/b.ts',
        'commands-do-not-import-commands: cli/commands/run.ts → cli/commands/up.ts',
        'explorer-stays-down: explorer/search.ts → targets/target.ts',
      ]),
    );
  });
});
