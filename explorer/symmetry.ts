// Symmetry reduction over the Enactors. They run one program and differ only in
// their ids, which the code uses as opaque names (a lock's holder, a fence's
// writer) and compares only for equality. So a state and the same state with the
// Enactors' ids permuted (renamed in every record and result, and the actors
// swapped) have the same futures up to that renaming, and the same verdicts: the
// invariants never name an Enactor. The search keeps one state per class.

/** Every order of `slots` that keeps them sorted by signature: ties in every order. */
function ordersWithinTies(slots: number[], signatures: string[]): number[][] {
  const sorted = [...slots].sort((a, b) => (signatures[a]! < signatures[b]! ? -1 : signatures[a]! > signatures[b]! ? 1 : a - b));
  const groups: number[][] = [];
  for (const slot of sorted) {
    const last = groups.at(-1);
    if (last && signatures[last[0]!] === signatures[slot]) last.push(slot);
    else groups.push([slot]);
  }
  let orders: number[][] = [[]];
  for (const group of groups) orders = orders.flatMap((prefix) => permutations(group).map((tail) => [...prefix, ...tail]));
  return orders;
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

export interface CanonicalForm {
  /** The class's representative, as text: the same for every state of the class. */
  text: string;
  /** Where each Enactor went: `position[i]` is the place in the canonical order of the Enactor with `ids[i]`. */
  position: number[];
}

export class EnactorSymmetry {
  private readonly pattern: RegExp;

  constructor(private readonly ids: readonly string[]) {
    const escaped = [...ids].sort((a, b) => b.length - a.length).map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = new RegExp(escaped.join('|'), 'g');
  }

  /**
   * How an Enactor's text names the Enactors: its own id is `#`, any other `*`.
   * That does not change under a permutation, so it orders the Enactors the same
   * way in every member of a class; only Enactors that tie need to be tried both ways.
   */
  signature(text: string, own: string): string {
    return text.replace(this.pattern, (id) => (id === own ? '#' : '*'));
  }

  /**
   * The representative of a state's class: of the renamings that order the Enactors by signature, the one whose
   * text is least. `shared` is every text outside the Enactors (the world, the Planner); `enactors[i]` is the text
   * of the Enactor with `ids[i]`, with its signature.
   */
  canonical(shared: string, enactors: readonly { text: string; signature: string }[]): CanonicalForm {
    const signatures = enactors.map((enactor) => enactor.signature);
    let best: CanonicalForm | undefined;
    for (const order of ordersWithinTies([...enactors.keys()], signatures)) {
      // The Enactor placed k-th takes the k-th id.
      const renamed = new Map(order.map((slot, k) => [this.ids[slot]!, this.ids[k]!]));
      const identity = order.every((slot, k) => slot === k);
      const rename = (text: string) => (identity ? text : text.replace(this.pattern, (id) => renamed.get(id)!));
      const text = [rename(shared), ...order.map((slot) => rename(enactors[slot]!.text))].join('\u0002');
      if (best === undefined || text < best.text) {
        const position: number[] = [];
        order.forEach((slot, k) => (position[slot] = k));
        best = { text, position };
      }
    }
    return best ?? { text: shared, position: [] };
  }
}
