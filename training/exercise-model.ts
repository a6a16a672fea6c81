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
}

export interface Exercise {
  id: string;
  title: string;
  goal: string;
  context: string;
  use: string;
  verifiedBy: string;
  hints: string[];
  /** Verify judges a change to the code since `exercise start`, so start records the commit. */
  judgesCode?: boolean;
  verify(input: VerifyInput): Promise<VerifyResult>;
}

export const POINTS = { exercise: 100, hint: 20 } as const;

export const check = (ok: boolean, says: string) => ({ ok, says });
export const result = (checks: VerifyResult['checks']): VerifyResult => ({ passed: checks.every((item) => item.ok), checks });
