// racelab report: a saved run as an after-action report: a self-contained HTML
// page (chart of addresses per endpoint, sequence, verdict, story, timeline), or
// the same as Markdown or a Mermaid sequence diagram.
import { Command, Option } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../../report/after-action.ts';
import { exitWith } from '../command-options.ts';
import { checkOutput, FILE_FORMATS, OutputError } from '../../report/output-file.ts';
import { EXIT } from '../../scenario/usage-error.ts';

export interface ReportOptions {
  format: ReportFormat;
  out?: string;
  force?: boolean;
}

export function command(): Command {
  return new Command('report')
    .description('turn a run saved with `racelab run --save` into an after-action report (HTML, Markdown or Mermaid)')
    .argument('<file>', 'the saved run (JSON)')
    .addOption(
      new Option('--format <format>', 'html (a self-contained page), markdown, or mermaid (the sequence diagram)').choices(REPORT_FORMATS).default('html'),
    )
    .option('--out <file>', 'write the report to this file instead of stdout; the folder must exist (a pipe or /dev/stdout is written as a stream)')
    .option('--force', 'let --out overwrite a file that is not an earlier report, or write through a symbolic link')
    .addHelpText(
      'after',
      `
The HTML page needs no network and no script: a chart of the addresses each
endpoint answered with over time, the sequence of the run's key events, the
verdict and story, and the timeline. Runs from every target work alike: the
report is built from the run-events table.

Examples:
  racelab run oct-2025 --save runs/outage.json
  racelab report runs/outage.json --out runs/outage.html
  racelab report runs/outage.json --format markdown > outage.md
  racelab report runs/outage.json --format mermaid`,
    )
    .action(async (file: string, options: ReportOptions) => exitWith(await reportCommand(file, options)));
}

export async function reportCommand(file: string, options: ReportOptions): Promise<number> {
  const out =
    options.out === undefined ? undefined : await checkOutput({ option: '--out', path: options.out, format: FILE_FORMATS.report, force: options.force });
  const { loadSavedRun } = await import('../../report/saved-run.ts');
  const { renderAfterAction } = await import('../../report/after-action.ts');
  const text = renderAfterAction(await loadSavedRun(file), options.format);
  if (!out) {
    process.stdout.write(text);
    return EXIT.ok;
  }
  try {
    await out.write(text);
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    process.stderr.write(`racelab: ${error.message}\n`);
    return EXIT.unexpected;
  }
  process.stderr.write(`wrote ${out.path}\n`);
  return EXIT.ok;
}
