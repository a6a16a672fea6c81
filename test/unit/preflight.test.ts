// racelab exercise preflight: each check on this machine where it can be real
// (Node, git, a port held by a test server, a folder that cannot be written),
// and with small shell scripts on PATH standing in for npm, dig and the AWS CLI
// where the versions a room meets cannot all be installed here (Debian 12's
// aws-cli 2.9.19, a missing dig, an aws that hangs). The CLI is spawned twice:
// once for --json and the exit code of a laptop that is not ready, once for
// the lines a ready one prints.
import { chmodSync, existsSync, mkdirSync, rmSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXERCISES } from '../../training/exercises.ts';
import {
  awsCliReadsEndpointVariables,
  NEEDS,
  parseVersion,
  runPreflight,
  WORKBOOK_PORTS,
  type PreflightCheck,
  type PreflightOptions,
} from '../../training/preflight.ts';
import { PROGRESS_FILE } from '../../training/progress.ts';
import { preflightCommand } from '../../cli/room.ts';
import { UsageError } from '../../scenario/usage-error.ts';
import { racelab } from '../support/racelab-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'racelab-preflight-'));

/** A folder of shell scripts standing in for tools: name → the script's body. */
function fakeTools(name: string, tools: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [tool, body] of Object.entries(tools)) {
    writeFileSync(join(dir, tool), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, tool), 0o755);
  }
  return dir;
}

const NPM = 'echo 10.9.2';
const DIG = `case "$1" in
  -v) echo "DiG 9.18.28-1~deb12u2-Debian" >&2 ;;
  *) printf ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 7\\n;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1\\n' ;;
esac`;
const DEBIAN_AWS = 'echo "aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off"';
const CURRENT_AWS = `case "$1" in
  --version) echo "aws-cli/2.13.0 Python/3.11.4 Linux/6.1.0 exe/x86_64.debian.12 prompt/off" ;;
  *) printf 'TABLENAMES\\tracelab-events\\nTABLENAMES\\tracelab-plans\\n' ;;
esac`;
const GIT = `case "$1" in
  --version) echo "git version 2.39.5" ;;
  rev-parse) echo 1acd5eb ;;
esac`;

const base = (overrides: Partial<PreflightOptions>): PreflightOptions => ({
  ports: { dynamodb: 0, route53: 0, dns: 0 },
  cwd: mkdtempSync(join(scratch, 'cwd-')),
  root: process.cwd(),
  env: { PATH: fakeTools('none', {}) },
  skipRun: true,
  ...overrides,
});

const byId = (checks: PreflightCheck[]) => Object.fromEntries(checks.map((check) => [check.id, check]));

const held: (Server | Socket)[] = [];
afterAll(() => {
  held.forEach((item) => item.close());
  rmSync(scratch, { recursive: true, force: true });
});

describe('racelab exercise preflight', () => {
  it('reads the AWS CLI version and knows which read AWS_ENDPOINT_URL_* (v2 from 2.13.0, v1 from 1.29.0)', () => {
    const reads = (text: string) => awsCliReadsEndpointVariables(parseVersion(text)!);
    expect(['2.9.19', '2.12.9', '1.28.9', '1.18.69'].map(reads)).toEqual([false, false, false, false]);
    expect(['2.13.0', '2.31.2', '1.29.0', '1.45.11', '3.0.0'].map(reads)).toEqual([true, true, true, true, true]);
  });

  it("holds the workbook's ports and the needs table to the workbook and the exercises", () => {
    const trainee = readFileSync('docs/training/trainee.md', 'utf8');
    expect(trainee).toContain(
      `racelab up --scenario oct-2025 --dynamodb-port ${WORKBOOK_PORTS.dynamodb} --route53-port ${WORKBOOK_PORTS.route53} --dns-port ${WORKBOOK_PORTS.dns}`,
    );
    const ids = EXERCISES.map((exercise) => exercise.id);
    for (const needs of Object.values(NEEDS)) for (const id of needs) expect(ids).toContain(id);
  });

  it("finds the tools on PATH: Debian 12's aws-cli 2.9.19 warns with --endpoint-url as the way round, a missing git fails with the fix", async () => {
    const path = fakeTools('debian', { npm: NPM, dig: DIG, aws: DEBIAN_AWS });
    const result = await runPreflight(base({ env: { PATH: path }, platform: 'linux', nodeVersion: '22.13.0' }));
    const checks = byId(result.checks);
    expect(result.checks.map((check) => check.id)).toEqual(['node', 'npm', 'git', 'dig', 'aws', 'ports', 'folder']);
    expect(checks.node).toMatchObject({ status: 'pass', found: '22.13.0 (package.json asks for 22.13.0 or newer)' });
    expect(checks.npm).toMatchObject({ status: 'pass', found: '10.9.2' });
    expect(checks.dig).toMatchObject({ status: 'pass', found: '9.18.28' });
    expect(checks.aws!.status).toBe('warn');
    expect(checks.aws!.found).toMatch(/^aws-cli\/2\.9\.19 does not read AWS_ENDPOINT_URL_\* \(read by v2 from 2\.13\.0, v1 from 1\.29\.0\)/);
    expect(checks.aws!.fix).toMatch(/add --endpoint-url to each aws command/);
    expect(checks.git).toMatchObject({ status: 'fail', found: 'not found', fix: expect.stringContaining('apt-get install git') });
    expect(checks.git!.neededBy).toEqual(['fix', 'recover', 'stabilize']);
    expect(result.ready).toBe(false);

    // The 90-minute session leaves the code exercises out: no git is then a warning, and the laptop is ready.
    const short = await runPreflight(base({ env: { PATH: path }, platform: 'darwin', exercises: ['observe', 'detect', 'mitigate'] }));
    expect(byId(short.checks).git).toMatchObject({ status: 'warn', fix: expect.stringContaining('xcode-select --install') });
    expect(byId(short.checks).git!.found).toContain('only fix, recover, stabilize need it');
    expect(short).toMatchObject({ ready: true, exercises: ['observe', 'detect', 'mitigate'] });
  });

  it('fails a missing dig or npm with the fix for the platform, and a Node below the floor CI tests', async () => {
    const result = await runPreflight(base({ platform: 'linux', nodeVersion: '18.19.0' }));
    const checks = byId(result.checks);
    expect(checks.dig).toMatchObject({ status: 'fail', found: 'not found', fix: expect.stringContaining('apt-get install dnsutils') });
    expect(checks.npm).toMatchObject({ status: 'fail', fix: expect.stringContaining('apt-get install npm') });
    expect(checks.aws).toMatchObject({ status: 'fail', found: 'not found' });
    expect(checks.node).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^install Node 22\.13 or newer/) });
    const mac = byId((await runPreflight(base({ platform: 'darwin', nodeVersion: '20.20.2' }))).checks);
    expect(mac.dig!.fix).toBe('brew install bind');
    // 20.20 runs the lab (CI tests it) but is below package.json's engines: a warning.
    expect(mac.node).toMatchObject({ status: 'warn', fix: expect.stringMatching(/^install Node 22\.13 or newer/) });
  });

  it('bounds each tool: an aws that hangs fails its line, is killed, and holds nothing up', async () => {
    const pidFile = join(scratch, 'hung-aws.pid');
    const childPidFile = join(scratch, 'hung-aws-child.pid');
    // A shell script that starts a process that hangs, as a pyenv shim starts Python.
    const hang = `require('node:fs').writeFileSync(${JSON.stringify(childPidFile)}, String(process.pid)); setTimeout(() => {}, 600000)`;
    const path = fakeTools('hung', { npm: NPM, aws: `echo $$ > ${pidFile}\n"${process.execPath}" -e "${hang.replace(/"/g, '\\"')}"` });
    const started = performance.now();
    const result = await runPreflight(base({ env: { PATH: path }, timeoutsMs: { tool: 300 } }));
    expect(performance.now() - started).toBeLessThan(60_000); // the fake sleeps ten minutes
    expect(byId(result.checks).aws).toMatchObject({ status: 'fail', found: '`aws --version` did not answer within 0.3 s' });
    const pids = [pidFile, childPidFile].filter((file) => existsSync(file)).map((file) => Number(readFileSync(file, 'utf8')));
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) await expect.poll(() => isAlive(pid)).toBe(false);
  });

  it('abandons a quick run past its bound, with the fix', async () => {
    const result = await runPreflight(base({ skipRun: false, timeoutsMs: { run: 50 } }));
    expect(byId(result.checks).run).toMatchObject({
      status: 'fail',
      found: 'oct-2025 on the embedded target: it did not end within 0.1 s',
      fix: expect.stringMatching(/^run `racelab run oct-2025` to see the whole run/),
    });
  });

  it("reports a port racelab up would be refused, by its option, with the fix: TCP and DNS's UDP", async () => {
    const tcp = await holdTcpPort();
    const udp = await holdUdpPort();
    const result = await runPreflight(base({ ports: { dynamodb: tcp, route53: 0, dns: udp } }));
    const ports = byId(result.checks).ports!;
    expect(ports.status).toBe('fail');
    expect(ports.found).toBe(`127.0.0.1: ${tcp} (--dynamodb-port) is in use (EADDRINUSE); ${udp} (--dns-port) is in use (EADDRINUSE)`);
    expect(ports.fix).toContain(`--dynamodb-port ${tcp + 1} --dns-port ${udp + 1}`);
    const free = await runPreflight(base({ ports: { dynamodb: 0, route53: 0, dns: 0 } }));
    expect(byId(free.checks).ports).toMatchObject({ status: 'pass', found: 'racelab up picks free ports itself (every port option is 0)' });
  });

  it('fails a folder it cannot write in, or whose progress file is not one racelab wrote', async () => {
    const missing = join(scratch, 'no-such-folder');
    const gone = byId((await runPreflight(base({ cwd: missing }))).checks).folder!;
    expect(gone).toMatchObject({ status: 'fail', found: expect.stringContaining(`cannot write in ${missing} (ENOENT)`) });
    expect(gone.fix).toMatch(/^run racelab from a folder you can write to/);
    if (process.getuid?.() !== 0) {
      // root writes anywhere: the mode only stops another user.
      const readOnly = mkdtempSync(join(scratch, 'read-only-'));
      chmodSync(readOnly, 0o500);
      expect(byId((await runPreflight(base({ cwd: readOnly }))).checks).folder).toMatchObject({ status: 'fail' });
    }
    const cwd = mkdtempSync(join(scratch, 'bad-progress-'));
    writeFileSync(join(cwd, PROGRESS_FILE), 'not json');
    const bad = byId((await runPreflight(base({ cwd }))).checks).folder!;
    expect(bad).toMatchObject({
      status: 'fail',
      found: `${cwd} is writable, but ${join(cwd, PROGRESS_FILE)} is not JSON, so not a racelab training progress file`,
    });
    expect(bad.fix).toMatch(/racelab exercise reset --yes/);
  });

  it('names an unknown exercise or a port out of range before any check (a usage error: exit 2)', async () => {
    await expect(preflightCommand({ exercise: ['observe,nope'] })).rejects.toThrow(
      new UsageError(`--exercise "nope" is not an exercise; choose from: ${EXERCISES.map((exercise) => exercise.id).join(', ')}`),
    );
    await expect(preflightCommand({ exercise: [], dnsPort: '65536' })).rejects.toThrow(
      new UsageError('--dns-port must be a whole number from 0 to 65535 (got "65536")'),
    );
  });

  it.concurrent('prints the checks as JSON, and exits 1 when one fails (no npm on PATH); the quick run and the tools against its lab', async () => {
    const path = fakeTools('cli-json', { dig: DIG, aws: CURRENT_AWS, git: GIT });
    const ports = ['--dynamodb-port', '0', '--route53-port', '0', '--dns-port', '0'];
    const { code, stdout } = await racelab(['exercise', 'preflight', '--json', ...ports], { PATH: path });
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ ready: false, exercises: EXERCISES.map((exercise) => exercise.id) });

    const checks = byId(result.checks);
    expect(Object.keys(checks.run!).sort()).toEqual(['found', 'id', 'ms', 'neededBy', 'status', 'title']);
    expect(Object.keys(checks.npm!).sort()).toEqual(['fix', 'found', 'id', 'ms', 'neededBy', 'status', 'title']);
    expect(checks.npm).toMatchObject({ status: 'fail', found: 'not found (npm ci installs the lab, npx runs racelab)' });
    expect(checks.run).toMatchObject({ status: 'pass', found: expect.stringMatching(/^oct-2025 on the embedded target: OUTAGE, as expected, in \d/) });
    expect(checks.dig!.found).toBe("9.18.28; asked the lab's DNS server: NOERROR, 0 answers for dynamodb.us-east-1.lab.internal");
    expect(checks.aws!.found).toBe("aws-cli/2.13.0, reads AWS_ENDPOINT_URL_*; listed the lab's tables through AWS_ENDPOINT_URL_DYNAMODB");
  });

  it.concurrent('prints one line per check with ✓, ! or ✗, and exits 0 when none fails', async () => {
    const path = fakeTools('cli-text', { npm: NPM, dig: DIG, aws: DEBIAN_AWS, git: GIT });
    const tcp = await holdTcpPort();
    const { code, stdout } = await racelab(['exercise', 'preflight', '--exercise', 'observe', '--dynamodb-port', String(tcp), '--dns-port', '0'], {
      PATH: [path, process.env.PATH].join(delimiter),
      NO_COLOR: '1',
    });
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.slice(0, 12))).toEqual([
      expect.stringMatching(/^[✓!] Node\.js {3}$/),
      '✓ npm       ',
      '✓ git       ',
      '✓ dig       ',
      '! AWS CLI   ',
      '! ports     ',
      '✓ folder    ',
      '✓ quick run ',
      'ready for ob',
    ]);
    expect(lines[5]).toContain(`${tcp} (--dynamodb-port) is in use (EADDRINUSE)`);
    expect(lines[5]).toContain('only detect, mitigate, freeze need it, and this session leaves them out');
    expect(lines[5]).toContain(' — fix: stop what holds it');
    expect(lines.at(-1)).toMatch(/^ready for observe, with [23] warnings \(!\): read those lines \(\d+\.\d s\)$/);
    expect(code).toBe(0);
  });
});

function holdTcpPort(): Promise<number> {
  const server = createServer();
  held.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

function holdUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  held.push(socket);
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
}

/** Running, not a zombie (a killed grandchild waits for a reaper that a container's first process may never be). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}
