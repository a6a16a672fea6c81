// racelab up: the embedded endpoints on loopback until Ctrl-C, so the AWS CLI,
// dig and any SDK can look at (or drive) the lab by hand.
import { Command } from 'commander';
import { exitWith, safeguardOption, simulationOptions } from '../command-options.ts';
import { onInterrupt } from '../interrupt.ts';
import type { SimulationOptions } from '../local-run.ts';
import { parseInteger } from '../option-values.ts';
import { EXIT, UsageError } from '../../scenario/usage-error.ts';

export function command(): Command {
  const up = new Command('up')
    .description('serve the embedded DynamoDB, Route 53 and DNS endpoints on loopback until Ctrl-C')
    .option('--dynamodb-port <port>', 'port for the DynamoDB API (default: a free one)')
    .option('--route53-port <port>', 'port for the Route 53 API (default: a free one)')
    .option('--dns-port <port>', 'port for the DNS server, UDP and TCP (default: a free one)')
    .option('--scenario <name>', 'first run this scenario (name or .json path), then keep serving its end state for dig and the AWS CLI')
    .addOption(safeguardOption('with --scenario: switch a safeguard on (repeatable)'))
    .option('--seed <n>', "with --scenario: seed for the Planner's weights")
    .option('--json', 'print the endpoints and environment as one JSON line (and the run report first, with --scenario)');
  return simulationOptions(up, 'with --scenario')
    .addHelpText(
      'after',
      `
Examples:
  racelab up                         # empty lab: drive it yourself with the AWS CLI
  racelab up --scenario oct-2025     # run the race, then: dig @127.0.0.1 -p PORT dynamodb.us-east-1.lab.internal`,
    )
    .action(async (options: UpOptions) => exitWith(await upCommand(options)));
}

export interface UpOptions extends SimulationOptions {
  /** Run this scenario first, then keep serving its end state. */
  scenario?: string;
  safeguard: string[];
  seed?: string;
  /** With --scenario: replay its timeline at this many real ms per scenario second. */
  pace?: string;
  dynamodbPort?: string;
  route53Port?: string;
  dnsPort?: string;
  json?: boolean;
}

const PORT_RANGE = { min: 0, max: 65535 };

export async function upCommand(options: UpOptions): Promise<number> {
  // The scenario model and the embedded lab load when the command runs, not when racelab starts.
  const { parsePace, parseRunRequest, printReport, runOnLab, simulationOptionsGiven, whyUnexpected } = await import('../local-run.ts');
  // Validate everything before any port is opened.
  const request = options.scenario ? await parseRunRequest(options.scenario, options) : undefined;
  const scenarioOnly = [
    ...(options.safeguard.length ? ['--safeguard'] : []),
    ...(options.seed !== undefined ? ['--seed'] : []),
    ...simulationOptionsGiven(options),
  ];
  if (!request && scenarioOnly.length) {
    throw new UsageError(`${scenarioOnly.join(', ')}: only with --scenario (they shape the run it starts with; without one, up serves an empty lab)`);
  }
  const paceMs = parsePace(options);
  const ports = {
    dynamodb: parseInteger('--dynamodb-port', options.dynamodbPort, PORT_RANGE),
    route53: parseInteger('--route53-port', options.route53Port, PORT_RANGE),
    dns: parseInteger('--dns-port', options.dnsPort, PORT_RANGE),
  };
  const { startEmbeddedLab } = await import('../../local/embedded-lab.ts');
  const lab = await startEmbeddedLab({ ports }).catch((error: NodeJS.ErrnoException) => {
    throw portRefused(error, ports) ?? error;
  });
  const [dnsHost, dnsPort] = lab.endpoints.dns.split(':');
  const report = request ? await runOnLab(lab, request, options) : undefined;
  if (report) {
    await printReport(report, options.json, paceMs);
    if (!report.asExpected && !options.json) process.stderr.write(`racelab: ${whyUnexpected(report)}\n`);
  }
  // Listening before the banner: a supervisor may send SIGTERM the moment it reads it.
  const stopped = new Promise<void>((resolve) => onInterrupt(() => resolve()));
  const digName = `${request?.scenario.endpoints[0] ?? 'dynamodb.us-east-1'}.${lab.zone}`;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ endpoints: lab.endpoints, hostedZoneId: lab.hostedZoneId, zone: lab.zone, tables: lab.tables, environment: lab.environment })}\n`,
    );
  } else {
    const env = Object.entries(lab.environment)
      .map(([key, value]) => `export ${key}=${value}`)
      .join('\n');
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
        `  dig @${dnsHost} -p ${dnsPort} ${digName}`,
        '  racelab repair --dry-run        # with the exports above: how the automation would be repaired',
        '',
      ].join('\n'),
    );
  }
  await stopped;
  await lab.close();
  if (!options.json) process.stdout.write('stopped\n');
  // With --scenario, the exit code says whether the run went as the scenario expects, as for `run`.
  return report && !report.asExpected ? EXIT.unexpected : EXIT.ok;
}

const PORT_OPTIONS = { dynamodb: '--dynamodb-port', route53: '--route53-port', dns: '--dns-port' } as const;

/** A port the system would not let `up` listen on, as the option that named it and its fix; undefined for any other error. */
function portRefused(error: NodeJS.ErrnoException, ports: Record<keyof typeof PORT_OPTIONS, number | undefined>): UsageError | undefined {
  const port = Number(/:(\d+)$/.exec(error.message)?.[1] ?? (error as { port?: number }).port);
  const option = (Object.keys(PORT_OPTIONS) as (keyof typeof PORT_OPTIONS)[]).find((name) => ports[name] === port);
  const named = option ? `${PORT_OPTIONS[option]} ${port}` : `port ${port}`;
  if (error.code === 'EADDRINUSE') {
    return new UsageError(`${named} is already in use: pick a free port, or leave ${option ? PORT_OPTIONS[option] : 'the port options'} out to get a free one`);
  }
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return new UsageError(
      `${named}: this user may not listen on it (${error.code}; ports below 1024 need privileges): pick a port from 1024 up, or leave ` +
        `${option ? PORT_OPTIONS[option] : 'the port options'} out to get a free one`,
    );
  }
  return undefined;
}
