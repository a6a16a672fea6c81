// The sequence diagram as Mermaid: a participant per lane, a message per step
// that acts on another (a cross where it did not land: a lost lock, a refused
// or stuck write), a note per step an actor takes alone. Each label is text
// that cannot end its line or start a statement (mermaidText).
import { mermaidText } from './report-text.ts';
import type { Sequence } from './sequence.ts';

export function sequenceMermaid(sequence: Sequence): string {
  const lines = [
    'sequenceDiagram',
    // An alias where the name is not an id Mermaid reads whole ("az-a" would start an arrow, "Route 53" has a space).
    ...sequence.participants.map(({ id, name }) => `  participant ${id}${id === name ? '' : ` as ${name}`}`),
  ];
  for (const step of sequence.steps) {
    const label = mermaidText(`+${step.atSeconds.toFixed(1)}s ${step.label}`);
    lines.push(step.kind === 'note' ? `  Note over ${step.over}: ${label}` : `  ${step.from}${step.failed ? '-x' : '->>'}${step.to}: ${label}`);
  }
  return `${lines.join('\n')}\n`;
}
