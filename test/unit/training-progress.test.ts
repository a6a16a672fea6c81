// The training progress file: every change is made under its lock on the file
// as it is then, so commands run side by side lose nothing; anything there that
// is not a progress file racelab wrote is refused with the fix (exit 2 in the
// CLI); replacing the file keeps its mode.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { entry, loadProgress, PROGRESS_FILE, resetProgress, updateProgress } from '../../training/progress.ts';
import { UsageError } from '../../scenario/usage-error.ts';

const exec = promisify(execFile);
const folder = () => mkdtempSync(join(tmpdir(), 'racelab-progress-'));

async function refusal(work: () => Promise<unknown>): Promise<string> {
  const error = await work().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('the training progress file', () => {
  it('loses no update when many are made at once', async () => {
    const path = join(folder(), PROGRESS_FILE);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateProgress((progress) => {
          entry(progress, i % 2 ? 'observe' : 'detect').hints += 1;
        }, path),
      ),
    );
    const progress = await loadProgress(path);
    expect([progress.exercises.observe?.hints, progress.exercises.detect?.hints]).toEqual([10, 10]);
  });

  it('keeps the mode of the file it replaces', async () => {
    const path = join(folder(), PROGRESS_FILE);
    writeFileSync(path, JSON.stringify({ version: 1, exercises: {} }));
    chmodSync(path, 0o600);
    await updateProgress((progress) => void (entry(progress, 'observe').attempts += 1), path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await loadProgress(path)).exercises.observe?.attempts).toBe(1);
  });

  it.each([
    ['null', 'null', /is not a racelab training progress file \(the top level: /],
    ['a list', '[]', /is not a racelab training progress file \(the top level: /],
    ['another format', '{"version":2,"exercises":{}}', /is not a racelab training progress file \(version: /],
    ['a negative count', '{"version":1,"exercises":{"observe":{"hints":-1,"attempts":0}}}', /\(exercises\.observe\.hints: /],
    ['not JSON', '{"version":1,', /is not JSON, so not a racelab training progress file/],
  ])('refuses %s in the file, saying how to start again', async (_what, text, message) => {
    const path = join(folder(), PROGRESS_FILE);
    writeFileSync(path, text);
    const said = await refusal(() => loadProgress(path));
    expect(said).toMatch(message);
    expect(said).toContain('run `racelab exercise reset --yes` to start again');
    await resetProgress(path);
    expect((await loadProgress(path)).exercises).toEqual({});
  });

  it('refuses a folder, a symbolic link and a read-only file, each with its fix, and changes nothing', async () => {
    const dir = folder();
    const path = join(dir, PROGRESS_FILE);
    mkdirSync(path);
    expect(await refusal(() => loadProgress(path))).toMatch(/ is a folder, not a training progress file; move it away/);
    expect(await refusal(() => resetProgress(path))).toMatch(/ is a folder; racelab deletes only a progress file there/);

    const other = folder();
    const target = join(other, 'elsewhere.json');
    writeFileSync(target, JSON.stringify({ version: 1, exercises: {} }));
    const linked = join(other, PROGRESS_FILE);
    symlinkSync(target, linked);
    expect(await refusal(() => updateProgress(() => undefined, linked))).toMatch(
      / is a symbolic link; racelab reads and writes its progress file only in place/,
    );

    const readOnly = join(folder(), PROGRESS_FILE);
    writeFileSync(readOnly, JSON.stringify({ version: 1, exercises: {} }));
    chmodSync(readOnly, 0o444);
    expect(await refusal(() => updateProgress((progress) => void (entry(progress, 'observe').hints += 1), readOnly))).toMatch(
      /is read-only, so racelab cannot record your progress; make it writable \(chmod u\+w /,
    );
    expect(readFileSync(readOnly, 'utf8')).toBe(JSON.stringify({ version: 1, exercises: {} }));
  });

  it('exercise commands exit 2 when a folder stands where the progress file goes', async () => {
    const cwd = folder();
    mkdirSync(join(cwd, PROGRESS_FILE));
    const result = await exec(process.execPath, [resolve('bin/racelab.js'), 'exercise', 'hint', 'observe'], { cwd }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^racelab: .*\.racelab-training\.json is a folder, not a training progress file; move it away/);
  });

  it('keeps hints taken while a verify runs: verify records its attempt on the file as it is when it ends', async () => {
    // A lab that holds verify mitigate's first read until the hints are taken, then answers an empty zone (Route 53)
    // and an empty plan table (DynamoDB, told apart by its X-Amz-Target header).
    const held: { request: IncomingMessage; response: ServerResponse }[] = [];
    let released = false;
    let arrived: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => (arrived = resolve));
    const answer = ({ request, response }: (typeof held)[number]) => {
      if (request.headers['x-amz-target']) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        return response.end(String(request.headers['x-amz-target']).endsWith('.GetItem') ? '{}' : '{"Items":[],"Count":0,"ScannedCount":0}');
      }
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<?xml version="1.0"?><ListResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">' +
          '<ResourceRecordSets></ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>',
      );
    };
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      if (released) return answer({ request, response });
      held.push({ request, response });
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const cwd = folder();
    const bin = resolve('bin/racelab.js');
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL_ROUTE_53: endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      PLANS_TABLE: 'racelab-plans',
      HOSTED_ZONE_ID: 'ZLAB0000000001',
      ZONE_NAME: 'lab.internal',
    };
    try {
      const verifying = new Promise<number | null>((resolve) => {
        spawn(process.execPath, [bin, 'exercise', 'verify', 'mitigate'], { cwd, env, stdio: 'ignore' }).on('close', resolve);
      });
      await reading;
      for (let i = 0; i < 2; i++) await exec(process.execPath, [bin, 'exercise', 'hint', 'mitigate'], { cwd });
      released = true;
      held.forEach(answer);
      expect(await verifying).toBe(1); // an empty zone does not pass
      expect((await loadProgress(join(cwd, PROGRESS_FILE))).exercises.mitigate).toMatchObject({ hints: 2, attempts: 1 });
    } finally {
      server.close();
    }
  });
});
