// Account safety: the app is built only for an allowlisted sandbox account
// (context sandboxAccounts or env RACELAB_SANDBOX_ACCOUNTS), or LocalStack's
// account with target=localstack; the chosen account is pinned in the stack's
// env; every refusal is one sentence naming the context key with an example
// command, printed by bin/app.ts (from source or compiled, as cdk.json runs
// it) without a stack trace, exit code non-zero.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/lab-function.ts';
import { parseAllowlist, resolveSandboxTarget, SandboxRefusal, type SandboxInputs } from '../../infra/sandbox-guard.ts';
import { sandboxAllowlist } from '../../targets/account-guard.ts';
import { LOCALSTACK_ACCOUNT } from '../../infra/stack-outputs.ts';
import { buildTestLabApp } from './lab-app-fixture.ts';

const run = promisify(execFile);

function guard(context: Record<string, unknown>, env: Record<string, string> = {}) {
  const inputs: SandboxInputs = { context: (key) => context[key], env };
  return () => resolveSandboxTarget(inputs);
}

/** One sentence: a single line, one full stop at the end, the context key and an example command in it. */
function expectOneSentence(message: string, contextKey: string) {
  expect(message).not.toContain('\n');
  expect(message).toMatch(/^Refusing to synthesize the dns-race-lab stack: .*\.$/);
  expect(message).toContain(contextKey);
  expect(message).toMatch(/`npx cdk(local)? deploy [^`]*-c [^`]+`|`-c [^`]+`|`AWS_PROFILE=\S+ npx cdk deploy [^`]+`/);
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxRefusal);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('sandbox guard', () => {
  it('refuses when no sandbox account is allowlisted', () => {
    expectOneSentence(refusal(guard({})), 'sandboxAccounts');
  });

  it('pins the one allowlisted account, from context or from RACELAB_SANDBOX_ACCOUNTS', () => {
    expect(guard({ sandboxAccounts: '111122223333' })()).toEqual({ target: 'aws', account: '111122223333', region: 'us-east-1' });
    expect(guard({}, { RACELAB_SANDBOX_ACCOUNTS: '444455556666' })()).toMatchObject({ account: '444455556666' });
  });

  it('takes the region from context, else CDK_DEFAULT_REGION, else us-east-1', () => {
    expect(guard({ sandboxAccounts: '111122223333', region: 'eu-west-1' }, { CDK_DEFAULT_REGION: 'us-west-2' })()).toMatchObject({ region: 'eu-west-1' });
    expect(guard({ sandboxAccounts: '111122223333' }, { CDK_DEFAULT_REGION: 'us-west-2' })()).toMatchObject({ region: 'us-west-2' });
  });

  it('refuses an allowlist entry that is not a 12-digit account id', () => {
    expectOneSentence(refusal(guard({ sandboxAccounts: '111122223333,prod' })), 'sandboxAccounts');
  });

  it.each(['', '   ', ',', ' ,, '])('refuses an allowlist that is set but names no account (%j), from context or env', (blank) => {
    expectOneSentence(refusal(guard({ sandboxAccounts: blank })), 'sandboxAccounts');
    expectOneSentence(refusal(guard({}, { RACELAB_SANDBOX_ACCOUNTS: blank })), 'sandboxAccounts');
  });

  it('reads an allowlist the same way as the CLI: one parser, and a blank value is an empty list, not "unset"', () => {
    expect(parseAllowlist(undefined)).toBeUndefined();
    for (const blank of ['', ' ', ',', ' , \n']) expect(parseAllowlist(blank)).toEqual({ accounts: [] });
    expect(parseAllowlist('111122223333, 444455556666')).toEqual({ accounts: ['111122223333', '444455556666'] });
    expect(parseAllowlist('111122223333 1111222233')).toEqual({ accounts: [], notAnId: '1111222233' });
    // The CLI allows an account exactly when the CDK app would pin it.
    for (const listed of ['', ',', '111122223333', '444455556666 111122223333', 'prod']) {
      for (const account of ['111122223333', '999988887777']) {
        const app = (() => {
          try {
            return guard({ sandboxAccounts: listed, account }, { RACELAB_SANDBOX_ACCOUNTS: listed })().account === account;
          } catch {
            return false;
          }
        })();
        const cli = (() => {
          try {
            return sandboxAllowlist({ RACELAB_SANDBOX_ACCOUNTS: listed })?.includes(account) === true;
          } catch {
            return false;
          }
        })();
        expect({ listed, account, cli }).toEqual({ listed, account, cli: app });
      }
    }
  });

  it('with several allowlisted accounts, requires context account to pick one of them', () => {
    expectOneSentence(refusal(guard({ sandboxAccounts: '111122223333,444455556666' })), 'account');
    expect(guard({ sandboxAccounts: '111122223333,444455556666', account: '444455556666' })()).toMatchObject({ account: '444455556666' });
  });

  it('refuses an account that is not on the allowlist', () => {
    const message = refusal(guard({ sandboxAccounts: '111122223333', account: '999988887777' }));
    expectOneSentence(message, 'sandboxAccounts');
    expect(message).toContain('999988887777');
  });

  it('refuses credentials for another account than the pinned one (the CLI sets CDK_DEFAULT_ACCOUNT)', () => {
    const message = refusal(guard({ sandboxAccounts: '111122223333' }, { CDK_DEFAULT_ACCOUNT: '999988887777' }));
    expectOneSentence(message, 'sandboxAccounts');
    expect(message).toContain('999988887777');
    expect(guard({ sandboxAccounts: '111122223333' }, { CDK_DEFAULT_ACCOUNT: '111122223333' })()).toMatchObject({ account: '111122223333' });
  });

  it("allows LocalStack's account with target=localstack, and nothing else there", () => {
    expect(guard({ target: 'localstack' }, { CDK_DEFAULT_ACCOUNT: LOCALSTACK_ACCOUNT })()).toEqual({
      target: 'localstack',
      account: LOCALSTACK_ACCOUNT,
      region: 'us-east-1',
    });
    expectOneSentence(refusal(guard({ target: 'localstack' }, { CDK_DEFAULT_ACCOUNT: '111122223333' })), 'target');
    expectOneSentence(refusal(guard({ target: 'prod' })), 'target');
  });

  it("takes LocalStack's account in the credentials (cdklocal) to mean target=localstack", () => {
    expect(guard({}, { CDK_DEFAULT_ACCOUNT: LOCALSTACK_ACCOUNT })()).toMatchObject({ target: 'localstack', account: LOCALSTACK_ACCOUNT });
    expectOneSentence(refusal(guard({ target: 'aws', sandboxAccounts: '111122223333' }, { CDK_DEFAULT_ACCOUNT: LOCALSTACK_ACCOUNT })), 'sandboxAccounts');
  });

  it('pins the stack env, so the CDK CLI refuses credentials for any other account', () => {
    const { stack } = buildTestLabApp({ scenarios: [], context: { sandboxAccounts: '444455556666', region: 'eu-central-1' } });
    expect([stack.account, stack.region]).toEqual(['444455556666', 'eu-central-1']);
    expect(stack.environment).toBe('aws://444455556666/eu-central-1');
  });

  it('builds nothing for a refused account', () => {
    expect(() => buildTestLabApp({ scenarios: [], context: { sandboxAccounts: undefined } })).toThrow(SandboxRefusal);
  });

  // cdk.json's app runs bin/app.ts compiled (bin/app.js, the way `cdk synth` starts it): one process, for the exit code
  // and the stream. The same source through tsx, a second process, would prove nothing more: the refusal is made in
  // infra/ (the tests above) and printed by bin/app.ts, whichever way it is loaded.
  const [command, ...args] = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { app: string }).app
    .split(' ')
    .map((word) => (word === 'node' ? process.execPath : word));
  it(`cdk.json's app (${args.join(' ')}) prints the refusal alone on stderr and exits non-zero`, async () => {
    const refused = { CDK_CONTEXT_JSON: '{}', CDK_OUTDIR: join(tmpdir(), 'racelab-refused-synth'), RACELAB_SANDBOX_ACCOUNTS: '', CDK_DEFAULT_ACCOUNT: '' };
    const env = { ...process.env, ...refused };
    const result = await run(command!, args, { cwd: PROJECT_ROOT, env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expectOneSentence(lines[0]!, 'sandboxAccounts');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
