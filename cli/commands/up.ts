// racelab up: the embedded endpoints on loopback until Ctrl-C, so the AWS CLI,
// dig and any SDK can look at (or drive) the lab by hand. With --hand-over, the
// scenario's run holds where its operator first acts, and the operator's turn
// is the person's: the exercise freeze (training/freeze.ts).
import { Command } from 'commander';
import { exitWith, safeguardOption, simulationOptions } from '../command-options.ts';
import { onInterrupt } from '../interrupt.ts';
import type { SimulationOptions } from '../local-run.ts';
import { AWS_CLI_ENDPOINT_VARIABLES_VERSIONS, labAwsTries } from '../../local/aws-cli.ts';
import type { EmbeddedLab } from '../../local/embedded-lab.ts';
import type { HandOverMoment } from '../../local/run-embedded.ts';
import type { RunReport } from '../../scenario/run-report.ts';
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
    .option(
      '--hand-over [seconds]',
      "with --scenario: you are the operator. The run holds where the scenario's operator first acts (the automation waits, the lab " +
        `answers you) for this many seconds (default ${HAND_OVER_SECONDS}) or until you press Enter, then goes on without the scenario's operator`,
    )
    .option('--json', 'print the endpoints and environment as one JSON line (and the run report first, with --scenario)');
  return simulationOptions(up, 'with --scenario')
    .addHelpText(
      'after',
      `
Examples:
  racelab up                         # empty lab: drive it yourself with the AWS CLI
  racelab up --scenario oct-2025     # run the race, then: dig @127.0.0.1 -p PORT dynamodb.us-east-1.lab.internal
  racelab up --scenario oct-2025-freeze --hand-over    # your turn as the operator, mid-race (exercise freeze)`,
    )
    .action(async (options: UpOptions) => exitWith(await upCommand(options)));
}

export interface UpOptions extends SimulationOptions {
  /** Run this scenario first, then keep serving its end state. */
  scenario?: string;
  safeguard: string[];
  seed?: string;
  /** With --scenario: the operator's turn is the person's, for this many real seconds (true: the default). */
  handOver?: string | boolean;
  /** With --scenario: replay its timeline at this many real ms per scenario second. */
  pace?: string;
  dynamodbPort?: string;
  route53Port?: string;
  dnsPort?: string;
  json?: boolean;
}

const PORT_RANGE = { min: 0, max: 65535 };
/** How long a hand-over holds the run by default: the exercise freeze gives the trainee five minutes. */
const HAND_OVER_SECONDS = 300;
const HAND_OVER_RANGE = { min: 1, max: 3600 };

export async function upCommand(options: UpOptions): Promise<number> {
  // The scenario model and the embedded lab load when the command runs, not when racelab starts.
  const { parsePace, parseRunRequest, printReport, runOnLab, simulationOptionsGiven, whyUnexpected } = await import('../local-run.ts');
  // Validate everything before any port is opened.
  const parsed = options.scenario ? await parseRunRequest(options.scenario, options) : undefined;
  const scenarioOnly = [
    ...(options.safeguard.length ? ['--safeguard'] : []),
    ...(options.seed !== undefined ? ['--seed'] : []),
    ...(options.handOver !== undefined ? ['--hand-over'] : []),
    ...simulationOptionsGiven(options),
  ];
  if (!parsed && scenarioOnly.length) {
    throw new UsageError(`${scenarioOnly.join(', ')}: only with --scenario (they shape the run it starts with; without one, up serves an empty lab)`);
  }
  const handOverSeconds =
    typeof options.handOver === 'string' ? parseInteger('--hand-over', options.handOver, HAND_OVER_RANGE) : options.handOver ? HAND_OVER_SECONDS : undefined;
  // Handed over, the run's operator steps are the person's: the scenario as it then runs (refused if it cannot be).
  const request =
    parsed && handOverSeconds !== undefined ? { ...parsed, scenario: (await import('../../local/run-embedded.ts')).handedOver(parsed.scenario) } : parsed;
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
  const digName = `${request?.scenario.endpoints[0] ?? 'dynamodb.us-east-1'}.${lab.zone}`;
  const handOver =
    request && handOverSeconds !== undefined
      ? async (moment: HandOverMoment) => {
          const { reportOf } = await import('../../scenario/run-report.ts');
          await yourTurn(lab, reportOf(request, { target: 'local', runId: moment.runId }, moment.events), moment, handOverSeconds, options.json, digName);
        }
      : undefined;
  const report = request ? await runOnLab(lab, request, { json: options.json, handOver }) : undefined;
  if (report) {
    await printReport(report, options.json, paceMs);
    if (!report.asExpected && !options.json) process.stderr.write(`racelab: ${whyUnexpected(report)}\n`);
  }
  // Listening before the banner: a supervisor may send SIGTERM the moment it reads it.
  const stopped = new Promise<void>((resolve) => onInterrupt(() => resolve()));
  process.stdout.write(banner(lab, options.json, digName, handOver ? ['  racelab exercise verify freeze  # with the exports above: judges your turn'] : []));
  await stopped;
  await lab.close();
  if (!options.json) process.stdout.write('stopped\n');
  // With --scenario, the exit code says whether the run went as the scenario expects, as for `run`.
  return report && !report.asExpected ? EXIT.unexpected : EXIT.ok;
}

/** The lab's endpoints and the exports for the AWS CLI: as one JSON line with --json (with `extra` fields), or as text (with `tries` added). */
function banner(lab: EmbeddedLab, json: boolean | undefined, digName: string, tries: string[], extra: Record<string, unknown> = {}): string {
  if (json) {
    const { endpoints, hostedZoneId, zone, tables, environment } = lab;
    return `${JSON.stringify({ ...extra, endpoints, hostedZoneId, zone, tables, environment })}\n`;
  }
  const [dnsHost, dnsPort] = lab.endpoints.dns.split(':');
  const env = Object.entries(lab.environment)
    .map(([key, value]) => `export ${key}=${value}`)
    .join('\n');
  return [
    `dns-race-lab embedded target is up (Ctrl-C to stop)`,
    `  DynamoDB API   ${lab.endpoints.dynamodb}   tables: ${lab.tables.plans}, ${lab.tables.events}`,
    `  Route 53 API   ${lab.endpoints.route53}   private hosted zone ${lab.zone} (${lab.hostedZoneId})`,
    `  DNS            ${lab.endpoints.dns} (UDP and TCP)`,
    '',
    'Environment for the AWS CLI and SDKs:',
    env,
    '',
    // An AWS CLI too old for AWS_ENDPOINT_URL_* would send a bare `aws …` to the real AWS: each line names its endpoint.
    `Try (each aws line names its --endpoint-url: only AWS CLI ${AWS_CLI_ENDPOINT_VARIABLES_VERSIONS} read AWS_ENDPOINT_URL_*):`,
    ...labAwsTries(lab).map((line) => `  ${line}`),
    `  dig @${dnsHost} -p ${dnsPort} ${digName}`,
    '  racelab repair --dry-run        # with the exports above: how the automation would be repaired',
    ...tries,
    '',
  ].join('\n');
}

/**
 * The person's turn in a run handed over (--hand-over): the timeline so far, the lab's endpoints and exports,
 * then a hold of `seconds` real seconds, or until Enter, while the lab answers them and the automation waits.
 */
async function yourTurn(
  lab: EmbeddedLab,
  soFar: RunReport,
  moment: HandOverMoment,
  seconds: number,
  json: boolean | undefined,
  digName: string,
): Promise<void> {
  const { realTime } = await import('../../local/simulation/virtual-time.ts');
  const until = new Date(realTime.now() + seconds * 1000);
  const at = `+${moment.atSeconds.toFixed(1)}s`;
  if (json) {
    process.stdout.write(
      banner(lab, true, digName, [], { handOver: { runId: moment.runId, atSeconds: moment.atSeconds, seconds, until: until.toISOString() } }),
    );
  } else {
    const { timelineParts } = await import('../../report/render-timeline.ts');
    const { styler } = await import('../../report/style.ts');
    const parts = timelineParts(soFar, styler(process.stdout));
    const clock = until.toTimeString().slice(0, 8);
    process.stdout.write(
      [
        ...parts.header,
        ...parts.rows.map((row) => row.text),
        '',
        banner(lab, false, digName, []),
        `YOUR TURN: the run holds at ${at}, where the scenario's operator would act, and the operator's steps are yours. The automation`,
        `waits, and goes on in ${seconds} s (at ${clock}), or when you press Enter here; then it runs to the end at once.`,
        'Stop it before it makes things worse, then repair (docs/training/trainee.md, exercise 6).',
        '',
      ].join('\n'),
    );
  }
  const enter = enterPressed();
  try {
    await realTime.delay(seconds * 1000, enter.signal);
  } finally {
    enter.stop();
  }
  if (!json) process.stdout.write(`your turn is over: the automation goes on from ${at}…\n\n`);
}

/** Aborts when a line comes in on standard input (Enter, at a terminal); a closed input never aborts. */
function enterPressed(): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const onData = (chunk: Buffer) => {
    if (chunk.includes(0x0a) || chunk.includes(0x0d)) controller.abort();
  };
  process.stdin.on('data', onData);
  process.stdin.resume();
  return {
    signal: controller.signal,
    stop: () => {
      process.stdin.off('data', onData);
      process.stdin.pause();
    },
  };
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
