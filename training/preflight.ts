// racelab exercise preflight: is this laptop ready for the training? One check
// per thing a session needs (Node and npm, git, dig, the AWS CLI, the ports the
// workbook's `racelab up` listens on, a folder to keep progress in, and one
// quick run of the outage on the embedded target), each with what it found
// and, when it is not right, the fix. Every child process and the run are
// bounded in time: a hung `aws` makes its line fail, never the whole check hang.
//
// A tool only some exercises use (git, dig, the AWS CLI, the ports) fails the
// check when an exercise of the session needs it, and is a warning otherwise;
// an AWS CLI too old to read AWS_ENDPOINT_URL_* is a warning, since
// --endpoint-url on each command still reaches the lab.
import { createSocket } from 'node:dgram';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Environment } from '../infra/environment.ts';
import { UsageError } from '../scenario/usage-error.ts';
import { AWS_CLI_ENDPOINT_VARIABLES_FROM, AWS_CLI_ENDPOINT_VARIABLES_VERSIONS } from '../local/aws-cli.ts';
import { EXERCISES } from './exercises.ts';
import { loadProgress, progressPath } from './progress.ts';
import { runTool, type ToolRun } from './tool-run.ts';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export type CheckId = 'node' | 'npm' | 'git' | 'dig' | 'aws' | 'ports' | 'folder' | 'run';

export interface PreflightCheck {
  id: CheckId;
  /** What is checked, in a few words. */
  title: string;
  status: CheckStatus;
  /** What was found: versions, paths, the run's verdict. */
  found: string;
  /** For a warning or a failure: what to do about it. */
  fix?: string;
  /** The exercises that need it. */
  neededBy: string[];
  /** How long the check took, in ms. */
  ms: number;
}

export interface UpPorts {
  dynamodb: number;
  route53: number;
  dns: number;
}

/** The ports trainee.md's `racelab up` listens on (exercises 2 and 3): a test holds the workbook to them. */
export const WORKBOOK_PORTS: UpPorts = { dynamodb: 8000, route53: 8053, dns: 5300 };

export const PORT_OPTIONS = { dynamodb: '--dynamodb-port', route53: '--route53-port', dns: '--dns-port' } as const;

/** Which exercises need what, beyond Node, npm, a writable folder and a working lab (every exercise). */
export const NEEDS = {
  git: ['fix', 'recover', 'stabilize'],
  dig: ['detect', 'mitigate', 'freeze'],
  aws: ['detect', 'mitigate', 'freeze'],
  ports: ['detect', 'mitigate', 'freeze'],
} as const satisfies Partial<Record<CheckId, readonly string[]>>;

/** The lowest Node below package.json's engines that the suite runs on in CI (README, "Node.js 22.13 or newer"). */
export const NODE_TESTED_FLOOR = [20, 20, 0] as const;

/** npm reads a lockfileVersion 3 package-lock.json from npm 7 on. */
export const NPM_FLOOR = [7, 0, 0] as const;

/** Bounds: a version query, a tool against the lab, the quick run. */
export const PREFLIGHT_TIMEOUTS_MS: Readonly<{ tool: number; labTool: number; run: number }> = { tool: 10_000, labTool: 20_000, run: 60_000 };

export interface PreflightOptions {
  /** The exercises of the session (ids); a tool none of them needs is a warning when missing. Default: all. */
  exercises?: readonly string[];
  /** The ports `racelab up` will be given; 0 for one it picks itself (nothing to check). */
  ports: UpPorts;
  /** Where the progress file is kept: the folder racelab runs from. */
  cwd: string;
  /** The lab's folder (package.json, the git clone). */
  root: string;
  /** The environment child processes get (PATH finds the tools). */
  env: Environment;
  /** Tests: another Node version, platform or bound. */
  nodeVersion?: string;
  platform?: NodeJS.Platform;
  timeoutsMs?: Partial<typeof PREFLIGHT_TIMEOUTS_MS>;
  /** Tests: leave out the quick run (and the tools' checks against its lab). */
  skipRun?: boolean;
  /** Told when a check that may take more than a second starts. */
  onProgress?: (what: string) => void;
  /** Aborted (Ctrl-C): the tools running are killed with what they started. */
  signal?: AbortSignal;
}

export interface PreflightResult {
  /** No check failed (warnings allowed): the exit code is 0. */
  ready: boolean;
  exercises: string[];
  checks: PreflightCheck[];
  ms: number;
}

type Version = readonly number[];

export const parseVersion = (text: string, pattern = /(\d+)\.(\d+)\.(\d+)/): Version | undefined => {
  const match = pattern.exec(text);
  return match ? match.slice(1, 4).map(Number) : undefined;
};

export const compareVersions = (a: Version, b: Version): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

const dotted = (version: Version) => version.join('.');

/** Whether this AWS CLI version reads AWS_ENDPOINT_URL_* (by its version: 1.29.0 and 2.13.0 added them). */
export function awsCliReadsEndpointVariables(version: Version): boolean {
  const from = AWS_CLI_ENDPOINT_VARIABLES_FROM[version[0] as 1 | 2] ?? (version[0]! > 2 ? [0] : undefined);
  return from !== undefined && compareVersions(version, from) >= 0;
}

/** The first line of what a tool said, for a message. */
const firstLine = (run: ToolRun) => (run.stderr.trim() || run.stdout.trim()).split('\n')[0]?.slice(0, 200) || `exit code ${run.code}`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** A tool that did not answer its version query as a tool should: the sentence, or undefined when it did. */
function unanswered(run: ToolRun, query: string, timeoutMs: number): string | undefined {
  if (run.timedOut) return `\`${query}\` did not answer within ${seconds(timeoutMs)}`;
  if (run.error) return `\`${query}\` could not start (${run.error})`;
  if (run.code !== 0) return `\`${query}\` failed: ${firstLine(run)}`;
  return undefined;
}

interface Context {
  env: Environment;
  platform: NodeJS.Platform;
  timeouts: typeof PREFLIGHT_TIMEOUTS_MS;
  root: string;
  /** Whether an exercise of the session needs it: a missing tool then fails, otherwise it warns. */
  needed: (needs: readonly string[]) => boolean;
  signal?: AbortSignal;
}

type Outcome = Omit<PreflightCheck, 'ms'>;

const installHint = {
  git: {
    linux: 'apt-get install git (Debian, Ubuntu) or dnf install git (Fedora)',
    darwin: 'xcode-select --install (or brew install git)',
    win32: 'install Git for Windows (git-scm.com)',
  },
  dig: {
    linux: 'apt-get install dnsutils (Debian, Ubuntu) or dnf install bind-utils (Fedora)',
    darwin: 'brew install bind',
    win32: "install BIND's tools (dig.exe), or run the lab in WSL",
  },
  aws: {
    linux: 'install the AWS CLI v2 (docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), or pip install awscli',
    darwin: 'brew install awscli',
    win32: 'install the AWS CLI v2 (its MSI installer)',
  },
} as const;

const hintFor = (tool: keyof typeof installHint, platform: NodeJS.Platform) =>
  installHint[tool][platform === 'darwin' || platform === 'win32' ? platform : 'linux'];

const needsList = (needs: readonly string[]) => needs.join(', ');

/** A missing or broken optional tool: a failure when the session needs it, a warning when it does not. */
function optional(ctx: Context, needs: readonly string[], check: Omit<Outcome, 'status' | 'neededBy'>): Outcome {
  if (ctx.needed(needs)) return { ...check, status: 'fail', neededBy: [...needs] };
  return { ...check, found: `${check.found} (only ${needsList(needs)} need it, and this session leaves them out)`, status: 'warn', neededBy: [...needs] };
}

export async function checkNode(ctx: Context, nodeVersion: string): Promise<Outcome> {
  const neededBy = EXERCISES.map((exercise) => exercise.id);
  const version = parseVersion(nodeVersion) ?? [0, 0, 0];
  const pkg = JSON.parse(await readFile(join(ctx.root, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  const wanted = parseVersion(pkg.engines?.node ?? '', /^>=\s*(\d+)\.(\d+)\.(\d+)$/);
  const install =
    `install Node ${wanted ? `${wanted[0]}.${wanted[1]}` : '22.13'} or newer (nodejs.org; or, without root: ` +
    'npm install --prefix ~/.cache/racelab-node node@24 and put ~/.cache/racelab-node/node_modules/node/bin first on PATH)';
  if (!wanted || compareVersions(version, wanted) >= 0) {
    return {
      id: 'node',
      title: 'Node.js',
      status: 'pass',
      found: `${dotted(version)}${wanted ? ` (package.json asks for ${dotted(wanted)} or newer)` : ''}`,
      neededBy,
    };
  }
  if (compareVersions(version, NODE_TESTED_FLOOR) >= 0) {
    return {
      id: 'node',
      title: 'Node.js',
      status: 'warn',
      found:
        `${dotted(version)}, below the ${dotted(wanted)} package.json asks for: ` +
        `the lab runs on it (CI tests ${dotted(NODE_TESTED_FLOOR.slice(0, 2))}), but npm ci warns EBADENGINE`,
      fix: install,
      neededBy,
    };
  }
  return {
    id: 'node',
    title: 'Node.js',
    status: 'fail',
    found: `${dotted(version)}, below the ${dotted(wanted)} package.json asks for`,
    fix: install,
    neededBy,
  };
}

export async function checkNpm(ctx: Context): Promise<Outcome> {
  const neededBy = EXERCISES.map((exercise) => exercise.id);
  const base = { id: 'npm' as const, title: 'npm', neededBy };
  const run = await runTool('npm', ['--version'], { env: ctx.env, signal: ctx.signal, timeoutMs: ctx.timeouts.tool });
  if (!run.found) {
    return {
      ...base,
      status: 'fail',
      found: 'not found (npm ci installs the lab, npx runs racelab)',
      fix: 'install npm: apt-get install npm (Debian and Ubuntu package it apart from nodejs), or Node from nodejs.org, which brings it',
    };
  }
  const trouble = unanswered(run, 'npm --version', ctx.timeouts.tool);
  const version = parseVersion(run.stdout);
  if (trouble || !version)
    return { ...base, status: 'fail', found: trouble ?? `\`npm --version\` said "${firstLine(run)}"`, fix: 'reinstall Node.js, which brings npm' };
  if (compareVersions(version, NPM_FLOOR) < 0) {
    return {
      ...base,
      status: 'fail',
      found: `${dotted(version)}: npm ci needs ${NPM_FLOOR[0]} or newer to read package-lock.json`,
      fix: 'install Node 22.13 or newer, which brings npm 10',
    };
  }
  return { ...base, status: 'pass', found: dotted(version) };
}

export async function checkGit(ctx: Context): Promise<Outcome> {
  const base = { id: 'git' as const, title: 'git' };
  const run = await runTool('git', ['--version'], { env: ctx.env, signal: ctx.signal, timeoutMs: ctx.timeouts.tool });
  if (!run.found) return optional(ctx, NEEDS.git, { ...base, found: 'not found', fix: hintFor('git', ctx.platform) });
  const trouble = unanswered(run, 'git --version', ctx.timeouts.tool);
  if (trouble) return optional(ctx, NEEDS.git, { ...base, found: trouble, fix: `reinstall git: ${hintFor('git', ctx.platform)}` });
  const version = parseVersion(run.stdout) ?? [];
  // The code exercises judge a change against the commit they started from: the lab must be a clone, not a copy.
  const head = await runTool('git', ['rev-parse', '--short', 'HEAD'], { env: ctx.env, signal: ctx.signal, timeoutMs: ctx.timeouts.tool, cwd: ctx.root });
  if (head.code !== 0 || head.timedOut) {
    return optional(ctx, NEEDS.git, {
      ...base,
      found: `${dotted(version)}, but ${ctx.root} is not a git clone (${head.timedOut ? 'git rev-parse timed out' : firstLine(head)})`,
      fix: 'the code exercises judge your change against a commit: clone the lab with git (in a room without network: git clone dns-race-lab.bundle)',
    });
  }
  return { ...base, status: 'pass', found: `${dotted(version)}; the lab is a clone, at ${head.stdout.trim()}`, neededBy: [...NEEDS.git] };
}

/** What the dig and AWS CLI checks learn from the tool's version query; their check against the lab comes after the run. */
interface ToolFound {
  outcome: Outcome;
  /** The tool answers, and may be tried against the lab. */
  usable: boolean;
}

export async function findDig(ctx: Context): Promise<ToolFound> {
  const base = { id: 'dig' as const, title: 'dig' };
  const run = await runTool('dig', ['-v'], { env: ctx.env, signal: ctx.signal, timeoutMs: ctx.timeouts.tool });
  if (!run.found) return { outcome: optional(ctx, NEEDS.dig, { ...base, found: 'not found', fix: hintFor('dig', ctx.platform) }), usable: false };
  const trouble = unanswered(run, 'dig -v', ctx.timeouts.tool);
  if (trouble) return { outcome: optional(ctx, NEEDS.dig, { ...base, found: trouble, fix: `reinstall it: ${hintFor('dig', ctx.platform)}` }), usable: false };
  // dig -v prints "DiG 9.18.28-1~deb12u2-Debian" on stderr.
  const version = parseVersion(`${run.stderr}\n${run.stdout}`, /DiG (\d+)\.(\d+)\.(\d+)/);
  return { outcome: { ...base, status: 'pass', found: version ? dotted(version) : firstLine(run), neededBy: [...NEEDS.dig] }, usable: true };
}

export async function findAwsCli(ctx: Context): Promise<ToolFound> {
  const base = { id: 'aws' as const, title: 'AWS CLI' };
  const run = await runTool('aws', ['--version'], { env: ctx.env, signal: ctx.signal, timeoutMs: ctx.timeouts.tool });
  if (!run.found) return { outcome: optional(ctx, NEEDS.aws, { ...base, found: 'not found', fix: hintFor('aws', ctx.platform) }), usable: false };
  const trouble = unanswered(run, 'aws --version', ctx.timeouts.tool);
  if (trouble) return { outcome: optional(ctx, NEEDS.aws, { ...base, found: trouble, fix: `reinstall it: ${hintFor('aws', ctx.platform)}` }), usable: false };
  // "aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off": stdout, or stderr on old v1.
  const said = `${run.stdout}\n${run.stderr}`;
  const version = parseVersion(said, /aws-cli\/(\d+)\.(\d+)\.(\d+)/);
  const neededBy = [...NEEDS.aws];
  if (!version) {
    return {
      outcome: { ...base, status: 'warn', found: `\`aws --version\` said "${firstLine(run)}", not a version racelab can read`, fix: oldAwsFix, neededBy },
      usable: false,
    };
  }
  if (!awsCliReadsEndpointVariables(version)) {
    return {
      outcome: {
        ...base,
        status: 'warn',
        found:
          `aws-cli/${dotted(version)} does not read AWS_ENDPOINT_URL_* (read by ${AWS_CLI_ENDPOINT_VARIABLES_VERSIONS}): ` +
          'with the exports `racelab up` prints, its commands would go to AWS, not the lab',
        fix: oldAwsFix,
        neededBy,
      },
      usable: false,
    };
  }
  return { outcome: { ...base, status: 'pass', found: `aws-cli/${dotted(version)}, reads AWS_ENDPOINT_URL_*`, neededBy }, usable: true };
}

const oldAwsFix = 'update the AWS CLI (v2 2.13 or newer), or add --endpoint-url to each aws command: the DynamoDB or the Route 53 endpoint `racelab up` prints';

/** Tries a port as `racelab up` would take it: TCP on 127.0.0.1 (and UDP for DNS). */
function tryPort(port: number, protocol: 'tcp' | 'udp'): Promise<string | undefined> {
  return new Promise((resolve) => {
    if (protocol === 'tcp') {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(undefined)));
    } else {
      const socket = createSocket('udp4');
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.close();
        resolve(error.code ?? error.message);
      });
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(undefined)));
    }
  });
}

export async function checkPorts(ctx: Context, ports: UpPorts): Promise<Outcome> {
  const base = { id: 'ports' as const, title: 'ports' };
  const wanted = (Object.keys(PORT_OPTIONS) as (keyof UpPorts)[]).filter((name) => ports[name] !== 0);
  if (!wanted.length) {
    return { ...base, status: 'pass', found: 'racelab up picks free ports itself (every port option is 0)', neededBy: [...NEEDS.ports] };
  }
  const trials = wanted.flatMap((name) => (name === 'dns' ? (['tcp', 'udp'] as const) : (['tcp'] as const)).map((protocol) => ({ name, protocol })));
  const refused = (await Promise.all(trials.map(async (trial) => ({ ...trial, error: await tryPort(ports[trial.name], trial.protocol) })))).filter(
    (trial) => trial.error,
  );
  const list = wanted.map((name) => `${ports[name]}${name === 'dns' ? ' (TCP and UDP)' : ''}`).join(', ');
  if (!refused.length) return { ...base, status: 'pass', found: `127.0.0.1:${list} free for racelab up`, neededBy: [...NEEDS.ports] };
  const names = [...new Set(refused.map((trial) => trial.name))];
  const says = names.map((name) => {
    const errors = [...new Set(refused.filter((trial) => trial.name === name).map((trial) => trial.error))].join(', ');
    const how = errors.includes('EADDRINUSE') ? 'in use' : errors.includes('EACCES') ? 'not allowed to this user' : 'refused';
    return `${ports[name]} (${PORT_OPTIONS[name]}) is ${how} (${errors})`;
  });
  const example = names.map((name) => `${PORT_OPTIONS[name]} ${ports[name] + 1}`).join(' ');
  return optional(ctx, NEEDS.ports, {
    ...base,
    found: `127.0.0.1: ${says.join('; ')}`,
    fix:
      'stop what holds it (a `racelab up` still running: Ctrl-C it; otherwise `lsof -i :PORT` names it), or give both this check and ' +
      `racelab up other ports (ports below 1024 need privileges), e.g. ${example}`,
  });
}

export async function checkFolder(cwd: string): Promise<Outcome> {
  const base = { id: 'folder' as const, title: 'folder', neededBy: EXERCISES.map((exercise) => exercise.id) };
  const probe = join(cwd, `.racelab-preflight-${process.pid}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      ...base,
      status: 'fail',
      found: `cannot write in ${cwd} (${code}): the exercises keep your progress there, in ${progressPath(cwd)}`,
      fix: 'run racelab from a folder you can write to (your clone of the lab), or make this one writable (chmod u+w)',
    };
  }
  try {
    const progress = await loadProgress(progressPath(cwd));
    const passed = Object.values(progress.exercises).filter((state) => state.passedAt).length;
    const started = Object.keys(progress.exercises).length;
    const held = started ? `your progress is there (${passed} of ${EXERCISES.length} exercises passed)` : 'your progress will be kept there';
    return { ...base, status: 'pass', found: `${cwd} is writable; ${held}` };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { ...base, status: 'fail', found: `${cwd} is writable, but ${error.headline.split('; ')[0]}`, fix: error.headline.split('; ').slice(1).join('; ') };
  }
}

/** The embedded lab the quick run leaves up for the tools' checks: what they need of it. */
interface RunLab {
  dns: { host: string; port: number; name: string };
  environment: Record<string, string>;
  tables: string[];
}

/** One run of oct-2025 on the embedded target, in this process: the run `racelab run` makes, on loopback. */
export async function quickRun(ctx: Context): Promise<{ outcome: Outcome; lab?: RunLab; close: () => Promise<void> }> {
  const base = { id: 'run' as const, title: 'quick run', neededBy: EXERCISES.map((exercise) => exercise.id) };
  const fix = 'run `racelab run oct-2025` to see the whole run (RACELAB_DEBUG=1 for a stack trace), and report it with that output';
  const started = performance.now();
  const { startEmbeddedLab } = await import('../local/embedded-lab.ts');
  const { runScenarioEmbedded } = await import('../local/run-embedded.ts');
  const { loadScenario } = await import('../scenario/files.ts');
  const { reportOf } = await import('../scenario/run-report.ts');
  let lab: Awaited<ReturnType<typeof startEmbeddedLab>> | undefined;
  // Past its bound the run is abandoned: its line fails at once, and a lab it starts late is closed at once, so no
  // port stays open. The run itself cannot be stopped midway, and it holds the process's virtual clock while it goes
  // on: close waits for its end (its own stall guard bounds it), so nothing started after preflight shares the clock.
  let abandoned = false;
  let running: Promise<unknown> | undefined;
  const close = async () => {
    await running?.catch(() => undefined);
    await lab?.close().catch(() => undefined);
    lab = undefined;
  };
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not end within ${seconds(ctx.timeouts.run)}`)), ctx.timeouts.run);
  });
  try {
    running = (async () => {
      const scenario = await loadScenario('oct-2025');
      lab = await startEmbeddedLab();
      // Abandoned while the lab started: no run at all (close, waiting for this, then closes the lab).
      if (abandoned) throw new Error('abandoned');
      const run = await runScenarioEmbedded(lab, scenario, { runId: 'preflight', safeguards: [] });
      if (run.failure) throw new Error(`the run failed: ${run.failure.error}: ${run.failure.cause}`);
      const request = { scenario, safeguards: [], seed: scenario.seed, latency: {} };
      return { scenario, report: reportOf(request, { target: 'local', runId: 'preflight' }, run.events) };
    })();
    const { scenario, report } = await Promise.race([
      running as Promise<{ scenario: Awaited<ReturnType<typeof loadScenario>>; report: ReturnType<typeof reportOf> }>,
      bound,
    ]);
    const took = seconds(performance.now() - started);
    if (!report.asExpected) {
      await close();
      return {
        outcome: {
          ...base,
          status: 'fail',
          found: `oct-2025 ended ${report.outcome.toUpperCase()}, not ${report.expected.toUpperCase()} as it should (${took})`,
          fix,
        },
        close,
      };
    }
    const [host, port] = lab!.endpoints.dns.split(':');
    return {
      outcome: { ...base, status: 'pass', found: `oct-2025 on the embedded target: ${report.outcome.toUpperCase()}, as expected, in ${took}` },
      lab: {
        dns: { host: host!, port: Number(port), name: `${scenario.endpoints[0]}.${lab!.zone}` },
        environment: lab!.environment,
        tables: [lab!.tables.plans, lab!.tables.events],
      },
      close,
    };
  } catch (error) {
    abandoned = true;
    return { outcome: { ...base, status: 'fail', found: `oct-2025 on the embedded target: ${(error as Error).message}`, fix }, close };
  } finally {
    clearTimeout(timer);
  }
}

/** dig against the lab's DNS server, as exercise 2 asks it. */
export async function digAgainstLab(ctx: Context, found: Outcome, lab: RunLab): Promise<Outcome> {
  const query = `dig @${lab.dns.host} -p ${lab.dns.port} ${lab.dns.name}`;
  const args = [`@${lab.dns.host}`, '-p', String(lab.dns.port), '+time=2', '+tries=1', lab.dns.name];
  const run = await runTool('dig', args, { env: ctx.env, signal: ctx.signal, timeoutMs: ctx.timeouts.labTool });
  const status = /status: ([A-Z]+)/.exec(run.stdout)?.[1];
  if (!status) {
    const trouble = unanswered(run, query, ctx.timeouts.labTool) ?? `\`${query}\` got no answer: ${firstLine(run)}`;
    return optional(ctx, NEEDS.dig, {
      ...found,
      found: `${found.found}, but ${trouble}`,
      fix: "dig must reach the lab's DNS server on 127.0.0.1: is a firewall filtering loopback?",
    });
  }
  const answers = /ANSWER: (\d+)/.exec(run.stdout)?.[1] ?? '?';
  return { ...found, found: `${found.found}; asked the lab's DNS server: ${status}, ${answers} answers for ${lab.dns.name}` };
}

/** The AWS CLI against the lab through the variables `racelab up` exports, as exercises 2 and 3 use it. */
export async function awsAgainstLab(ctx: Context, found: Outcome, lab: RunLab): Promise<Outcome> {
  const env = { ...ctx.env, ...lab.environment, AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true' };
  const args = ['dynamodb', 'list-tables', '--output', 'text', '--cli-connect-timeout', '5', '--cli-read-timeout', '10'];
  const run = await runTool('aws', args, { env, signal: ctx.signal, timeoutMs: ctx.timeouts.labTool });
  const listed = lab.tables.filter((table) => run.stdout.includes(table));
  if (run.code === 0 && listed.length === lab.tables.length) {
    return { ...found, found: `${found.found}; listed the lab's tables through AWS_ENDPOINT_URL_DYNAMODB` };
  }
  const trouble = unanswered(run, 'aws dynamodb list-tables', ctx.timeouts.labTool) ?? `\`aws dynamodb list-tables\` did not list the lab's tables`;
  return optional(ctx, NEEDS.aws, {
    ...found,
    found: `${found.found}, but ${trouble}`,
    fix:
      'with the exports `racelab up` prints, the AWS CLI must reach the lab: check ~/.aws/config sets no endpoint_url or ' +
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, or add --endpoint-url to each aws command',
  });
}

/** Every check, at once where they are independent; in a fixed order in the result. */
export async function runPreflight(options: PreflightOptions): Promise<PreflightResult> {
  const started = performance.now();
  const all = EXERCISES.map((exercise) => exercise.id);
  const session = options.exercises?.length ? all.filter((id) => options.exercises!.includes(id)) : all;
  const ctx: Context = {
    env: options.env,
    platform: options.platform ?? process.platform,
    timeouts: { ...PREFLIGHT_TIMEOUTS_MS, ...options.timeoutsMs },
    root: options.root,
    needed: (needs) => needs.some((id) => session.includes(id)),
    signal: options.signal,
  };
  const timed = <T>(work: () => Promise<T>): Promise<T & { ms: number }> => {
    const at = performance.now();
    const timing = work().then((result) => ({ ...result, ms: Math.round(performance.now() - at) }));
    // Awaited in order below; a check that throws (a bug) must not count as unhandled meanwhile.
    timing.catch(() => undefined);
    return timing;
  };
  options.onProgress?.('checking the tools (node, npm, git, dig, aws) and the ports');
  const node = timed(() => checkNode(ctx, options.nodeVersion ?? process.versions.node));
  const npm = timed(() => checkNpm(ctx));
  const git = timed(() => checkGit(ctx));
  const ports = timed(() => checkPorts(ctx, options.ports));
  const folder = timed(() => checkFolder(options.cwd));
  const dig = timed(() => findDig(ctx));
  const aws = timed(() => findAwsCli(ctx));
  if (!options.skipRun) options.onProgress?.('one quick run: oct-2025 on the embedded target');
  const run = options.skipRun ? undefined : timed(() => quickRun(ctx));
  const ran = await run;
  // The tools against the lab the run left up: the commands exercises 2 and 3 use, on this laptop.
  const against = async (tool: Promise<ToolFound & { ms: number }>, attempt: typeof digAgainstLab): Promise<PreflightCheck> => {
    const found = await tool;
    if (!found.usable || !ran?.lab) return { ...found.outcome, ms: found.ms };
    const at = performance.now();
    const outcome = await attempt(ctx, found.outcome, ran.lab);
    return { ...outcome, ms: found.ms + Math.round(performance.now() - at) };
  };
  if (ran?.lab) options.onProgress?.('dig and aws against the lab the run left up');
  const tools = await Promise.all([against(dig, digAgainstLab), against(aws, awsAgainstLab)]);
  await ran?.close();
  const checks = [...(await Promise.all([node, npm, git])), ...tools, await ports, await folder, ...(ran ? [{ ...ran.outcome, ms: ran.ms }] : [])];
  return { ready: checks.every((check) => check.status !== 'fail'), exercises: session, checks, ms: Math.round(performance.now() - started) };
}
