// What an exercise is, and how its verify reports: one line per check.
import type { Environment } from '../infra/environment.ts';

export interface VerifyInput {
  /** --answer key=value, as given. */
  answers: Record<string, string>;
  env: Environment;
  /** The commit the trainee started the exercise from (recorded by `exercise start`), if any. */
  base?: string;
  /** The working tree (the project's folder). */
  root: string;
}

export interface VerifyResult {
  passed: boolean;
  /** One line per check: what was right, or what is wrong and where to look. */
  checks: { ok: boolean; says: string }[];
  /** What was judged, when it cannot be had again elsewhere (mitigate's live lab): kept for `exercise submit`. */
  evidence?: unknown;
}

/** Where an exercise's change may go, and what it may not use. */
export interface ChangeRules {
  /** The files the change may touch; new .ts files may go in `newFilesIn` too. */
  changeable: string[];
  newFilesIn: string;
  /** What the files are, in the messages: "the Enactor and its clean-up". */
  what: string;
  /** The same, as the subject of "has a change of yours". */
  changed: string;
  /** The shipped answer the change must not switch on: by name in the lines it adds, or (modules) by importing it. */
  shipped: { pattern: RegExp; modules?: RegExp; used: string; unused: string };
  /** Where state belongs instead of a module-level variable, and whose state value that is. */
  stateValue: string;
  whose: string;
}

export interface Exercise {
  id: string;
  title: string;
  goal: string;
  context: string;
  use: string;
  verifiedBy: string;
  hints: string[];
  /**
   * Verify judges a change to the code since `exercise start`, by these rules: start records the commit, and verify
   * runs the judge from a pristine copy of the lab with only the files these rules allow taken from the trainee's.
   */
  rules?: ChangeRules;
  verify(input: VerifyInput): Promise<VerifyResult>;
  /** For an exercise judged on a live lab: its judge again, on the evidence a verify kept (`exercise collect`). */
  rejudge?(evidence: unknown): Promise<VerifyResult>;
}

export const POINTS = { exercise: 100, hint: 20 } as const;

export const check = (ok: boolean, says: string) => ({ ok, says });
export const result = (checks: VerifyResult['checks']): VerifyResult => ({ passed: checks.every((item) => item.ok), checks });
