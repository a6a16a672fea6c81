// racelab up: the embedded endpoints on loopback until Ctrl-C, so the AWS CLI,
// dig and any SDK can look at (or drive) the lab by hand.
import { startEmbeddedLab } from '../../local/embedded-lab.ts';
import { parseInteger } from '../options.ts';
import { parseRunRequest, printReport, runOnLab } from './run.ts';

export interface UpOptions {
  /** Run this scenario first, then keep serving its end state. */
  scenario?: string;
  safeguard: string[];
  seed?: string;
  dynamodbPort?: string;
  route53Port?: string;
  dnsPort?: string;
  json?: boolean;
}

const PORT_RANGE = { min: 0, max: 65535 };

export async function upCommand(options: UpOptions): Promise<number> {
  // Validate everything before any port is opened.
  const request = options.scenario ? await parseRunRequest(options.scenario, options) : undefined;
  const lab = await startEmbeddedLab({
    ports: {
      dynamodb: parseInteger('--dynamodb-port', options.dynamodbPort, PORT_RANGE),
      route53: parseInteger('--route53-port', options.route53Port, PORT_RANGE),
      dns: parseInteger('--dns-port', options.dnsPort, PORT_RANGE),
    },
  });
  const [dnsHost, dnsPort] = lab.endpoints.dns.split(':');
  if (request) printReport(await runOnLab(lab, request, options), options.json);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ endpoints: lab.endpoints, hostedZoneId: lab.hostedZoneId, zone: lab.zone, tables: lab.tables, environment: lab.environment })}\n`);
  } else {
    const env = Object.entries(lab.environment).map(([key, value]) => `export ${key}=${value}`).join('\n');
    process.stdout.write(
      [
        `dns-race-lab embedded target is up (Ctrl-C to stop)`,
        `  DynamoDB API   ${lab.endpoints.dynamodb}   tables: ${lab.tables.plans}, ${lab.tables.events}`,
        `  Route 53 API   ${lab.endpoints.route53}   private hosted zone ${lab.zone} (${lab.hostedZoneId})`,
        `  DNS            ${lab.endpoints.dns} (UDP and TCP)`,
        '',
        'Environment for the AWS CLI and SDKs:',
        env,
        '',
        'Try:',
        `  aws route53 list-resource-record-sets --hosted-zone-id ${lab.hostedZoneId}`,
        `  aws dynamodb scan --table-name ${lab.tables.plans}`,
        `  dig @${dnsHost} -p ${dnsPort} dynamodb.us-east-1.${lab.zone}`,
        '',
      ].join('\n'),
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await lab.close();
  if (!options.json) process.stdout.write('stopped\n');
  return 0;
}
