// Compiles the CLI into a bundle under dist/, so `racelab` starts without
// compiling anything and without resolving and reading a thousand files: the
// project's modules and the pure-JavaScript packages they use (the AWS SDK,
// aws-local-stepfunctions, commander, zod …) become a few chunks, split where a
// command loads its heavy modules lazily, so `racelab --help` still loads none of
// them. Every output sits in one folder: an entry point (racelab.js, app.js, each
// *-worker.js a worker thread starts) is beside every chunk, as
// explorer/worker-thread.ts expects. `npm ci` runs it (the prepare script), and
// bin/racelab.js runs it again whenever a file the build read is newer than the
// build in use, so a change to lambdas/core is in the very next `racelab run` or
// `racelab check`.
//
// Each build goes to its own folder and dist/current names the one to use,
// switched by an atomic rename: racelab processes started side by side, or one
// still loading chunks lazily, never see a half-written build.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CURRENT = join(DIST, 'current');
/** The layers the CLI loads at run time (docs/architecture.md); worker threads' entries (*-worker.ts) are found in them. */
const SOURCE_DIRS = ['bin', 'cli', 'training', 'explorer', 'targets', 'report', 'local', 'infra', 'scenario', 'lambdas'];
/**
 * Packages the CLI bundle leaves in node_modules: a native addon (classic-level), packages that
 * read their own files or require modules by computed names at run time (dynalite), the build and
 * the TypeScript loader themselves, and the CDK, which only the app loads.
 */
const UNBUNDLED = ['classic-level', 'dynalite', 'esbuild', 'tsx', 'aws-cdk-lib', 'constructs'];
/**
 * Packages a bundled package imports at its top for work the CLI never asks of it, by importer: the CLI bundle
 * gets a stand-in for each that loads the package from node_modules on first use, so a run does not load and
 * compile 0.8 MB of code it never calls. aws-local-stepfunctions validates a definition with asl-validator (ajv,
 * JSONata), which local/run-embedded.ts turns off, and invokes Lambda functions through the SDK, where every
 * Task of an embedded run is bound to a local handler. The names are the ones the importer imports: a new one
 * fails the build, never a run.
 */
const DEFERRED = {
  'aws-local-stepfunctions': {
    'asl-validator': ['default'],
    '@aws-sdk/client-lambda': ['LambdaClient', 'InvokeCommand'],
    '@aws-sdk/credential-providers': ['fromCognitoIdentityPool'],
  },
};
/** Files besides the bundle's inputs that make a build stale. */
const BUILD_FILES = ['bin/build.js', 'package-lock.json'];
/** Builds no process started from can still be loading: older than this, and not current. */
const STALE_BUILD_MS = 60 * 60 * 1000;

/** The entry points: the CLI, the CDK app, and each worker thread's module (name → source). */
function entryPoints() {
  const workers = {};
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('-worker.ts')) workers[entry.name.replace(/\.ts$/, '')] = path;
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return { cli: { racelab: 'bin/racelab.ts', ...workers }, judge: { judge: 'bin/judge.ts', ...workers }, app: { app: 'bin/app.ts' } };
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

/** The project files (not packages) a build was made from, relative to the root. */
export function buildInputs(dir) {
  return JSON.parse(readFileSync(join(dir, '.inputs.json'), 'utf8'));
}

/** The build in use is missing, or a file it was built from (or this script, or the lockfile) changed or went since. */
export function buildIsStale() {
  const dir = currentBuild();
  if (!dir) return true;
  try {
    const built = statSync(join(dir, '.built')).mtimeMs;
    return [...buildInputs(dir), ...BUILD_FILES].some((file) => statSync(join(ROOT, file)).mtimeMs > built);
  } catch {
    return true; // an input moved or was deleted, or the build is from before .inputs.json
  }
}

/** The esbuild plugin that puts DEFERRED's stand-ins in place of the packages (exported for its test). */
export const deferring = {
  name: 'racelab-deferred',
  setup(build) {
    const NAMESPACE = 'racelab-deferred';
    const names = [...new Set(Object.values(DEFERRED).flatMap(Object.keys))];
    const filter = new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    // The stand-in's own require() of the package stays a require() at run time.
    build.onResolve({ filter, namespace: NAMESPACE }, ({ path }) => ({ path, external: true }));
    build.onResolve({ filter }, ({ path, importer }) => {
      const by = Object.keys(DEFERRED).find((name) => importer.includes(`/node_modules/${name}/`));
      return by && DEFERRED[by][path] ? { path, namespace: NAMESPACE, pluginData: DEFERRED[by][path] } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path, pluginData: exports }) => {
      // Called or constructed, each export loads the package then; `require` is the bundle's (its banner).
      const lines = [
        `const load = (name) => { const module = require(${JSON.stringify(path)}); return name === 'default' && !module.__esModule ? module : module[name]; };`,
      ];
      for (const name of exports) {
        const body = `return new.target ? new (load('${name}'))(...args) : load('${name}').apply(this, args);`;
        lines.push(name === 'default' ? `export default function (...args) { ${body} }` : `export function ${name}(...args) { ${body} }`);
      }
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/**
 * `import { env } from 'node:process'` (the AWS SDK's user agent does it) makes Node build that module's ES
 * facade, which reads every property of `process`, allowedNodeEnvironmentFlags too: a set of every flag Node
 * takes, slow to build (15 ms of CPU, at every start that loads the SDK). The bundle reads the same values from
 * the global instead, each where it is imported (and only those: the reads are pure, so esbuild drops the rest).
 */
export const processFromGlobal = {
  name: 'racelab-process',
  setup(build) {
    const NAMESPACE = 'racelab-process';
    build.onResolve({ filter: /^(node:)?process$/ }, ({ path, kind }) => (kind === 'import-statement' ? { path, namespace: NAMESPACE } : undefined));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => {
      const names = Object.keys(process).filter((name) => name !== 'allowedNodeEnvironmentFlags' && /^[A-Za-z_$][\w$]*$/.test(name));
      const lines = ['export default process;', ...names.map((name) => `export const ${name} = /* @__PURE__ */ (() => process.${name})();`)];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/** esbuild's options for a build of the CLI's code into `out`: shared by the CLI's build and the judge's. */
function codeOptions(out) {
  return {
    absWorkingDir: ROOT,
    outdir: out,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    platform: 'node',
    format: 'esm',
    // The machines this runs on include Node 20.20 (below the floor package.json states, see the README).
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    // A failed build falls back to tsx (runEntry); its errors are told under RACELAB_DEBUG only.
    logLevel: 'silent',
  };
}

/** The CLI's own options beyond codeOptions: what it bundles, and how (the judge's build shares them). */
const BUNDLED_PACKAGES = {
  external: UNBUNDLED,
  plugins: [deferring, processFromGlobal],
  // A package's ES module build first (as the Lambda bundles, infra/lab-function.ts): the `await import()`
  // of a CommonJS package in a split bundle has only a default export, so `{ Route53Client }` would be undefined.
  mainFields: ['module', 'main'],
  // Bundled CommonJS packages call require() for Node's own modules; an ES module has none of its own.
  banner: { js: "import { createRequire as __racelabRequire } from 'node:module'; const require = __racelabRequire(import.meta.url);" },
};

/** Compiles the CLI and the CDK app into a new build folder, makes it current, and returns it. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const name = `build-${Date.now()}-${process.pid}`;
  const out = join(DIST, name);
  const entries = entryPoints();
  const [cli, app] = await Promise.all([
    esbuild({ ...codeOptions(out), ...BUNDLED_PACKAGES, entryPoints: entries.cli }),
    // The CDK app runs once per synth and loads aws-cdk-lib, which stays a package: no bundling of packages.
    esbuild({ ...codeOptions(out), entryPoints: entries.app, packages: 'external' }),
  ]);
  const inputs = [...new Set([...Object.keys(cli.metafile.inputs), ...Object.keys(app.metafile.inputs)])].filter(
    (file) => !file.startsWith('node_modules/') && !file.includes(':'),
  );
  writeFileSync(join(out, '.inputs.json'), `${JSON.stringify(inputs.sort(), null, 1)}\n`);
  writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
  mkdirSync(DIST, { recursive: true });
  const pointer = `${CURRENT}.${process.pid}`;
  writeFileSync(pointer, `${name}\n`);
  renameSync(pointer, CURRENT);
  prune(name);
  return out;
}

/**
 * Compiles the pristine judge (bin/judge.ts) and the worker threads it starts into a build folder of its own, and
 * returns it. Never current: the judge runs once, in a copy of the lab made for it and removed after.
 */
export async function buildJudge() {
  const { build: esbuild } = await import('esbuild');
  const out = join(DIST, `build-judge-${Date.now()}-${process.pid}`);
  await esbuild({ ...codeOptions(out), ...BUNDLED_PACKAGES, entryPoints: entryPoints().judge });
  return out;
}

/**
 * Runs an entry point of bin/ ('racelab', the CLI; 'app', the CDK app) from the build in use,
 * compiling first if a source file changed since, so it starts without compiling TypeScript
 * and runs the code as it is in the working tree. Without esbuild (an install without dev
 * dependencies) it loads the TypeScript through tsx.
 */
export async function runEntry(name) {
  // V8's code cache on disk (Node 22.1 and later; NODE_COMPILE_CACHE names its folder): the
  // next process skips compiling the bundle. On older Node the call is simply not there.
  module.enableCompileCache?.();
  // The judge is compiled afresh each time: it runs once, in a fresh copy of the lab.
  let dir = name === 'judge' ? undefined : currentBuild();
  if (name === 'judge' || buildIsStale()) {
    try {
      dir = name === 'judge' ? await buildJudge() : await build();
    } catch (error) {
      if (process.env.RACELAB_DEBUG) process.stderr.write(`racelab: could not compile bin/${name}.ts (${error.message}); loading it through tsx\n`);
      dir = undefined;
    }
  }
  if (dir) {
    await import(pathToFileURL(join(dir, `${name}.js`)).href);
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
  console.log(`racelab: compiled ${buildInputs(out).length} modules into ${relative(ROOT, out)}/ in ${Math.round(performance.now() - started)} ms`);
}
