// Parsers for command-line values: each names the option and what is allowed.
import { isSafeguard, SAFEGUARDS, type Safeguard } from '../lambdas/core/safeguards/index.ts';
import { UsageError } from '../scenario/usage-error.ts';
import { CASCADE_LEVERS, type CascadeLever } from '../lambdas/core/cascade/settings.ts';

/**
 * `-s` on a run: the race's safeguards and the cascade's levers, told apart
 * by name; a lever needs a scenario with a cascade.
 */
export function parseSafeguardsAndLevers(names: readonly string[], cascade: boolean): { safeguards: Safeguard[]; levers: CascadeLever[] } {
  const all = names.flatMap((value) => value.split(',')).map((value) => value.trim());
  const isLever = (name: string): name is CascadeLever => (CASCADE_LEVERS as readonly string[]).includes(name);
  const levers = CASCADE_LEVERS.filter((lever) => all.includes(lever));
  if (levers.length && !cascade)
    throw new UsageError(`--safeguard "${levers[0]}" is a lever of the cascade, and this scenario has none; try: racelab run oct-2025-cascade -s ${levers[0]}`);
  const rest = all.filter((name) => !isLever(name));
  try {
    return { safeguards: parseSafeguards(rest), levers };
  } catch (error) {
    if (!cascade) throw error;
    throw new UsageError(`${(error as Error).message}; or a lever of the cascade: ${CASCADE_LEVERS.join(', ')}`);
  }
}

export function parseSafeguards(names: readonly string[]): Safeguard[] {
  const chosen = new Set<Safeguard>();
  // "a,,b" and a trailing comma are slips of the keyboard, not a safeguard named "".
  for (const name of names.flatMap((value) => value.split(',')).filter((value) => value.trim() !== '')) {
    const trimmed = name.trim();
    if (!isSafeguard(trimmed)) throw new UsageError(`--safeguard "${trimmed}" is not a safeguard; choose from: ${SAFEGUARDS.join(', ')}`);
    chosen.add(trimmed);
  }
  return SAFEGUARDS.filter((name) => chosen.has(name));
}

export function parseInteger(option: string, value: string | undefined, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < range.min || parsed > range.max) {
    throw new UsageError(`${option} must be a whole number from ${range.min} to ${range.max} (got "${value}")`);
  }
  return parsed;
}

/** A number of seconds from `range.min` to `range.max`, fractions allowed. */
export function parseSeconds(option: string, value: string | undefined, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || parsed < range.min || parsed > range.max) {
    throw new UsageError(`${option} must be a number of seconds from ${range.min} to ${range.max} (got "${value}")`);
  }
  return parsed;
}

/** "MIN-MAX" or one number (then min = max), in seconds. */
export function parseSecondsRange(option: string, value: string | undefined, range: { min: number; max: number }): { min: number; max: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.split('-');
  const hint = `${option} must be seconds per call, one number or MIN-MAX, from ${range.min} to ${range.max}, e.g. 0.05-0.3 (got "${value}")`;
  if (parts.length > 2) throw new UsageError(hint);
  const [min, max] = parts.map((part) => {
    try {
      return parseSeconds(option, part, range)!;
    } catch {
      throw new UsageError(hint);
    }
  });
  const upper = max ?? min!;
  if (upper < min!) throw new UsageError(`${option}: MIN must not be above MAX (got "${value}")`);
  return { min: min!, max: upper };
}
