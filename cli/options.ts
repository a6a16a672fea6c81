// Parsers for command-line values: each names the option and what is allowed.
import { isSafeguard, SAFEGUARDS, type Safeguard } from '../lambdas/core/safeguards.ts';
import { UsageError } from './usage-error.ts';

export function parseSafeguards(names: readonly string[]): Safeguard[] {
  const chosen = new Set<Safeguard>();
  for (const name of names.flatMap((value) => value.split(','))) {
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
