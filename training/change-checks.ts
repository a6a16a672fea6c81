// What a code exercise's change may be: where it may go, what it may not use,
// and that there is one. Read from the trainee's git (the change since the
// exercise's start commit) and from module resolution (what the changed files
// reach, as esbuild bundles them), never from the judge's own files: the judge
// runs from a pristine copy of the lab (pristine-judge.ts).
import { check, type ChangeRules, type VerifyInput, type VerifyResult } from './exercise-model.ts';

/** The domain, which a change may import from (and nothing else: no package, no Node built-in). */
const DOMAIN = 'lambdas/core/';

/**
 * A module-level let or var added (a top-level line, as prettier writes it; "+" in a diff, bare in a new file): state
 * kept outside the state value, where the explorer, which keys an Enactor by that value, cannot see it, and which a
 * Lambda does not keep from one tick to the next.
 */
const MODULE_STATE = /^\+?(export )?(let|var) /m;

/** The process the code runs in: code that reads it could behave one way under the judge and another in a Lambda. */
const PROCESS_READ = /\bprocess\.[A-Za-z]|\bglobalThis\b|\bimport\.meta\b/;

export interface Changes {
  /** Every file changed since the start commit, untracked ones included. */
  files: string[];
  /** The lines added under lambdas/core, and new files there whole. */
  added: string;
  /** Files not tracked by git (new). */
  created: string[];
}

const git = async (root: string, ...args: string[]) => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  return (await promisify(execFile)('git', args, { cwd: root, maxBuffer: 32 * 1024 * 1024 })).stdout;
};
const lines = (text: string) => text.split('\n').filter(Boolean);

/** Files changed since `base` (HEAD when unknown), untracked ones included, and the lines added under lambdas/core. */
export async function changesSince(root: string, base: string | undefined): Promise<Changes> {
  const from = base ?? 'HEAD';
  const tracked = lines(await git(root, 'diff', '--name-only', from));
  const created = lines(await git(root, 'ls-files', '--others', '--exclude-standard'));
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const newCode = await Promise.all(created.filter((file) => file.startsWith(DOMAIN)).map((file) => readFile(join(root, file), 'utf8')));
  const diff = lines(await git(root, 'diff', from, '--', 'lambdas/core')).filter((line) => line.startsWith('+') && !line.startsWith('+++'));
  return { files: [...new Set([...tracked, ...created])].sort(), added: [...diff, ...newCode].join('\n'), created };
}

/** Which of the changed files the rules allow: the rules' own, and new .ts files in their folder. */
export function allowedBy(rules: ChangeRules, created: readonly string[]): (file: string) => boolean {
  const newFile = new RegExp(`^${rules.newFilesIn.replace(/[/.]/g, '\\$&')}/[^/]+\\.ts$`);
  return (file) => rules.changeable.includes(file) || (created.includes(file) && newFile.test(file));
}

/** What the changed files reach, by module resolution: the project's files, and the imports left outside (packages, built-ins). */
async function reached(root: string, entries: string[]): Promise<{ files: string[]; external: string[] } | { error: string }> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return { error: 'verify resolves what your change imports with esbuild, a dev dependency that is not installed: run npm ci in the lab' };
  }
  try {
    const built = await esbuild.build({
      absWorkingDir: root,
      entryPoints: entries,
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      outdir: 'judge-out',
      logLevel: 'silent',
    });
    // Every import as written, even one the bundle would shake out: what the code asks for is what is judged.
    const inputs = Object.values(built.metafile.inputs);
    const external = inputs.flatMap((input) => input.imports.filter((item) => item.external).map((item) => item.path));
    return { files: Object.keys(built.metafile.inputs).sort(), external: [...new Set(external)].sort() };
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}: ` : '';
    return { error: `your change cannot be read (${where}${first?.text ?? (error as Error).message}): fix it, then verify again` };
  }
}

/** An import() or require() of anything but a string literal: what it loads cannot be resolved before it runs. */
const COMPUTED_IMPORT = /\b(import|require)\s*\(\s*(?!(['"])[^'"`]*\2\s*\))/;

/** What the changed files import, judged by where it resolves: the domain only, and no shipped answer. */
async function importChecks(root: string, rules: ChangeRules, entries: string[], added: string): Promise<VerifyResult['checks']> {
  if (!entries.length) return [];
  const found = await reached(root, entries);
  const computed = COMPUTED_IMPORT.test(added);
  if ('error' in found) return [check(false, found.error)];
  const outside = [...found.files.filter((file) => !file.startsWith(DOMAIN)), ...found.external];
  const shipped = rules.shipped.modules ? found.files.filter((file) => rules.shipped.modules!.test(file)) : [];
  return [
    check(
      outside.length === 0 && !computed,
      computed
        ? 'your change imports a module by a computed name: import it by its path, so the judge sees what your code uses'
        : outside.length
          ? `your change imports ${outside.join(', ')}, outside the domain (${DOMAIN}): the domain's code imports nothing else`
          : `your change imports only the domain (${DOMAIN})`,
    ),
    ...(rules.shipped.modules ? [check(shipped.length === 0, shipped.length ? rules.shipped.used : rules.shipped.unused)] : []),
  ];
}

/** Where the change may go (the rules' files, never the safeguards, levers, checker, explorer or tests), and that there is one. */
export async function changeChecks(input: VerifyInput, rules: ChangeRules): Promise<VerifyResult['checks']> {
  const changes = await changesSince(input.root, input.base).catch((error: Error & { stderr?: string }) => error);
  if (changes instanceof Error) {
    const why = `${changes.stderr ?? ''}\n${changes.message}`
      .split('\n')
      .find((line) => line.trim())!
      .trim();
    return [check(false, `verify compares your change with git, and git could not (${why}): work in a git clone of the lab, and run exercise start there`)];
  }
  const { files, added, created } = changes;
  const allowed = allowedBy(rules, created);
  // Notes in Markdown are the trainee's own business; any code, test or configuration outside the rules' files is not.
  const outside = files.filter((file) => !allowed(file) && !file.endsWith('.md'));
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const changedCode = files.filter((file) => allowed(file) && existsSync(join(input.root, file)));
  const usesShipped = rules.shipped.pattern.test(added);
  const imports = outside.length ? [] : await importChecks(input.root, rules, changedCode, added);
  const keepsModuleState = MODULE_STATE.test(added);
  const readsProcess = PROCESS_READ.test(added);
  const shippedByImport = imports.find((item) => item.says === rules.shipped.used);
  return [
    check(
      outside.length === 0,
      outside.length
        ? `only ${rules.what} may change (${rules.changeable.join(', ')}, or a new file in ${rules.newFilesIn}): you changed ${outside.join(', ')}`
        : `your change stays in ${rules.what}`,
    ),
    // One line for a shipped answer, whether named or imported.
    shippedByImport ?? check(!usesShipped, usesShipped ? rules.shipped.used : rules.shipped.unused),
    ...imports.filter((item) => item !== shippedByImport && item.says !== rules.shipped.unused),
    check(
      !keepsModuleState,
      keepsModuleState
        ? `your change keeps state in a module-level variable: ${rules.stateValue}`
        : `your change keeps no state outside ${rules.whose} state value`,
    ),
    ...(readsProcess
      ? [
          check(
            false,
            'your change reads the process it runs in (process, globalThis or import.meta): the domain behaves the same ' +
              'wherever it runs, in a Lambda or under the judge',
          ),
        ]
      : []),
    check(
      files.some(allowed),
      input.base ? `${rules.changed} has a change of yours` : `${rules.changed} has a change of yours (since HEAD: run exercise start first)`,
    ),
  ];
}
