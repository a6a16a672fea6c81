// The only place that reads process.env for the Lambda handlers, and the one
// place that sets how long their SDK calls may take.
import type { CallBounds, SdkCallBounds } from './adapters/sdk-clients.ts';

export interface LambdaConfig {
  plansTable: string;
  eventsTable: string;
  /** The cascade's table: DWFM's leases and the operator's switches. */
  cascadeTable: string;
  hostedZoneId: string;
  zoneName: string;
  /** "host:port" of a DNS server for the Probe; unset in AWS (the VPC resolver answers). */
  dnsServer?: string;
  /** "emf": write CloudWatch Embedded Metric Format lines to stdout (the CDK stack sets it; the embedded target leaves it unset). */
  metrics?: MetricsMode;
  /** false: the Probe cannot reach the Route 53 API (a region without its interface endpoint), so it reads no zone. */
  zoneReads?: boolean;
}

export type MetricsMode = 'emf';

/** The lab's private hosted zone, unless a deployment names another (the CDK context zoneName). */
export const DEFAULT_ZONE_NAME = 'lab.internal';

export const CONFIG_VARIABLES = {
  plansTable: 'PLANS_TABLE',
  eventsTable: 'EVENTS_TABLE',
  cascadeTable: 'CASCADE_TABLE',
  hostedZoneId: 'HOSTED_ZONE_ID',
  zoneName: 'ZONE_NAME',
  dnsServer: 'DNS_SERVER',
  metrics: 'RACELAB_METRICS',
  zoneReads: 'RACELAB_ZONE_READS',
} as const;

export function readConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const required = (key: Exclude<keyof LambdaConfig, 'dnsServer' | 'metrics' | 'zoneReads'>): string => {
    const value = env[CONFIG_VARIABLES[key]];
    if (!value) throw new Error(`environment variable ${CONFIG_VARIABLES[key]} is not set; the CDK stack sets it on every lab function`);
    return value;
  };
  return {
    plansTable: required('plansTable'),
    eventsTable: required('eventsTable'),
    cascadeTable: required('cascadeTable'),
    hostedZoneId: required('hostedZoneId'),
    zoneName: required('zoneName'),
    dnsServer: env[CONFIG_VARIABLES.dnsServer] || undefined,
    metrics: readMetricsMode(env),
    ...(env[CONFIG_VARIABLES.zoneReads] === 'off' ? { zoneReads: false } : {}),
  };
}

/** The environment that readConfig reads this configuration back from (the embedded lab hands it to `racelab up`'s users). */
export function configEnvironment(config: LambdaConfig): Record<string, string> {
  const environment: Record<string, string> = {
    [CONFIG_VARIABLES.plansTable]: config.plansTable,
    [CONFIG_VARIABLES.eventsTable]: config.eventsTable,
    [CONFIG_VARIABLES.cascadeTable]: config.cascadeTable,
    [CONFIG_VARIABLES.hostedZoneId]: config.hostedZoneId,
    [CONFIG_VARIABLES.zoneName]: config.zoneName,
  };
  if (config.dnsServer) environment[CONFIG_VARIABLES.dnsServer] = config.dnsServer;
  if (config.metrics) environment[CONFIG_VARIABLES.metrics] = config.metrics;
  if (config.zoneReads === false) environment[CONFIG_VARIABLES.zoneReads] = 'off';
  return environment;
}

/**
 * What every SDK client a deployed function builds is held to (lambdaEntry → depsFromConfig). A call's worst case
 * is maxAttempts × (connection + request) plus the SDK's backoff, under two minutes, far inside the function's
 * 900 s: a call into a black hole fails with the SDK's TimeoutError (the handler records it as `failed`) instead
 * of using up the invocation. The bounds are for calls that will never answer, not for slow ones: the SDK retries a
 * timed-out call, and a write that landed but answered late would be sent again (the Planner's generation counter
 * would skip a number; an Enactor's batch, whose exact-match DELETE of the lock then fails, would report a lost
 * lock). The embedded target builds its own clients without these: the SDK's timers would run on its virtual clock.
 * - Connection: 5 s. A TCP handshake in a region takes milliseconds; a security group that drops, or an interface
 *   endpoint missing from the caller's AZ (the Probe's Route 53 calls), never completes one.
 * - DynamoDB request: 20 s, for calls DynamoDB answers in milliseconds (one item, or one partition's few plans).
 * - Route 53 request: 30 s. ChangeResourceRecordSets answers PENDING at once, but can take seconds when Route 53 is
 *   busy.
 * - Attempts: 3, the SDK's default, on both. Route 53's throttling reaches the Enactor as Throttled after them,
 *   and the Enactor retries the whole apply with its own backoff inside the step; more SDK attempts would only
 *   hide that from the timeline.
 */
export const LAMBDA_SDK_BOUNDS: SdkCallBounds = {
  dynamodb: { connectionTimeoutMs: 5_000, requestTimeoutMs: 20_000, maxAttempts: 3 },
  route53: { connectionTimeoutMs: 5_000, requestTimeoutMs: 30_000, maxAttempts: 3 },
};

/** The Lambdas' bounds with some replaced on every service (a test narrows them to fail in a fraction of a second). */
export function sdkCallBounds(overrides: Partial<CallBounds> = {}): SdkCallBounds {
  return { dynamodb: { ...LAMBDA_SDK_BOUNDS.dynamodb, ...overrides }, route53: { ...LAMBDA_SDK_BOUNDS.route53, ...overrides } };
}

/** Read on its own too: the embedded target builds handlers without readConfig and must stay silent. */
export function readMetricsMode(env: NodeJS.ProcessEnv = process.env): MetricsMode | undefined {
  const value = env[CONFIG_VARIABLES.metrics];
  if (!value) return undefined;
  if (value === 'emf') return value;
  throw new Error(`environment variable ${CONFIG_VARIABLES.metrics} is "${value}"; it must be "emf" or unset`);
}
