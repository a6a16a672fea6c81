// The one place the CLI and the CDK app read the process environment, and the
// names of every variable they read. Each reader takes an environment, so tests
// pass their own; the process's own comes from processEnvironment(). (The Lambda
// handlers read theirs in lambdas/config.ts.)

export type Environment = Readonly<Record<string, string | undefined>>;

export const ENVIRONMENT_VARIABLES = {
  /** Print the stack trace of an unexpected error. */
  debug: 'RACELAB_DEBUG',
  /** No colour in the CLI's output (no-color.org). */
  noColor: 'NO_COLOR',
  /** Comma- or space-separated 12-digit account ids that racelab and the CDK app may touch. */
  sandboxAccounts: 'RACELAB_SANDBOX_ACCOUNTS',
  /** An IAM managed policy ARN the CDK app sets as the permissions boundary of every role (context permissionsBoundary wins). */
  permissionsBoundary: 'RACELAB_PERMISSIONS_BOUNDARY',
  /** Set by the CDK CLI: the account and region of the credentials it found. */
  cdkAccount: 'CDK_DEFAULT_ACCOUNT',
  cdkRegion: 'CDK_DEFAULT_REGION',
  /** The AWS SDK's and CLI's own: region, LocalStack's endpoint, credentials. */
  region: 'AWS_REGION',
  defaultRegion: 'AWS_DEFAULT_REGION',
  endpoint: 'AWS_ENDPOINT_URL',
  dynamodbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  route53Endpoint: 'AWS_ENDPOINT_URL_ROUTE_53',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
} as const;

/** The process's environment, for the readers' defaults. */
export function processEnvironment(): Environment {
  return process.env;
}

export function debugging(env: Environment = processEnvironment()): boolean {
  return Boolean(env[ENVIRONMENT_VARIABLES.debug]);
}

export function colourWanted(env: Environment = processEnvironment()): boolean {
  return !env[ENVIRONMENT_VARIABLES.noColor];
}
