// The invariants the explorer checks, by name and meaning: a module of its own,
// so the CLI's help can list them without loading the explorer.

export const INVARIANTS = {
  answers: 'every endpoint resolves to at least one address',
  'never-older': 'an endpoint never moves to an older generation',
  'active-kept': 'no step deletes the row or the tree of a plan that an endpoint points at',
  converges: 'once the race is over, an Enactor brings every endpoint to the newest plan',
  'no-crash': 'no actor fails with an unexpected error',
} as const;

export type InvariantName = keyof typeof INVARIANTS;
export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[];
