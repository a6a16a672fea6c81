// Compiles the CLI's TypeScript to JavaScript under dist/ (one .js per .ts, the
// same tree, relative imports pointing at .js), so `racelab` starts without
// compiling anything. `npm ci` runs it (the prepare script), and bin/racelab.js
// runs it again whenever a source file is newer than the build in use, so a
// change to lambdas/core is in the very next `racelab run` or `racelab check`.
//
// Each build goes to its own folder and dist/current names the one to use,
// switched by an atomic rename: racelab processes started side by side, or one
// still loading modules lazily, never see a half-written build.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CURRENT = join(DIST, 'current');
/** The layers the CLI loads at run time (docs/architecture.md). */
const SOURCE_DIRS = ['bin', 'cli', 'training', 'explorer', 'targets', 'report', 'local', 'infra', 'scenario', 'lambdas'];
/** Builds no process started from can still be loading: older than this, and not current. */
const STALE_BUILD_MS = 60 * 60 * 1000;

/** Every TypeScript source file the CLI may load, relative to the root. */
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return files;
}

/** The folder of the build in use, if there is one. */
export function currentBuild() {
  try {
    const dir = join(DIST, readFileSync(CURRENT, 'utf8').trim());
    return existsSync(join(dir, '.built')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The build in use is missing, or some source file (or this script, or the lockfile) changed after it. */
export function buildIsStale() {
  const dir = currentBuild();
  if (!dir) return true;
  const built = statSync(join(dir, '.built')).mtimeMs;
  return [...sourceFiles(), 'bin/build.js', 'package-lock.json'].some((file) => statSync(join(ROOT, file)).mtimeMs > built);
}

/** Compiles every source file into a new build folder, makes it current, and returns it. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const name = `build-${Date.now()}-${process.pid}`;
  const out = join(DIST, name);
  const relativeToJs = {
    name: 'relative-imports-to-js',
    setup(builder) {
      // Each module stays on its own (nothing is bundled); relative imports point at the compiled file.
      builder.onResolve({ filter: /^\.\.?\// }, (args) =>
        args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true },
      );
    },
  };
  await esbuild({
    entryPoints: sourceFiles().map((file) => join(ROOT, file)),
    outdir: out,
    outbase: ROOT,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    // A failed build falls back to tsx (runEntry); its errors, one per module when dist/ cannot be written, are told under RACELAB_DEBUG only.
    logLevel: 'silent',
    plugins: [relativeToJs],
  });
  writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
  mkdirSync(DIST, { recursive: true });
  const pointer = `${CURRENT}.${process.pid}`;
  writeFileSync(pointer, `${name}\n`);
  renameSync(pointer, CURRENT);
  prune(name);
  return out;
}

/**
 * Runs an entry point of bin/ ('racelab', the CLI; 'app', the CDK app) from the build in use,
 * compiling first if a source file changed since, so it starts without compiling TypeScript
 * and runs the code as it is in the working tree. Without esbuild (an install without dev
 * dependencies) it loads the TypeScript through tsx.
 */
export async function runEntry(name) {
  let dir = currentBuild();
  if (buildIsStale()) {
    try {
      dir = await build();
    } catch (error) {
      if (process.env.RACELAB_DEBUG) process.stderr.write(`racelab: could not compile bin/${name}.ts (${error.message}); loading it through tsx\n`);
      dir = undefined;
    }
  }
  if (dir) {
    await import(pathToFileURL(join(dir, 'bin', `${name}.js`)).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(join(ROOT, 'bin', `${name}.ts`)).href);
  }
}

function prune(keep) {
  for (const entry of readdirSync(DIST)) {
    const path = join(DIST, entry);
    if (entry !== keep && entry.startsWith('build-') && Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const out = await build();
  console.log(`racelab: compiled ${sourceFiles().length} modules into ${relative(ROOT, out)}/ in ${Math.round(performance.now() - started)} ms`);
}
