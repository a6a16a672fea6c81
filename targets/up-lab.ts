// The lab `racelab up` serves, attached from another terminal through the
// environment `up` prints: `racelab repair --target local` and the training
// exercises that work on a live lab use it.
import { CONFIG_VARIABLES } from '../lambdas/config.ts';
import { RUNNER, type EventLog } from '../lambdas/core/events.ts';
import type { DnsZone, KillSwitchControl, PlanStore } from '../lambdas/core/ports.ts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENVIRONMENT_VARIABLES, type Environment } from '../infra/environment.ts';
import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION } from '../local/embedded-account.ts';
import { errorName, networkErrorCode } from './target-errors.ts';
import { UsageError } from '../scenario/usage-error.ts';

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
  /** The automation's kill switch, in the plans table. */
  killSwitch: KillSwitchControl;
  dns: DnsZone;
  /** The run-events table, when the exports name it (EVENTS_TABLE): the runs `up` played, and their events. */
  runs?: { ids(): Promise<string[]>; events: EventLog };
  zone: string;
  /** "host:port" of the lab's DNS server, when `up` printed it. */
  dnsServer?: string;
  /** Where the lab is, for messages. */
  where: string;
}

/** The lab from the environment; a UsageError naming what is missing or malformed when `up`'s exports are not there. */
export async function attachToUpLab(what: string, env: Environment): Promise<UpLab> {
  const missing = UP_VARIABLES.filter((variable) => !env[variable]);
  if (missing.length > 0) {
    throw new UsageError(
      `${what} attaches to a lab that \`racelab up\` serves, and needs the environment it prints (missing: ${missing.join(', ')}); ` +
        'start `racelab up` in another terminal and paste its export lines here',
    );
  }
  for (const variable of ENDPOINT_VARIABLES) {
    if (!isHttpUrl(env[variable]!)) {
      throw new UsageError(`${variable}=${env[variable]} is not an http:// URL; paste the export lines \`racelab up\` printed (e.g. http://127.0.0.1:4566)`);
    }
  }
  // The adapters bring the AWS SDK: loaded only when a command attaches. The clients are made from
  // this environment (not whatever the process has), so they reach exactly the lab it names.
  const { DynamoDbPlanStore } = await import('../lambdas/adapters/dynamodb-plan-store.ts');
  const { DynamoDbKillSwitch } = await import('../lambdas/adapters/dynamodb-kill-switch.ts');
  const { DynamoDbEventLog } = await import('../lambdas/adapters/dynamodb-event-log.ts');
  const { Route53DnsZone } = await import('../lambdas/adapters/route53-dns-zone.ts');
  const { documentClient } = await import('../lambdas/adapters/dynamodb-clients.ts');
  const { Route53Client } = await import('@aws-sdk/client-route-53');
  const region = env[ENVIRONMENT_VARIABLES.region] ?? env[ENVIRONMENT_VARIABLES.defaultRegion] ?? EMBEDDED_REGION;
  const keyId = env[ENVIRONMENT_VARIABLES.accessKeyId];
  const secret = env[ENVIRONMENT_VARIABLES.secretAccessKey];
  // The lab takes any credentials: exports pasted without the key lines still attach.
  const credentials = keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : EMBEDDED_CREDENTIALS;
  const client = (endpoint: string) => ({ region, endpoint, credentials });
  const documents = documentClient(client(env[ENVIRONMENT_VARIABLES.dynamodbEndpoint]!));
  const eventsTable = env[CONFIG_VARIABLES.eventsTable];
  return {
    store: new DynamoDbPlanStore(env[CONFIG_VARIABLES.plansTable]!, documents),
    killSwitch: new DynamoDbKillSwitch(env[CONFIG_VARIABLES.plansTable]!, documents),
    ...(eventsTable ? { runs: { ids: () => runIds(documents, eventsTable), events: new DynamoDbEventLog(eventsTable, documents) } } : {}),
    dns: new Route53DnsZone(env[CONFIG_VARIABLES.hostedZoneId]!, new Route53Client(client(env[ENVIRONMENT_VARIABLES.route53Endpoint]!))),
    zone: env[CONFIG_VARIABLES.zoneName]!,
    dnsServer: env[CONFIG_VARIABLES.dnsServer] || undefined,
    where: `the lab at ${env[ENVIRONMENT_VARIABLES.route53Endpoint]}`,
  };
}

const ENDPOINT_VARIABLES = [ENVIRONMENT_VARIABLES.dynamodbEndpoint, ENVIRONMENT_VARIABLES.route53Endpoint] as const;

/** The runs the events table holds, oldest first, by their start events (a Scan: the lab's table holds only what `up` played). */
async function runIds(documents: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const { paginateScan } = await import('@aws-sdk/lib-dynamodb');
  const starts: { runId: string; at: number }[] = [];
  const pages = paginateScan(
    { client: documents },
    {
      TableName: table,
      FilterExpression: '#actor = :runner',
      ProjectionExpression: 'runId, #at',
      ExpressionAttributeNames: { '#actor': 'actor', '#at': 'at' },
      ExpressionAttributeValues: { ':runner': RUNNER },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) starts.push({ runId: String(item.runId), at: Number(item.at) });
  return starts.sort((a, b) => a.at - b.at).map((start) => start.runId);
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * What went wrong talking to the lab, in one sentence with the fix: nothing
 * answering (up stopped), something else answering, or a zone or table the lab
 * does not have (exports from another `up`). Errors that did not come from the
 * lab (a bug) pass through unchanged.
 */
export function explainUpLabError(error: unknown, env: Environment): unknown {
  if (error instanceof UsageError) return error;
  const endpoints = `${env[ENVIRONMENT_VARIABLES.route53Endpoint]} and ${env[ENVIRONMENT_VARIABLES.dynamodbEndpoint]}`;
  const paste = 'paste the export lines of the `racelab up` that is running';
  const unreachable = networkErrorCode(error);
  if (unreachable) return new UsageError(`nothing answers at ${endpoints} (${unreachable}): is \`racelab up\` still running? If so, ${paste}`);
  const name = errorName(error);
  if (name === 'NoSuchHostedZone') {
    return new UsageError(`the lab has no hosted zone ${env[CONFIG_VARIABLES.hostedZoneId]} (HOSTED_ZONE_ID); ${paste}`);
  }
  if (name === 'ResourceNotFoundException') {
    return new UsageError(`the lab has no table ${env[CONFIG_VARIABLES.plansTable]} (PLANS_TABLE); ${paste}`);
  }
  // A 4xx the lab's own API never sends means another server answers there; a 5xx from the lab is a bug to report.
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (status !== undefined && status < 500) {
    return new UsageError(`what answers at ${endpoints} is not a lab \`racelab up\` serves (HTTP ${status}, ${name || 'no error name'}); ${paste}`);
  }
  return error;
}
