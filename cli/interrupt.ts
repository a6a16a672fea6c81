// Ctrl-C (SIGINT) and SIGTERM (what `kill`, systemd, `docker stop` and CI
// timeouts send) end a command the same way: it stops and prints what it has.
// The first signal is the command's to handle; its listeners are gone by the
// second, so a second Ctrl-C ends the process at once, as a terminal expects.

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Calls `handler` on the first SIGINT or SIGTERM; returns what stops listening. */
export function onInterrupt(handler: (signal: NodeJS.Signals) => unknown): () => void {
  const stop = () => {
    for (const signal of SIGNALS) process.off(signal, listener);
  };
  const listener = (signal: NodeJS.Signals) => {
    stop();
    void handler(signal);
  };
  for (const signal of SIGNALS) process.on(signal, listener);
  return stop;
}
