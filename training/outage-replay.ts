// oct-2025 as the exercises replay it: on the in-memory lab, with no safeguard.
// Virtual time makes it the same run on every machine, so its facts can be
// the answers (observe, detect) and its outcome the judge of a change (fix,
// recover). The lab loads when an exercise needs it, not when racelab starts.
export async function replayOutage(runId: string) {
  const { loadScenario } = await import('../scenario/files.ts');
  const { MemoryLab } = await import('../local/memory-lab.ts');
  const { runScenarioEmbedded } = await import('../local/run-embedded.ts');
  const { reportOf } = await import('../scenario/run-report.ts');
  const scenario = await loadScenario('oct-2025');
  const lab = new MemoryLab();
  const run = await runScenarioEmbedded(lab, scenario, { runId, safeguards: [] });
  const report = reportOf({ scenario, safeguards: [], seed: scenario.seed, latency: {} }, { target: 'local', runId }, run.events);
  return { zone: lab.zone.apex, run, report };
}
