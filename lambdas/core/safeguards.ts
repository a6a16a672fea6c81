// The safeguards a trainee can switch on, each alone or together.

export const SAFEGUARDS = [
  'write-time-check',
  'protect-active',
  'never-empty',
  'self-heal',
  'recheck-each-endpoint',
] as const;

export type Safeguard = (typeof SAFEGUARDS)[number];

export const SAFEGUARD_SUMMARY: Record<Safeguard, string> = {
  'write-time-check':
    'each endpoint write is fenced: a DynamoDB conditional write refuses a generation older than the newest one fenced, and the Route 53 batch deletes the exact CNAME it read, so it fails if the endpoint moved',
  'protect-active': 'clean-up never deletes a plan that an endpoint points at',
  'never-empty': 'refuse any DNS change that leaves an endpoint without addresses',
  'self-heal': 'an Enactor that finds the active plan missing applies the newest plan instead of failing',
  'recheck-each-endpoint': 'repeat the staleness check before every endpoint (narrows the window only)',
};

export function isSafeguard(name: string): name is Safeguard {
  return (SAFEGUARDS as readonly string[]).includes(name);
}

export class SafeguardSet {
  private readonly on: ReadonlySet<Safeguard>;
  constructor(names: Iterable<Safeguard> = []) {
    this.on = new Set(names);
  }
  has(name: Safeguard): boolean {
    return this.on.has(name);
  }
  list(): Safeguard[] {
    return SAFEGUARDS.filter((name) => this.on.has(name));
  }
}
