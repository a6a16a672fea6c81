// racelab exercise bundle: everything a training room needs to install the lab
// on every laptop with no network, prepared once on a connected machine. The
// bundle is a folder: the lab as a git bundle (a clone's whole history in one
// file: the code exercises need a git clone) and an npm cache holding every
// package the lockfile names, with the registry's metadata for each, for the
// laptops' platforms. On a laptop, install.sh clones the lab from the bundle
// and runs `npm ci --offline --cache <bundle>/npm-cache`: npm makes no network
// request, and fails at once (ENOTCACHED) rather than fall back to the Wi-Fi.
//
// The cache is filled with `npm cache add` from the lockfile of the commit
// bundled, not by an install: one install would cache only this machine's
// platform packages (esbuild's, rolldown's and lightningcss's binaries), and a
// laptop of another platform would miss them. Before it is handed out, the
// bundle is proved on this machine: a fresh clone from it, `npm ci --offline`
// with every proxy pointing at a closed port, and `racelab run oct-2025`.
import { lstat, mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Environment } from '../infra/environment.ts';
import { UsageError } from '../scenario/usage-error.ts';
import { runTool, type ToolRun } from './tool-run.ts';

export const BUNDLE_FILES = {
  repository: 'dns-race-lab.bundle',
  cache: 'npm-cache',
  install: 'install.sh',
  readme: 'README.txt',
  manifest: 'bundle.json',
} as const;

/** Laptops' platforms a bundle serves unless told: macOS on Apple silicon and Intel, Linux and Windows on x64, Linux on arm64. */
export const DEFAULT_PLATFORMS = ['darwin-arm64', 'darwin-x64', 'linux-x64', 'linux-arm64', 'win32-x64'] as const;

/** Bounds on the npm and git steps: a registry that stops answering must not hang the bundle for ever. */
export const BUNDLE_TIMEOUTS_MS: Readonly<{ git: number; cacheAdd: number; install: number; smoke: number }> = {
  git: 120_000,
  cacheAdd: 900_000,
  install: 900_000,
  smoke: 120_000,
};

/** Specs per `npm cache add`: Windows' command line holds about 8,000 characters. */
const SPECS_PER_CALL = 100;

export interface Platform {
  os: string;
  cpu: string;
}

export interface BundleOptions {
  /** The folder to create: absent, or an empty folder. */
  out: string;
  /** The lab's git clone, whose HEAD is bundled. */
  root: string;
  /** The laptops' platforms ("darwin-arm64" …), or "all". */
  platforms: readonly string[];
  /** Prove the bundle with an offline install in a temporary folder (default true). */
  verify?: boolean;
  env: Environment;
  /** What proves the installed lab (run in the fresh clone with Node): by default `racelab run oct-2025`. */
  smoke?: readonly string[];
  timeoutsMs?: Partial<typeof BUNDLE_TIMEOUTS_MS>;
  onProgress?: (what: string) => void;
  /** Aborted (Ctrl-C): git and npm are killed, the partial bundle removed, and the promise rejects with BundleInterrupted. */
  signal?: AbortSignal;
}

export class BundleInterrupted extends Error {
  override readonly name = 'BundleInterrupted';
}

export interface BundleResult {
  out: string;
  commit: string;
  branch?: string;
  /** Files changed and not committed: not in the bundle. */
  uncommitted: number;
  registry: string;
  platforms: string[];
  packages: number;
  /** Platform packages left out (another os or cpu). */
  leftOut: number;
  bytes: { repository: number; cache: number; total: number };
  verified?: { installMs: number; smokeMs: number };
  ms: number;
}

interface LockEntry {
  name?: string;
  version?: string;
  inBundle?: boolean;
  link?: boolean;
  resolved?: string;
  os?: string[];
  cpu?: string[];
}

export function parsePlatforms(given: readonly string[]): Platform[] | 'all' {
  const names = given
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  if (names.includes('all')) return 'all';
  const chosen = names.length ? names : [...DEFAULT_PLATFORMS];
  const current = `${process.platform}-${process.arch}`;
  return [...new Set([...chosen, current])].map((name) => {
    const match = /^([a-z0-9]+)-([a-z0-9]+)$/.exec(name);
    if (!match) throw new UsageError(`--platform "${name}" is not OS-CPU as Node names them (e.g. darwin-arm64, linux-x64, win32-x64), or "all"`);
    return { os: match[1]!, cpu: match[2]! };
  });
}

/** npm's rule for a package's os and cpu lists: "!x" excludes x; otherwise, if any are listed, one must match. */
const allows = (list: string[] | undefined, value: string) => {
  if (!list?.length) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((item) => !item.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
};

/** The packages of a lockfile (version 2 or 3) as name@version specs, those for none of the platforms left out. */
export function lockfileSpecs(lock: unknown, platforms: Platform[] | 'all'): { specs: string[]; leftOut: string[] } {
  const packages = (lock as { packages?: Record<string, LockEntry> }).packages;
  if (!packages) throw new UsageError('package-lock.json has no "packages" (lockfileVersion 2 or 3): run npm install once with npm 7 or newer, and commit it');
  const specs = new Set<string>();
  const leftOut = new Set<string>();
  for (const [path, entry] of Object.entries(packages)) {
    // The root, the workspace links and the packages another package carries inside it are not fetched.
    if (!path || entry.link || entry.inBundle || !entry.version) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const spec = `${name}@${entry.version}`;
    const wanted = platforms === 'all' || platforms.some((platform) => allows(entry.os, platform.os) && allows(entry.cpu, platform.cpu));
    (wanted ? specs : leftOut).add(spec);
  }
  return { specs: [...specs].sort(), leftOut: [...leftOut].filter((spec) => !specs.has(spec)).sort() };
}

/** The last lines of what a tool said, for an error. */
const tail = (run: ToolRun) =>
  (run.stderr.trim() || run.stdout.trim())
    .split('\n')
    .filter((line) => !/^npm (warn|notice)/.test(line))
    .slice(-4)
    .join(' / ')
    .slice(0, 600);

async function must(what: string, run: Promise<ToolRun>, timeoutMs: number): Promise<ToolRun> {
  const done = await run;
  if (done.error === 'interrupted') throw new BundleInterrupted(`${what} was interrupted`);
  if (!done.found) throw new UsageError(`${what}: the command is not on PATH`);
  if (done.timedOut) throw new Error(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s`);
  if (done.code !== 0) throw new Error(`${what} failed (${done.error ?? `exit code ${done.code}`}): ${tail(done)}`);
  return done;
}

async function sizeOf(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

/** The bundle's folder must be new, or an empty folder: a bundle never replaces what is there. */
async function checkOut(out: string): Promise<void> {
  const info = await stat(out).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`--out ${out} is a file; give a new folder for the bundle`);
  if (info && (await readdir(out)).length) throw new UsageError(`--out ${out} is a folder with files in it; give a new or empty folder for the bundle`);
  const parent = await stat(dirname(out)).catch(() => undefined);
  if (!parent?.isDirectory()) throw new UsageError(`--out ${out}: its folder ${dirname(out)} does not exist`);
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function installScript(registry: string): string {
  return `#!/bin/sh
# Installs dns-race-lab from this bundle with no network (racelab exercise bundle
# wrote it). Usage: sh install.sh [FOLDER]   (default: ./dns-race-lab)
# Copy the bundle onto the laptop first: npm writes its logs into the cache.
set -eu
bundle=$(cd "$(dirname "$0")" && pwd)
dest=\${1:-dns-race-lab}
git clone "$bundle/${BUNDLE_FILES.repository}" "$dest"
cd "$dest"
# --offline: from the cache only; a package missing from it fails at once (ENOTCACHED), never the network.
npm ci --offline --cache "$bundle/${BUNDLE_FILES.cache}" --registry ${shellQuote(registry)} --no-audit --no-fund
echo
echo "Installed in $(pwd). Is this laptop ready?"
node bin/racelab.js exercise preflight
`;
}

function readme(result: Omit<BundleResult, 'ms' | 'verified' | 'bytes' | 'out'>, registry: string): string {
  return `dns-race-lab, ready to install with no network
==============================================

Commit ${result.commit}${result.branch ? ` (${result.branch})` : ''}; ${result.packages} npm packages for ${result.platforms.join(', ')}.

On each laptop (copy this folder onto it first, e.g. from a USB stick), from the
folder that should hold the lab:

  sh BUNDLE/install.sh          # macOS, Linux: git clone + npm ci --offline + racelab exercise preflight

or by hand (Windows PowerShell too):

  git clone BUNDLE/${BUNDLE_FILES.repository} dns-race-lab
  cd dns-race-lab
  npm ci --offline --cache BUNDLE/${BUNDLE_FILES.cache} --registry ${registry} --no-audit --no-fund
  node bin/racelab.js exercise preflight

where BUNDLE is this folder's path (after the cd, ../BUNDLE for a relative one).
The laptop needs Node.js (22.13 or newer), npm and git; docs/training/room.md says more.
`;
}

export async function makeBundle(options: BundleOptions): Promise<BundleResult> {
  const started = performance.now();
  const timeouts = { ...BUNDLE_TIMEOUTS_MS, ...options.timeoutsMs };
  const out = resolve(options.out);
  const platforms = parsePlatforms(options.platforms);
  await checkOut(out);
  const git = (args: string[]) =>
    must(
      `git ${args[0]}`,
      runTool('git', args, { env: options.env, signal: options.signal, timeoutMs: timeouts.git, cwd: options.root, maxChars: 64 * 2 ** 20 }),
      timeouts.git,
    );
  const commit = (
    await git(['rev-parse', 'HEAD']).catch((error: Error) => {
      throw new UsageError(`${options.root} must be a git clone of the lab: the bundle holds its last commit (${error.message})`);
    })
  ).stdout.trim();
  const branch =
    (
      await runTool('git', ['symbolic-ref', '--short', '-q', 'HEAD'], { env: options.env, signal: options.signal, timeoutMs: timeouts.git, cwd: options.root })
    ).stdout.trim() || undefined;
  const uncommitted = (await git(['status', '--porcelain', '--untracked-files=no'])).stdout.split('\n').filter(Boolean).length;
  // The lockfile of the commit bundled, not the working tree's: the laptops install from that commit.
  const lock = JSON.parse((await git(['show', `${commit}:package-lock.json`])).stdout) as unknown;
  const { specs, leftOut } = lockfileSpecs(lock, platforms);
  const npm = (what: string, args: string[], timeoutMs: number, cwd = options.root, env = options.env) =>
    must(what, runTool('npm', args, { env, signal: options.signal, timeoutMs, cwd }), timeoutMs);
  const registry = (await npm('npm config get registry', ['config', 'get', 'registry'], timeouts.git)).stdout.trim();

  // Built beside its place and renamed into it at the end: an interrupted bundle is never taken for a whole one.
  const partial = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial);
  try {
    options.onProgress?.(`git bundle of ${commit.slice(0, 12)}${branch ? ` (${branch})` : ''}`);
    await git(['bundle', 'create', join(partial, BUNDLE_FILES.repository), 'HEAD', ...(branch ? [branch] : [])]);
    const cache = join(partial, BUNDLE_FILES.cache);
    for (let i = 0; i < specs.length; i += SPECS_PER_CALL) {
      options.onProgress?.(`npm cache add: packages ${i + 1}-${Math.min(specs.length, i + SPECS_PER_CALL)} of ${specs.length} from ${registry}`);
      const batch = specs.slice(i, i + SPECS_PER_CALL);
      await npm('npm cache add', ['cache', 'add', '--cache', cache, '--registry', registry, ...batch], timeouts.cacheAdd);
    }
    await rm(join(cache, '_logs'), { recursive: true, force: true });
    const described = {
      commit,
      ...(branch ? { branch } : {}),
      uncommitted,
      registry,
      platforms: platforms === 'all' ? ['all'] : platforms.map((platform) => `${platform.os}-${platform.cpu}`),
      packages: specs.length,
      leftOut: leftOut.length,
    };
    await writeFile(join(partial, BUNDLE_FILES.install), installScript(registry), { mode: 0o755 });
    await writeFile(join(partial, BUNDLE_FILES.readme), readme(described, registry));
    await writeFile(join(partial, BUNDLE_FILES.manifest), `${JSON.stringify({ format: 'racelab-room-bundle', version: 1, ...described }, null, 2)}\n`);
    const verified = options.verify === false ? undefined : await verifyBundle(partial, registry, options, timeouts);
    if (await stat(out).catch(() => undefined)) await rmdir(out);
    await rename(partial, out);
    const bytes = {
      repository: await sizeOf(join(out, BUNDLE_FILES.repository)),
      cache: await sizeOf(join(out, BUNDLE_FILES.cache)),
      total: await sizeOf(out),
    };
    return { out, ...described, bytes, ...(verified ? { verified } : {}), ms: Math.round(performance.now() - started) };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Every proxy at a closed port: should npm (or an install script) try the network, it fails loudly. */
const NO_NETWORK = {
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  npm_config_proxy: 'http://127.0.0.1:9',
  npm_config_https_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '',
  no_proxy: '',
  npm_config_noproxy: '',
};

/** A laptop's install, in a temporary folder: a clone from the bundle, npm ci offline, then the smoke run. */
async function verifyBundle(
  bundle: string,
  registry: string,
  options: BundleOptions,
  timeouts: typeof BUNDLE_TIMEOUTS_MS,
): Promise<{ installMs: number; smokeMs: number }> {
  const scratch = await mkdtemp(join(tmpdir(), 'racelab-bundle-check-'));
  const lab = join(scratch, 'lab');
  const env = { ...options.env, ...NO_NETWORK };
  try {
    options.onProgress?.('proving the bundle: a fresh clone from it, npm ci --offline with no network, then racelab run oct-2025');
    const at = performance.now();
    await must(
      'git clone of the bundle',
      runTool('git', ['clone', '-q', join(bundle, BUNDLE_FILES.repository), lab], { env, signal: options.signal, timeoutMs: timeouts.git }),
      timeouts.git,
    );
    const install = ['ci', '--offline', '--cache', join(bundle, BUNDLE_FILES.cache), '--registry', registry, '--no-audit', '--no-fund'];
    await must(
      'npm ci --offline from the bundle',
      runTool('npm', [...install, '--logs-dir', join(scratch, 'logs')], { env, signal: options.signal, timeoutMs: timeouts.install, cwd: lab }),
      timeouts.install,
    );
    const installMs = Math.round(performance.now() - at);
    const smokeAt = performance.now();
    const smoke = options.smoke ?? ['bin/racelab.js', 'run', 'oct-2025'];
    await must(
      `node ${smoke.join(' ')} in the installed lab`,
      runTool(process.execPath, smoke, { env, signal: options.signal, timeoutMs: timeouts.smoke, cwd: lab }),
      timeouts.smoke,
    );
    return { installMs, smokeMs: Math.round(performance.now() - smokeAt) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
