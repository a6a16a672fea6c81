// How long a test, a hook or a child process may take before it counts as hung.
// It is a guard against hangs, not a speed expectation: a slow or busy machine
// (the suite must pass beside two CPU-bound processes) makes tests slower, never
// failing, so no test sets a tighter limit of its own. Speed belongs in `npm run bench`.
export const HANG_GUARD_MS = 10 * 60 * 1000;
