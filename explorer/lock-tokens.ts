// A lock's fencing token (lambdas/core/dns-tree.ts) counts its writes, so two
// states that differ only in how often a lock was rewritten would be two states:
// at 3 × 3 × 4, recheck-each-endpoint went from 1.2 to 3.1 million of them. What
// a token decides is only whether a lock value an actor holds is its lock's
// current value (an exact DELETE of it lands) or an older one (it never lands
// again: a writer's token is one more than the current one, so tokens only
// grow). So the state key writes each token relative to its lock's current one:
// `cur` or `old`. States that differ only in the numbers have the same futures.
// That rests on every lock write deleting the exact value it read, as the lab's
// Enactor does; code a trainee changed may not, so `check` keys tokens as they are.

/** A lock record in the world's fingerprint (explorer/world.ts): its name, its fields, its value up to the token, the token. */
// eslint-disable-next-line no-control-regex -- \u0002 separates the fingerprint's fields.
const IN_ZONE = /(_lock\.[^\u0002\n]*)(\u0002TXT\u0002[^\n]*?"(holder=[^"]*?) token=)(\d+)/g;
/** A lock record in an actor's results and state values (JSON of a RecordSet, as the zone model and lockRecord order its fields). */
const HELD = /("name":"(_lock\.[^"]*)","type":"TXT",[^}]*?(holder=[^"\\]*?) token=)(\d+)/g;
const LEFT = / token=\d/;

export class RelativeTokens {
  /** Each lock's current value, by the lock's name. */
  private readonly current = new Map<string, string>();
  /** The world's fingerprint, each lock's token written `cur`. */
  readonly world: string;

  constructor(worldFingerprint: string) {
    this.world = worldFingerprint.replace(IN_ZONE, (_, name: string, fields: string, head: string, token: string) => {
      this.current.set(name, `${head} ${token}`);
      return `${name}${fields}cur`;
    });
    this.check(this.world);
  }

  /** An actor's text, each lock value's token written `cur` if the value is its lock's current one, else `old`. */
  of(text: string): string {
    if (!text.includes(' token=')) return text;
    const relative = text.replace(HELD, (_, before: string, name: string, head: string, token: string) => {
      return `${before}${this.current.get(name) === `${head} ${token}` ? 'cur' : 'old'}`;
    });
    return this.check(relative);
  }

  /** A token left as a number would make the key unsound (the rest relative, it absolute): say so rather than merge states wrongly. */
  private check(text: string): string {
    if (LEFT.test(text)) throw new Error(`explorer: a lock token the state key cannot place (has a record's layout changed?): ${text.slice(0, 200)}`);
    return text;
  }
}
