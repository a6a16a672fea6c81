// What no text racelab prints may carry from a file: C0 controls (but the line
// breaks of a multi-line output itself), DEL, C1, and the direction controls
// (LRE, RLE, PDF, LRO, RLO and the isolates). Written here apart from
// scenario/terminal-text.ts, so a character it forgets fails the tests.
// eslint-disable-next-line no-control-regex -- finding control characters is what this is for
export const CONTROL_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
