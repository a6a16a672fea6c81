// Where the output goes can fail. A reader that went away (a closed pipe, as
// in `racelab scenarios | head -1`) ends the command quietly, as Unix tools
// do; an output that cannot be written (a full disk, /dev/full) is one line on
// stderr and exit 1, never a stack trace from an unhandled 'error' event.
import { EXIT } from '../scenario/usage-error.ts';

export function guardStandardStreams(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') readerGone();
    // "ENOSPC: no space left on device, write" → "ENOSPC: no space left on device"
    process.stderr.write(`racelab: cannot write the output (${error.message.replace(/, \w+$/, '')})\n`);
    process.exit(EXIT.unexpected);
  });
  // Nowhere is left to say anything.
  process.stderr.on('error', () => process.exit(EXIT.unexpected));
}

/** The reader of standard output went away: nothing more to say to anyone, and the command's exit code so far stands. */
export function readerGone(): never {
  process.exit(Number(process.exitCode ?? EXIT.ok));
}
