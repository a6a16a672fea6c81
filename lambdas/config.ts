// The only place that reads process.env for the Lambda handlers.

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

/** Read on its own too: the embedded target builds handlers without readConfig and must stay silent. */
export function readMetricsMode(env: NodeJS.ProcessEnv = process.env): MetricsMode | undefined {
  const value = env[CONFIG_VARIABLES.metrics];
  if (!value) return undefined;
  if (value === 'emf') return value;
  throw new Error(`environment variable ${CONFIG_VARIABLES.metrics} is "${value}"; it must be "emf" or unset`);
}
