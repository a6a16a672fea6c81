// The safeguards a trainee can switch on, each alone or together. Each lives in
// its own file, with its name, its one-line summary and the hooks it changes.
import type { ActiveSafeguards, SafeguardHooks } from '../enactor-types.ts';
import * as neverEmpty from './never-empty.ts';
import * as protectActive from './protect-active.ts';
import * as recheckEachEndpoint from './recheck-each-endpoint.ts';
import * as selfHeal from './self-heal.ts';
import * as writeTimeCheck from './write-time-check.ts';

const DEFINITIONS = [writeTimeCheck, protectActive, neverEmpty, selfHeal, recheckEachEndpoint] as const;

export const SAFEGUARDS = ['write-time-check', 'protect-active', 'never-empty', 'self-heal', 'recheck-each-endpoint'] as const;
export type Safeguard = (typeof SAFEGUARDS)[number];

// eslint-disable-next-line no-restricted-syntax -- built once from the definitions and only read: no state.
const BY_NAME = new Map<string, { summary: string; hooks: SafeguardHooks }>(DEFINITIONS.map((definition) => [definition.name, definition]));
if (SAFEGUARDS.some((name) => !BY_NAME.has(name)) || BY_NAME.size !== SAFEGUARDS.length) throw new Error('SAFEGUARDS and the safeguard files disagree');

export const SAFEGUARD_SUMMARY = Object.fromEntries(SAFEGUARDS.map((name) => [name, BY_NAME.get(name)!.summary])) as Record<Safeguard, string>;

export function isSafeguard(name: string): name is Safeguard {
  return (SAFEGUARDS as readonly string[]).includes(name);
}

export class SafeguardSet implements ActiveSafeguards {
  private readonly on: ReadonlySet<Safeguard>;
  readonly hooks: readonly SafeguardHooks[];

  constructor(names: Iterable<Safeguard> = []) {
    this.on = new Set(names);
    this.hooks = this.list().map((name) => BY_NAME.get(name)!.hooks);
  }

  has(name: Safeguard): boolean {
    return this.on.has(name);
  }

  list(): Safeguard[] {
    return SAFEGUARDS.filter((name) => this.on.has(name));
  }
}
