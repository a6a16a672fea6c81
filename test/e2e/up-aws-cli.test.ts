// The aws lines `racelab up` prints work with the AWS CLI that is installed,
// whatever its version: run as printed, with the banner's exports but without
// AWS_ENDPOINT_URL_* (which AWS CLI v2 before 2.13 and v1 before 1.29 ignore),
// each must reach the lab through its own --endpoint-url. Every distinct `aws`
// on PATH is tried (here: a pip aws-cli v1 and Debian 12's 2.9.19, if present).
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);

/** Every executable `aws` on PATH, once each (a symbolic link and its target are one). */
function awsClis(): string[] {
  const found = new Map<string, string>();
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, 'aws');
    try {
      accessSync(path, constants.X_OK);
      const real = realpathSync(path);
      if (!found.has(real)) found.set(real, path);
    } catch {
      // not here
    }
  }
  return [...found.values()];
}

const CLIS = awsClis();

/** Starts `racelab up --scenario oct-2025` and reads its banner: the export lines and the aws lines. */
async function upBanner(): Promise<{ exports: Record<string, string>; awsLines: string[]; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['bin/racelab.js', 'up', '--scenario', 'oct-2025'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let text = '';
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`racelab up exited (${code}) before its banner: ${text}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('racelab repair --dry-run')) resolve();
    });
  });
  const lines = text.split('\n');
  const exports = Object.fromEntries(
    lines.flatMap((line) => {
      const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
      return match ? [[match[1]!, match[2]!]] : [];
    }),
  );
  const awsLines = lines.filter((line) => line.startsWith('  aws ')).map((line) => line.trim());
  return {
    exports,
    awsLines,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

describe("racelab up's aws lines", () => {
  it.skipIf(CLIS.length === 0)(
    `reach the lab with every AWS CLI on PATH, without AWS_ENDPOINT_URL_*${CLIS.length ? '' : ' (skipped: no aws on PATH)'}`,
    async () => {
      const up = await upBanner();
      try {
        expect(up.awsLines.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['aws route53', 'aws dynamodb']);
        // A profile's endpoint_url or credentials must not help: no config files, and no AWS_* variable but the banner's.
        const noFile = join(mkdtempSync(join(tmpdir(), 'racelab-aws-')), 'none');
        const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
        const banner = Object.fromEntries(Object.entries(up.exports).filter(([key]) => !key.startsWith('AWS_ENDPOINT_URL')));
        expect(Object.keys(banner)).toEqual(expect.arrayContaining(['AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']));
        const env = { ...inherited, ...banner, AWS_CONFIG_FILE: noFile, AWS_SHARED_CREDENTIALS_FILE: noFile, AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true' };
        const [records, scan] = up.awsLines;
        const run = async (cli: string, line: string): Promise<unknown> => {
          const { stdout } = await exec('/bin/sh', ['-c', `'${cli}' ${line.slice('aws '.length)}`], { env }).catch(async (error: { stderr?: string }) => {
            const version = await exec(cli, ['--version'], { env }).then(({ stdout: out, stderr }) => (out || stderr).trim());
            throw new Error(`${version} (${cli}): \`${line}\` failed: ${error.stderr ?? String(error)}`);
          });
          return JSON.parse(stdout);
        };
        // The CLIs at once: each call starts a Python interpreter, seconds on a busy machine.
        await Promise.all(
          CLIS.map(async (cli) => {
            const [zone, plansTable] = await Promise.all([run(cli, records!), run(cli, scan!)]);
            // What only the lab holds after oct-2025: the regional endpoint's alias to g2's tree, and plan rows g5 to g7.
            expect(zone, cli).toMatchObject({
              ResourceRecordSets: expect.arrayContaining([
                expect.objectContaining({
                  Name: 'dynamodb.us-east-1.lab.internal.',
                  AliasTarget: expect.objectContaining({ DNSName: expect.stringMatching(/^g000002\.plans\./) }),
                }),
              ]),
            });
            const items = (plansTable as { Items: { pk: { S: string }; sk: { N: string } }[] }).Items;
            expect(
              items
                .filter((item) => item.pk.S === 'plan')
                .map((item) => item.sk.N)
                .sort(),
              cli,
            ).toEqual(['5', '6', '7']);
          }),
        );
      } finally {
        await up.stop();
      }
    },
  );
});
