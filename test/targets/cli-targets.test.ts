// The target commands as a user runs them (a real racelab process): the
// local target needs no reset or teardown (exit 0, saying why), teardown
// refuses without --yes (exit 2, saying what it would delete), a LocalStack
// run warns about moto's Route 53 and, with LocalStack down, says how to
// start it (exit 2, no stack trace), and the doctor on the local target finds
// every rule honoured (exit 0).
import { describe, expect, it } from 'vitest';
import { racelab } from '../support/racelab-cli.ts';
import { LOCALSTACK_START } from '../../targets/localstack-caveat.ts';
import { ROUTE53_CONFORMANCE_CASES } from '../../targets/route53-conformance.ts';

describe('racelab target commands', () => {
  it('reset and teardown on the local target explain that there is nothing to do, and exit 0', async () => {
    const reset = await racelab(['reset']);
    expect(reset).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to reset: every run on the local target starts a fresh embedded lab') });
    const teardown = await racelab(['teardown', '--target', 'local']);
    expect(teardown).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to tear down') });
  });

  it('teardown without --yes refuses with exit 2, naming the stack and the way to confirm, before any AWS call', async () => {
    const { code, stderr } = await racelab(['teardown', '--target', 'aws', '--stack', 'MyLab']);
    expect(code).toBe(2);
    expect(stderr).toContain('racelab: teardown deletes stack MyLab and everything in it');
    expect(stderr).toContain('run it again with --yes to confirm, or use npx cdk destroy');
  });

  it('run --target localstack warns that Route 53 preconditions are not trustworthy there, and with LocalStack down says how to start it', async () => {
    const { code, stderr } = await racelab(['run', 'oct-2025', '--target', 'localstack'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(code).toBe(2);
    expect(stderr).toContain("warning: LocalStack's Route 53 (built on moto)");
    expect(stderr).toContain('racelab doctor --target localstack');
    expect(stderr).toContain(`racelab: LocalStack is not answering at http://127.0.0.1:9 (ECONNREFUSED); start it: \`${LOCALSTACK_START}\``);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('doctor --target localstack with LocalStack down says how to start it, before any AWS call, with exit 2', async () => {
    const { code, stderr } = await racelab(['doctor', '--target', 'localstack'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(code).toBe(2);
    expect(stderr).toContain(`racelab: LocalStack is not answering at http://127.0.0.1:9 (ECONNREFUSED); start it: \`${LOCALSTACK_START}\``);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an unknown target and remote-only options on the local target with exit 2', async () => {
    expect(await racelab(['run', '--target', 'gcp'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Allowed choices are local, aws, localstack') });
    expect(await racelab(['run', '--stack', 'MyLab'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--stack applies to --target aws or localstack only'),
    });
  });

  it('doctor --target local --json reports every conformance rule honoured and exits 0', async () => {
    const { code, stdout } = await racelab(['doctor', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      target: 'local',
      allHonoured: true,
      honoured: ROUTE53_CONFORMANCE_CASES.length,
      total: ROUTE53_CONFORMANCE_CASES.length,
    });
  });
});
