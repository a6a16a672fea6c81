// The errors a user meets when the CLI reaches a deployed target, each turned
// into one sentence and the command that fixes it (never a stack trace).
import type { RemoteTarget } from './target.ts';
import { UsageError } from '../scenario/usage-error.ts';
import { LOCALSTACK_DOCS, LOCALSTACK_START } from './localstack-caveat.ts';

/**
 * The target is not ready for the command (no credentials, no stack, LocalStack
 * down, a refused account): printed as one message, exit code 2 like bad input,
 * because nothing ran.
 */
export class TargetError extends UsageError {}

const CREDENTIALS_MISSING = new Set(['CredentialsProviderError', 'TokenProviderError']);
const CREDENTIALS_REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'UnauthorizedOperation']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A network error code, looking through AggregateError (Node's happy eyeballs) and `cause`. */
export function networkErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const next = queue.shift();
    if (!next || typeof next !== 'object' || seen.has(next)) continue;
    seen.add(next);
    const { code, cause, errors } = next as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code;
    queue.push(cause, ...(Array.isArray(errors) ? errors : []));
  }
  return undefined;
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** The sentence in an AWS error message, trimmed to one line. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** How the user re-runs with another profile, as a hint. */
const PROFILE_HINT = 'AWS_PROFILE=<sandbox profile> npx racelab …';

/**
 * The user-facing form of an error from a target call: a TargetError when the
 * error is one a user meets and can fix, else the error itself.
 */
export function explainTargetError(error: unknown, target: RemoteTarget): Error {
  if (error instanceof UsageError) return error;
  const name = errorName(error);
  const message = firstLine(error);
  const unreachable = networkErrorCode(error);
  if (unreachable) {
    if (target.name === 'localstack') {
      return new TargetError(
        `LocalStack is not answering at ${target.endpoints.cloudformation} (${unreachable}); start it: \`${LOCALSTACK_START}\` ` +
          `(${LOCALSTACK_DOCS}), or point AWS_ENDPOINT_URL at where it runs; if its container exited, \`docker logs localstack\` says why ` +
          '("license activation failed": export LOCALSTACK_AUTH_TOKEN first)',
      );
    }
    return new TargetError(
      `cannot reach AWS in region ${target.region} (${unreachable}); check your network connection, and unset AWS_ENDPOINT_URL if it points elsewhere`,
    );
  }
  if (target.name === 'localstack') {
    const fix = localStackFix(message, target);
    if (fix) return new TargetError(`LocalStack answered: ${message}; ${fix}`);
  }
  if (CREDENTIALS_MISSING.has(name) || /could not load credentials/i.test(message)) {
    const sso = /sso|token/i.test(message) ? ' (for an SSO profile: `aws sso login --profile <name>`)' : '';
    return new TargetError(`no AWS credentials found (${message}); set them up with \`aws configure\`, or choose a profile: ${PROFILE_HINT}${sso}`);
  }
  if (CREDENTIALS_REJECTED.has(name)) {
    return new TargetError(
      `AWS rejected your credentials (${name}: ${message}); refresh them (\`aws sso login\` or \`aws configure\`) or choose another profile: ${PROFILE_HINT}`,
    );
  }
  if (ACCESS_DENIED.has(name)) {
    return new TargetError(
      `your credentials are not allowed to do this (${message}); use a profile with administrator access to the sandbox account: ${PROFILE_HINT}`,
    );
  }
  if (name === 'StateMachineDoesNotExist' || name === 'ResourceNotFoundException' || name === 'NoSuchHostedZone') {
    return new TargetError(
      `a resource named in stack ${target.stackName}'s outputs no longer exists (${message}); redeploy the stack: ${target.commands.deploy}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** What LocalStack says when its Lambdas cannot start: it has no Docker (no socket mounted). */
const LAMBDA_WITHOUT_DOCKER = /docker not available|function is currently in the following state: failed/i;
/** What LocalStack says when its license (the auth token) does not cover a call. */
const LICENSE_REFUSED = /localstack license|current license plan|license activation/i;

/**
 * The fix for a LocalStack message that the lab's users meet (a Lambda that
 * could not start, a call its license does not cover), or undefined.
 * Used for call errors, stack failures and an execution's cause alike.
 */
export function localStackFix(text: string, target: RemoteTarget): string | undefined {
  if (LAMBDA_WITHOUT_DOCKER.test(text)) {
    return (
      "LocalStack could not start the lab's Lambda functions because it cannot reach Docker; restart it with the Docker socket mounted " +
      `(\`-v /var/run/docker.sock:/var/run/docker.sock\`): \`${LOCALSTACK_START}\`, then deploy again: ${target.commands.deploy}`
    );
  }
  if (LICENSE_REFUSED.test(text)) {
    return (
      'LocalStack runs without a license that covers this; export LOCALSTACK_AUTH_TOKEN=<your auth token> (app.localstack.cloud, ' +
      `Auth Tokens; the Hobby plan is free for non-commercial use) and restart it: \`${LOCALSTACK_START}\``
    );
  }
  return undefined;
}

/** Runs a target operation and rethrows its errors in their user-facing form. */
export async function explainingErrors<T>(target: RemoteTarget, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw explainTargetError(error, target);
  }
}

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(errorName(error));
}

/** Errors that mean the target as a whole cannot be used (as opposed to one call failing its check). */
export function isTargetUnusable(error: unknown): boolean {
  const name = errorName(error);
  return (
    networkErrorCode(error) !== undefined ||
    CREDENTIALS_MISSING.has(name) ||
    CREDENTIALS_REJECTED.has(name) ||
    ACCESS_DENIED.has(name) ||
    /could not load credentials/i.test(firstLine(error))
  );
}
