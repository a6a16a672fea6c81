// `racelab doctor`: runs the Route 53 conformance cases (the very cases of the
// conformance suite, targets/route53-conformance.ts) against a target's
// Route 53 and says which rules it honours, and what in the lab relies on
// each rule it does not.
import type { Route53Client } from '@aws-sdk/client-route-53';
import { ROUTE53_CONFORMANCE_CASES, runConformanceCase, type ConformanceCase, type ConformanceOptions } from './route53-conformance.ts';
import { plain } from '../report/style.ts';
import { isTargetUnusable } from './target-errors.ts';

type Paint = typeof plain;

const LOCK_AND_GUARDS =
  "the Enactor's lock (every batch deletes the exact lock value it read), write-time-check's exact-match DELETE of the endpoint's alias, " +
  "and protect-active/never-empty's re-assertion of each lock";

/**
 * Which lab behaviour rests on which conformance rule (keyed by the case's
 * `rule`; a test checks every key names a real case).
 */
export const LAB_RELIANCE: Readonly<Record<string, string>> = {
  'ChangeResourceRecordSets applies a batch atomically':
    'every Enactor apply is one batch (lock, plan tree, alias, rollback record); applied in part, it can leave an endpoint pointing at ' +
    'records that were never written',
  'DELETE must match the current record set exactly (values)': LOCK_AND_GUARDS,
  'DELETE must match the current record set exactly (TTL)': LOCK_AND_GUARDS,
  'a conditional replace only happens if the condition holds': `DELETE-then-CREATE in one batch is the compare-and-swap behind ${LOCK_AND_GUARDS}`,
  'DELETE must name an existing record set': "the Enactor's lock: releasing a lock that another Enactor already replaced must fail",
  'CREATE fails if the record set exists': "the Enactor's lock: taking a lock that another Enactor holds must fail",
  'an alias must target an existing record set':
    'the stuck state: the rollback record (an alias) cannot point at a tree that is gone; and a plan with no live load balancer cannot be applied',
  'an alias may target a record set created earlier in the same batch':
    "every Enactor apply writes the plan's tree and the endpoint's alias to it in one batch",
  'an alias target can be deleted while an alias points at it':
    "the outage itself: clean-up deletes the tree the endpoint's alias points at, and the endpoint answers nothing (not documented by AWS; " +
    'this case is how to check a real Route 53)',
};

export interface DoctorCaseResult {
  name: string;
  rule: string;
  honoured: boolean;
  /** What the target did instead, when the rule is not honoured. */
  violation?: string;
  /** What in the lab relies on the rule, if anything. */
  labRelies?: string;
}

export interface DoctorReport {
  target: string;
  endpoint: string;
  honoured: number;
  total: number;
  allHonoured: boolean;
  cases: DoctorCaseResult[];
}

export interface DoctorOptions extends ConformanceOptions {
  cases?: readonly ConformanceCase[];
  /** Called as each case finishes (a real Route 53 takes seconds per case). */
  onResult?: (result: DoctorCaseResult) => void;
}

/** An assertion's message can run to a diff; a few lines say enough. */
function violationText(error: unknown): string {
  const text = error instanceof Error ? (error.name === 'AssertionError' ? error.message : `${error.name}: ${error.message}`) : String(error);
  const lines = text.split('\n').filter((line) => line.trim());
  return lines.slice(0, 6).join('\n') + (lines.length > 6 ? '\n…' : '');
}

/**
 * Runs each case in its own private zone (created and deleted by the case
 * runner). An error that makes the whole target unusable (credentials,
 * network, access denied) is thrown rather than reported as a violation.
 */
export async function runRoute53Doctor(client: Route53Client, options: DoctorOptions): Promise<DoctorCaseResult[]> {
  const results: DoctorCaseResult[] = [];
  for (const testCase of options.cases ?? ROUTE53_CONFORMANCE_CASES) {
    const base = { name: testCase.name, rule: testCase.rule, labRelies: LAB_RELIANCE[testCase.rule] };
    let result: DoctorCaseResult;
    try {
      await runConformanceCase(client, testCase, options);
      result = { ...base, honoured: true };
    } catch (error) {
      if (isTargetUnusable(error)) throw error;
      result = { ...base, honoured: false, violation: violationText(error) };
    }
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

export function doctorReport(target: string, endpoint: string, cases: DoctorCaseResult[]): DoctorReport {
  const honoured = cases.filter((result) => result.honoured).length;
  return { target, endpoint, honoured, total: cases.length, allHonoured: honoured === cases.length, cases };
}

export function formatCaseResult(result: DoctorCaseResult, paint: Paint = plain): string {
  if (result.honoured) return `  ${paint('green', '✓')} ${result.rule}`;
  const lines = [`  ${paint('red', '✗')} ${result.rule}`, `      case: ${result.name}`];
  if (result.violation) lines.push(...result.violation.split('\n').map((line, i) => `      ${i === 0 ? 'found: ' : '       '}${line}`));
  if (result.labRelies) lines.push(`      ${paint('yellow', 'the lab relies on this:')} ${result.labRelies}`);
  return lines.join('\n');
}

export function formatDoctorSummary(report: DoctorReport, paint: Paint = plain): string {
  const counts = `${report.honoured} of ${report.total} conformance cases honoured`;
  if (report.allHonoured) return `${paint('green', counts)}: results that rely on Route 53 preconditions are trustworthy on ${report.target}`;
  const relied = report.cases.filter((result) => !result.honoured && result.labRelies).length;
  const consequence = relied
    ? `${relied} of the failures are rules the lab relies on, so results that rely on Route 53 preconditions are not trustworthy on ${report.target}`
    : `none of the failures is a rule the lab relies on`;
  return `${paint('red', counts)}; ${consequence}`;
}
