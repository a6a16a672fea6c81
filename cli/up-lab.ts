// The lab `racelab up` serves, attached from another terminal through the
// environment `up` prints: `racelab repair --target local` and the training
// exercises that work on a live lab use it.
import { CONFIG_VARIABLES } from '../lambdas/config.ts';
import type { DnsZone, PlanStore } from '../lambdas/core/ports.ts';
import { ENVIRONMENT_VARIABLES, type Environment } from '../infra/environment.ts';
import { UsageError } from './usage-error.ts';

/** Without the endpoints the SDK would reach real AWS: every one must be set. */
const UP_VARIABLES = [
  ENVIRONMENT_VARIABLES.dynamodbEndpoint,
  ENVIRONMENT_VARIABLES.route53Endpoint,
  CONFIG_VARIABLES.plansTable,
  CONFIG_VARIABLES.hostedZoneId,
  CONFIG_VARIABLES.zoneName,
] as const;

export interface UpLab {
  store: PlanStore;
  dns: DnsZone;
  zone: string;
  /** "host:port" of the lab's DNS server, when `up` printed it. */
  dnsServer?: string;
  /** Where the lab is, for messages. */
  where: string;
}

/** The lab from the environment; a UsageError naming what is missing when `up`'s exports are not there. */
export async function attachToUpLab(what: string, env: Environment): Promise<UpLab> {
  const missing = UP_VARIABLES.filter((variable) => !env[variable]);
  if (missing.length > 0) {
    throw new UsageError(
      `${what} attaches to a lab that \`racelab up\` serves, and needs the environment it prints (missing: ${missing.join(', ')}); ` +
        'start `racelab up` in another terminal and paste its export lines here',
    );
  }
  // The adapters bring the AWS SDK: loaded only when a command attaches. The clients are made from
  // this environment (not whatever the process has), so they reach exactly the lab it names.
  const { DynamoDbPlanStore } = await import('../lambdas/adapters/dynamodb-plan-store.ts');
  const { Route53DnsZone } = await import('../lambdas/adapters/route53-dns-zone.ts');
  const { documentClient } = await import('../lambdas/adapters/dynamodb-clients.ts');
  const { Route53Client } = await import('@aws-sdk/client-route-53');
  const region = env[ENVIRONMENT_VARIABLES.region] ?? env[ENVIRONMENT_VARIABLES.defaultRegion] ?? 'us-east-1';
  const keyId = env[ENVIRONMENT_VARIABLES.accessKeyId];
  const secret = env[ENVIRONMENT_VARIABLES.secretAccessKey];
  const credentials = keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : undefined;
  const client = (endpoint: string) => ({ region, endpoint, ...(credentials ? { credentials } : {}) });
  return {
    store: new DynamoDbPlanStore(env[CONFIG_VARIABLES.plansTable]!, documentClient(client(env[ENVIRONMENT_VARIABLES.dynamodbEndpoint]!))),
    dns: new Route53DnsZone(env[CONFIG_VARIABLES.hostedZoneId]!, new Route53Client(client(env[ENVIRONMENT_VARIABLES.route53Endpoint]!))),
    zone: env[CONFIG_VARIABLES.zoneName]!,
    dnsServer: env[CONFIG_VARIABLES.dnsServer] || undefined,
    where: `the lab at ${env[ENVIRONMENT_VARIABLES.route53Endpoint]}`,
  };
}

/** A refused connection means `up` has stopped: say so, rather than an SDK stack. */
export function whenUpStopped(error: unknown, env: Environment): unknown {
  if (!isRefused(error)) return error;
  const endpoints = `${env[ENVIRONMENT_VARIABLES.route53Endpoint]} or ${env[ENVIRONMENT_VARIABLES.dynamodbEndpoint]}`;
  return new UsageError(`nothing answers at ${endpoints}: is \`racelab up\` still running?`);
}

function isRefused(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  return code === 'ECONNREFUSED' || (error instanceof AggregateError && error.errors.some(isRefused));
}
