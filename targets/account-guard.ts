// The lab deletes DNS records and DynamoDB items on purpose. Before the CLI
// changes anything in an AWS account it checks that the account is a sandbox:
// not one whose alias says production, and one the user listed in
// RACELAB_SANDBOX_ACCOUNTS when that variable is set. Set but naming no account
// (blank, or only separators), it allows none: a guard is never switched off by
// a variable that looks empty.
import { ListAccountAliasesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { EXAMPLE_ACCOUNT, parseAllowlist, SANDBOX_ENV } from '../infra/sandbox-guard.ts';
import { errorName, isAccessDenied, isTargetUnusable, TargetError } from './target-errors.ts';
import { processEnvironment, type Environment } from '../infra/environment.ts';

/** The same variable the CDK app's guard reads (infra/sandbox-guard.ts). */
export const SANDBOX_ACCOUNTS_VARIABLE = SANDBOX_ENV.allowlist;

export interface AccountCheck {
  account: string;
  alias?: string;
  /** Why the alias could not be read, if it could not (the check then rests on the allowlist alone). */
  aliasUnreadable?: string;
}

/** The accounts RACELAB_SANDBOX_ACCOUNTS allows; undefined when it is not set. Throws a TargetError naming an entry that is not an account id. */
export function sandboxAllowlist(env: Environment): string[] | undefined {
  const parsed = parseAllowlist(env[SANDBOX_ACCOUNTS_VARIABLE]);
  if (parsed?.notAnId !== undefined) {
    throw new TargetError(
      `${SANDBOX_ACCOUNTS_VARIABLE}: "${parsed.notAnId}" is not a 12-digit AWS account id; list your sandbox accounts' ids, separated by commas ` +
        `(e.g. ${SANDBOX_ACCOUNTS_VARIABLE}=${EXAMPLE_ACCOUNT})`,
    );
  }
  return parsed?.accounts;
}

/** Throws a TargetError if the account must not be touched. */
export async function ensureSandboxAccount(account: string, iam: IAMClient, env: Environment = processEnvironment()): Promise<AccountCheck> {
  const allowed = sandboxAllowlist(env);
  if (allowed?.length === 0) {
    throw new TargetError(
      `refusing to use AWS account ${account}: ${SANDBOX_ACCOUNTS_VARIABLE} is set but names no account, so it allows none; list your sandbox ` +
        `accounts' ids (e.g. ${SANDBOX_ACCOUNTS_VARIABLE}=${EXAMPLE_ACCOUNT}), or unset it to rely on the account alias check alone`,
    );
  }
  if (allowed && !allowed.includes(account)) {
    throw new TargetError(
      `refusing to use AWS account ${account}: it is not in ${SANDBOX_ACCOUNTS_VARIABLE} (${allowed.join(', ')}); switch to a sandbox ` +
        `profile (AWS_PROFILE=<sandbox profile> npx racelab …) or add the account to ${SANDBOX_ACCOUNTS_VARIABLE} if it is a sandbox`,
    );
  }
  let aliases: string[];
  try {
    aliases = (await iam.send(new ListAccountAliasesCommand({}))).AccountAliases ?? [];
  } catch (error) {
    // Credentials or network trouble is the user's to fix; a role without
    // iam:ListAccountAliases is common in sandboxes and only weakens the check.
    if (isTargetUnusable(error) && !isAccessDenied(error)) throw error;
    return { account, aliasUnreadable: errorName(error) || 'unknown error' };
  }
  const production = aliases.find((alias) => /prod/i.test(alias));
  if (production) {
    throw new TargetError(
      `refusing to use AWS account ${account} ("${production}"): its alias names a production account, and the lab deletes DNS records and ` +
        `data on purpose; switch to a sandbox profile: AWS_PROFILE=<sandbox profile> npx racelab …`,
    );
  }
  return { account, alias: aliases[0] };
}
