// Which Route 53 the conformance suite judges. RACELAB_ROUTE53_ENDPOINT=aws
// means real Route 53 (SDK default endpoint and credentials); any other value
// is an endpoint URL (e.g. LocalStack); unset starts the embedded endpoint.
// This is the suite's only import from local/.

import { Route53Client, type VPCRegion } from '@aws-sdk/client-route-53';
import { startRoute53Server } from '../../../local/route53/server.ts';
import { Route53Model } from '../../../local/route53/zone-model.ts';

export interface Route53Target {
  client: Route53Client;
  /** "aws", the endpoint URL, or "embedded <url>". */
  description: string;
  isRealAws: boolean;
  close(): Promise<void>;
}

const REGION = 'us-east-1';

export async function openRoute53Target(): Promise<Route53Target> {
  const configured = process.env.RACELAB_ROUTE53_ENDPOINT;
  if (configured === 'aws') {
    const client = new Route53Client({ region: REGION });
    return { client, description: 'aws', isRealAws: true, close: async () => client.destroy() };
  }
  // Emulators accept any key; use the environment's if it has one.
  const credentials = process.env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: 'racelab', secretAccessKey: 'racelab' };
  if (configured) {
    const client = new Route53Client({ region: REGION, endpoint: configured, credentials });
    return { client, description: configured, isRealAws: false, close: async () => client.destroy() };
  }
  const server = await startRoute53Server(new Route53Model());
  const client = new Route53Client({ region: REGION, endpoint: server.endpoint, credentials });
  return {
    client,
    description: `embedded ${server.endpoint}`,
    isRealAws: false,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** The VPC the suite's private zones are associated with; real AWS needs a real one (RACELAB_VPC_ID). */
export function conformanceVpc(): { vpcId: string; vpcRegion: VPCRegion } {
  return { vpcId: process.env.RACELAB_VPC_ID ?? 'vpc-0123456789abcdef0', vpcRegion: (process.env.RACELAB_VPC_REGION ?? REGION) as VPCRegion };
}
