// What `racelab exercise collect` prints and writes: the leaderboard (points
// judged again on the facilitator's lab, the trainee's own claim beside them)
// and the debrief (who passed each exercise, what each change touched, which
// invariants the wrong attempts broke first), as text and as a
// self-contained page.
import type { Collected, JudgedExercise } from './collect.ts';
import { MARKERS } from '../report/output-file.ts';
import { pageStart } from '../report/page-head.ts';
import { htmlText } from '../report/report-text.ts';

const mark = (item: JudgedExercise) => (item.passed ? '✓' : '✗');

/** The approach in one line: files, functions, and the invariants broken first on the way. */
function approach(item: JudgedExercise): string {
  const parts: string[] = [];
  if (item.changed)
    parts.push(`${item.changed.files.join(', ') || 'no file'}${item.changed.functions.length ? ` (${item.changed.functions.join(', ')})` : ''}`);
  if (item.brokeFirst)
    parts.push(
      `attempts broke first: ${Object.entries(item.brokeFirst)
        .map(([name, count]) => `${name} ×${count}`)
        .join(', ')}`,
    );
  if (!item.passed && item.failed) parts.push(`here: ${item.failed}`);
  return parts.join('; ');
}

export function collectedText(collected: Collected): string {
  const lines = ['Leaderboard (every exercise judged again here; the trainee\'s own score is shown as "claimed")'];
  collected.leaderboard.forEach((trainee, i) => {
    const marks = trainee.exercises.map((item) => `${item.id} ${mark(item)}`).join('  ');
    const claim = trainee.claimed === trainee.points ? '' : `   claimed ${trainee.claimed}`;
    lines.push(`${String(i + 1).padStart(2)}. ${trainee.trainee.padEnd(16)} ${String(trainee.points).padStart(4)} of ${trainee.possible}${claim}   ${marks}`);
  });
  lines.push('', 'Debrief');
  for (const row of collected.debrief) {
    lines.push(`${row.id}: ${row.passed.length} of ${row.passed.length + row.failed.length} passed`);
    for (const trainee of collected.leaderboard) {
      const item = trainee.exercises.find((candidate) => candidate.id === row.id);
      if (item) lines.push(`  ${mark(item)} ${trainee.trainee}${approach(item) ? `: ${approach(item)}` : ''}`);
    }
  }
  for (const refused of collected.refused) lines.push(`not a submission: ${refused.file} (${refused.why})`);
  return `${lines.join('\n')}\n`;
}

export function collectedPage(collected: Collected, title = 'racelab exercise collect'): string {
  const ids = collected.debrief.map((row) => row.id);
  const header = `<tr><th>#</th><th>trainee</th><th>points</th><th>claimed</th>${ids.map((id) => `<th>${htmlText(id)}</th>`).join('')}</tr>`;
  const rows = collected.leaderboard.map((trainee, i) => {
    const cells = ids.map((id) => {
      const item = trainee.exercises.find((candidate) => candidate.id === id);
      return `<td class="${item ? (item.passed ? 'pass' : 'fail') : ''}">${item ? mark(item) : ''}</td>`;
    });
    const score = `<td>${trainee.points} / ${trainee.possible}</td><td>${trainee.claimed}</td>`;
    return `<tr><td>${i + 1}</td><td>${htmlText(trainee.trainee)}</td>${score}${cells.join('')}</tr>`;
  });
  const debrief = collected.debrief.map((row) => {
    const items = collected.leaderboard.flatMap((trainee) => {
      const item = trainee.exercises.find((candidate) => candidate.id === row.id);
      return item ? [`<li class="${item.passed ? 'pass' : 'fail'}">${mark(item)} <b>${htmlText(trainee.trainee)}</b> ${htmlText(approach(item))}</li>`] : [];
    });
    return `<h3>${htmlText(row.id)}: ${row.passed.length} of ${row.passed.length + row.failed.length} passed</h3><ul>${items.join('')}</ul>`;
  });
  return `${pageStart(
    MARKERS.collect,
    title,
    `
body { font: 15px/1.5 system-ui, sans-serif; margin: 1rem; max-width: 60rem; color: #111; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
.pass { color: #1b6b2a; } .fail { color: #9b1c1c; }
li { overflow-wrap: anywhere; }
`,
  )}<body>
<h1>Leaderboard</h1>
<p>Every exercise judged again on the facilitator's lab; "claimed" is the trainee's own score, not counted.</p>
<div class="scroll"><table>${header}${rows.join('')}</table></div>
<h2>Debrief</h2>
${debrief.join('\n')}
</body>
</html>
`;
}
