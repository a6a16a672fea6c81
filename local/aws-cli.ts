// The AWS CLI against the embedded lab. SDKs and recent AWS CLIs read the
// AWS_ENDPOINT_URL_<SERVICE> variables `racelab up` exports; older CLIs ignore
// them and call the real AWS (Debian 12 packages aws-cli 2.9.19), so every aws
// command racelab prints names its endpoint with --endpoint-url, which every
// AWS CLI, v1 and v2, reads.
import type { EmbeddedLab } from './embedded-lab.ts';

/** The AWS CLI reads AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> from these versions on (v1, v2). */
export const AWS_CLI_ENDPOINT_VARIABLES_FROM = { 1: [1, 29, 0], 2: [2, 13, 0] } as const;

/** "v2 from 2.13.0, v1 from 1.29.0", for messages. */
export const AWS_CLI_ENDPOINT_VARIABLES_VERSIONS =
  `v2 from ${AWS_CLI_ENDPOINT_VARIABLES_FROM[2].join('.')}, ` + `v1 from ${AWS_CLI_ENDPOINT_VARIABLES_FROM[1].join('.')}`;

type LabApis = Pick<EmbeddedLab, 'endpoints'>;

/** `aws <service> <args> --endpoint-url <the lab's endpoint for it>`: reaches the lab with any AWS CLI. */
export function labAwsCommand(lab: LabApis, service: 'dynamodb' | 'route53', args: string): string {
  return `aws ${service} ${args} --endpoint-url ${lab.endpoints[service]}`;
}

/** The aws commands `racelab up`'s banner suggests: the zone's records and the plans table. */
export function labAwsTries(lab: LabApis & Pick<EmbeddedLab, 'hostedZoneId' | 'tables'>): string[] {
  return [
    labAwsCommand(lab, 'route53', `list-resource-record-sets --hosted-zone-id ${lab.hostedZoneId}`),
    labAwsCommand(lab, 'dynamodb', `scan --table-name ${lab.tables.plans}`),
  ];
}
