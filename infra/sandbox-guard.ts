// Account safety, after aws-nuke: the lab deploys only to an account that was
// named as a disposable sandbox, and pins that account in the stack's `env` so
// the CDK CLI itself refuses credentials for any other account. LocalStack's
// fixed account is allowed for target=localstack, or when cdklocal's
// credentials say LocalStack.
import { LOCALSTACK_ACCOUNT } from './stack-outputs.ts';
import { ContextError } from './context-error.ts';
import { ENVIRONMENT_VARIABLES, type Environment } from './environment.ts';

export const SANDBOX_CONTEXT = {
  /** Comma-separated 12-digit account ids that may be deployed to. */
  allowlist: 'sandboxAccounts',
  /** Which allowlisted account, when there are several. */
  account: 'account',
  /** "aws" (default) or "localstack". */
  target: 'target',
  region: 'region',
} as const;

export const SANDBOX_ENV = {
  allowlist: ENVIRONMENT_VARIABLES.sandboxAccounts,
  credentialsAccount: ENVIRONMENT_VARIABLES.cdkAccount,
  region: ENVIRONMENT_VARIABLES.cdkRegion,
} as const;

export const DEFAULT_REGION = 'us-east-1';
export const TARGETS = ['aws', 'localstack'] as const;
export type DeployTarget = (typeof TARGETS)[number];

export interface SandboxTarget {
  target: DeployTarget;
  account: string;
  region: string;
}

export interface SandboxInputs {
  /** Reads a context value (app.node.tryGetContext). */
  context: (key: string) => unknown;
  env: Environment;
}

export class SandboxRefusal extends ContextError {
  override readonly name = 'SandboxRefusal';
}

const ACCOUNT_ID = /^\d{12}$/;
export const EXAMPLE_ACCOUNT = '111122223333';

/** The account and region to pin, or a SandboxRefusal saying in one sentence what to pass. */
export function resolveSandboxTarget({ context, env }: SandboxInputs): SandboxTarget {
  const credentials = env[SANDBOX_ENV.credentialsAccount];
  const target = readTarget(context(SANDBOX_CONTEXT.target), credentials);
  const region = text(context(SANDBOX_CONTEXT.region)) ?? env[SANDBOX_ENV.region] ?? DEFAULT_REGION;
  const account = target === 'localstack' ? LOCALSTACK_ACCOUNT : pickSandboxAccount(context, env);
  // The CLI would refuse a mismatch too, but later and in its own words; say why here.
  if (credentials && credentials !== account) {
    const command =
      target === 'localstack'
        ? `npx cdklocal deploy -c ${SANDBOX_CONTEXT.target}=localstack`
        : `AWS_PROFILE=sandbox npx cdk deploy -c ${SANDBOX_CONTEXT.allowlist}=${account}`;
    throw refusal(
      `your AWS credentials are for account ${credentials} but the lab is pinned to ` +
        `${target === 'localstack' ? 'LocalStack account' : 'sandbox account'} ${account}; use that account's credentials (e.g. \`${command}\`)`,
    );
  }
  return { target, account, region };
}

export interface Allowlist {
  /** The 12-digit account ids listed; none when the value was blank (which allows no account). */
  accounts: string[];
  /** The first entry that is not a 12-digit account id, if any (the whole list is then void). */
  notAnId?: string;
}

/**
 * The one reading of an allowlist, as RACELAB_SANDBOX_ACCOUNTS or the context gives
 * it (ids separated by commas or spaces), for the CDK app and the CLI alike.
 * Undefined only when no value was given at all: a value that is set but blank
 * ("", "  ", ",") is an allowlist of no accounts, never "no allowlist".
 */
export function parseAllowlist(listed: string | undefined): Allowlist | undefined {
  if (listed === undefined) return undefined;
  const accounts = listed.split(/[\s,]+/).filter(Boolean);
  const notAnId = accounts.find((entry) => !ACCOUNT_ID.test(entry));
  return notAnId === undefined ? { accounts } : { accounts: [], notAnId };
}

function pickSandboxAccount(context: SandboxInputs['context'], env: SandboxInputs['env']): string {
  const parsed = parseAllowlist(text(context(SANDBOX_CONTEXT.allowlist)) ?? env[SANDBOX_ENV.allowlist]);
  if (parsed?.notAnId !== undefined) {
    throw refusal(
      `"${parsed.notAnId}" in ${SANDBOX_CONTEXT.allowlist} is not a 12-digit AWS account id (e.g. \`-c ${SANDBOX_CONTEXT.allowlist}=${EXAMPLE_ACCOUNT}\`)`,
    );
  }
  const allowlist = parsed?.accounts ?? [];
  if (allowlist.length === 0) {
    throw refusal(
      `no sandbox account is allowlisted; name your disposable sandbox account with context ${SANDBOX_CONTEXT.allowlist} (e.g. \`npx cdk ` +
        `deploy -c ${SANDBOX_CONTEXT.allowlist}=${EXAMPLE_ACCOUNT}\`, or env ${SANDBOX_ENV.allowlist}), or target LocalStack with \`npx ` +
        `cdklocal deploy -c ${SANDBOX_CONTEXT.target}=localstack\``,
    );
  }
  const chosen = text(context(SANDBOX_CONTEXT.account));
  if (chosen === undefined) {
    if (allowlist.length === 1) return allowlist[0]!;
    throw refusal(
      `${allowlist.length} sandbox accounts are allowlisted (${allowlist.join(', ')}); pick one with context ${SANDBOX_CONTEXT.account} ` +
        `(e.g. \`npx cdk deploy -c ${SANDBOX_CONTEXT.allowlist}=${allowlist.join(',')} -c ${SANDBOX_CONTEXT.account}=${allowlist[0]}\`)`,
    );
  }
  if (!allowlist.includes(chosen)) {
    throw refusal(
      `account ${chosen} is not in the sandbox allowlist (${allowlist.join(', ')}); add it to context ${SANDBOX_CONTEXT.allowlist} only if ` +
        `it is a disposable sandbox (e.g. \`npx cdk deploy -c ${SANDBOX_CONTEXT.allowlist}=${[...allowlist, chosen].join(',')} -c ` +
        `${SANDBOX_CONTEXT.account}=${chosen}\`)`,
    );
  }
  return chosen;
}

function readTarget(value: unknown, credentialsAccount: string | undefined): DeployTarget {
  // LocalStack's account is never a real one: credentials for it mean cdklocal,
  // whose `cdklocal bootstrap` and `cdklocal destroy` pass no context.
  const target = text(value) ?? (credentialsAccount === LOCALSTACK_ACCOUNT ? 'localstack' : 'aws');
  if ((TARGETS as readonly string[]).includes(target)) return target as DeployTarget;
  throw refusal(
    `context ${SANDBOX_CONTEXT.target} must be ${TARGETS.join(' or ')}, not "${target}" (e.g. \`npx cdklocal deploy -c ${SANDBOX_CONTEXT.target}=localstack\`)`,
  );
}

/** Context values arrive as strings from -c, or as JSON values from cdk.json. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

function refusal(reason: string): SandboxRefusal {
  return new SandboxRefusal(`Refusing to synthesize the dns-race-lab stack: ${reason}.`);
}
