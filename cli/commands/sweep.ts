// racelab sweep: where the metastable region lies. The scenario runs once on
// the embedded target; its cascade is then replayed in this process on the
// DNS the race left and the operator's switches as played, over a grid of
// fleet sizes and attempt timeouts, and each cell says whether DWFM
// collapsed and how long after DNS's return every droplet held a lease again.
import { Command } from 'commander';
import { EXIT, UsageError } from '../../scenario/usage-error.ts';
import { exitWith, safeguardOption } from '../command-options.ts';

const DEFAULT_DROPLETS = '250,500,1000,2000,4000';
const DEFAULT_TIMEOUTS = '5,10,20,40';
const LIST_MAX = 12;

export function command(): Command {
  return new Command('sweep')
    .description("map where the cascade's collapse outlasts DNS: fleet size × attempt timeout")
    .argument('[scenario]', 'a scenario with a cascade (default: oct-2025-cascade)')
    .addOption(safeguardOption('switch a safeguard or a lever of the cascade on (repeat, or comma-separate)'))
    .option('--droplets <list>', `fleet sizes, comma-separated, 1 to 49500 (default: ${DEFAULT_DROPLETS})`)
    .option('--timeout <list>', `DWFM's attempt timeouts in seconds, comma-separated, 1 to 3600 (default: ${DEFAULT_TIMEOUTS})`)
    .option('--json', 'print the cells as JSON')
    .option('--html <file>', 'also write the grid as a self-contained HTML page (a heat map); checked before the work')
    .option('--force', 'let --html replace a file that is not an earlier sweep page, or write through a symbolic link')
    .addHelpText(
      'after',
      `
The scenario runs once on the embedded target, as \`racelab run\` runs it; its
cascade is then replayed in this process for every cell, on the DNS the race
left and the operator's switches as they were set, so each cell differs from
the run only in its fleet size and timeout. A cell reads:
  collapse +Ns   metastable: DWFM's goodput stayed low after DNS came back,
                 and every droplet held a lease again N s after DNS's return
  ok +Ns         no collapse; every lease back N s after DNS's return
  never          some droplet never got a lease back by the end

Exit codes: 0 the table was printed, 1 --html could not be written after the
            work, 2 bad input (a scenario without a cascade, a bad list, an
            --html path that cannot be written).

Examples:
  racelab sweep                                    # oct-2025-cascade, 5 × 4 cells
  racelab sweep -s admission-control               # the same grid with DWFM's admission control
  racelab sweep --droplets 1000,8000 --timeout 10 --json
  racelab sweep --html sweep.html                  # and the grid as a page`,
    )
    .action(async (scenario: string | undefined, options: SweepOptions) => exitWith(await sweepCommand(scenario, options)));
}

interface SweepOptions {
  safeguard: string[];
  html?: string;
  force?: boolean;
  droplets?: string;
  timeout?: string;
  json?: boolean;
}

function parseList(option: string, value: string, range: { min: number; max: number }): number[] {
  const items = value.split(',').map((item) => item.trim());
  const numbers = items.map(Number);
  const bad = items.find((item, i) => !/^\d+$/.test(item) || numbers[i]! < range.min || numbers[i]! > range.max);
  if (bad !== undefined) throw new UsageError(`${option}: "${bad}" is not a whole number from ${range.min} to ${range.max}; give a comma-separated list`);
  if (items.length > LIST_MAX) throw new UsageError(`${option}: at most ${LIST_MAX} values (got ${items.length})`);
  return [...new Set(numbers)].sort((a, b) => a - b);
}

export async function sweepCommand(scenarioName: string | undefined, options: SweepOptions): Promise<number> {
  const droplets = parseList('--droplets', options.droplets ?? DEFAULT_DROPLETS, { min: 1, max: 49_500 });
  const timeouts = parseList('--timeout', options.timeout ?? DEFAULT_TIMEOUTS, { min: 1, max: 3600 });
  const { checkOutput, FILE_FORMATS, OutputError } = await import('../../report/output-file.ts');
  const page =
    options.html === undefined ? undefined : await checkOutput({ option: '--html', path: options.html, format: FILE_FORMATS.sweep, force: options.force });
  const { parseRunRequest, runOnLab } = await import('../local-run.ts');
  const request = await parseRunRequest(scenarioName ?? 'oct-2025-cascade', { safeguard: options.safeguard });
  const settings = request.scenario.cascade;
  const chosenLevers = request.levers ?? [];
  if (!settings) throw new UsageError(`${request.scenario.name} has no cascade to sweep; try: racelab sweep oct-2025-cascade`);
  const { startEmbeddedLab } = await import('../../local/embedded-lab.ts');
  const lab = await startEmbeddedLab();
  const report = await runOnLab(lab, request, { json: true }).finally(() => lab.close());
  const { cascadeConditions } = await import('../../scenario/cascade-replay.ts');
  const { sweepCascade } = await import('../../lambdas/core/cascade/sweep.ts');
  const progress = process.stderr.isTTY && !options.json;
  const cells = sweepCascade(
    { settings, ...cascadeConditions(report.events), levers: chosenLevers, seed: request.seed },
    { droplets, attemptTimeoutSeconds: timeouts },
    (_, done, total) => progress && process.stderr.write(`\rswept ${done}/${total} cells`),
  );
  if (progress) process.stderr.write('\r\x1b[K');
  const { renderSweepPage, sweepCellText: cellText } = await import('../../report/sweep-page.ts');
  if (page) {
    const html = renderSweepPage({
      scenario: request.scenario.name,
      levers: chosenLevers,
      leasesPerSecond: settings.dwfm.leasesPerSecond,
      windowSeconds: settings.metastable.windowSeconds,
      cells,
    });
    try {
      await page.write(html);
      process.stderr.write(`wrote ${page.path}\n`);
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      process.stderr.write(`racelab: ${error.message}\n`);
      return EXIT.unexpected;
    }
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ scenario: request.scenario.name, levers: chosenLevers, safeguards: request.safeguards, cells }, null, 2)}\n`);
    return 0;
  }
  const width = 16;
  const cellAt = (fleet: number, timeout: number) => cells.find((c) => c.droplets === fleet && c.attemptTimeoutSeconds === timeout)!;
  const levers = chosenLevers.length ? chosenLevers.join(', ') : 'none';
  const lines = [
    `${request.scenario.name}: DWFM ${settings.dwfm.leasesPerSecond} leases/s; levers: ${levers}; the run's DNS and operator steps`,
    `${'droplets'.padEnd(10)}${timeouts.map((t) => `timeout ${t}s`.padEnd(width)).join('')}`,
    ...droplets.map((fleet) => `${String(fleet).padEnd(10)}${timeouts.map((t) => cellText(cellAt(fleet, t)).padEnd(width)).join('')}`),
    '',
    `collapse: DWFM's goodput stayed under ${Math.round(settings.metastable.goodputFraction * 100)} % of its capacity for the ` +
      `${settings.metastable.windowSeconds} s after DNS came back (the scenario's metastable window).`,
    `Without admission control a fleet collapses once it is past what DWFM finishes within a timeout (${settings.dwfm.leasesPerSecond} leases/s × the ` +
      `timeout); with it, while ${settings.dwfm.queueMax} attempts (cascade.dwfm.queueMax) finish within one.`,
  ];
  process.stdout.write(`${lines.map((line) => line.trimEnd()).join('\n')}\n`);
  return 0;
}
