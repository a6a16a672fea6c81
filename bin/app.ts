// The CDK app (cdk.json runs it through bin/app.js, compiled): loads every scenario file,
// builds the one stack for an allowlisted sandbox account (infra/lab-app.ts,
// which also applies cdk-nag's AwsSolutionsChecks), and synthesizes. A refusal
// (no allowlisted account, a bad scenario file) is one sentence on stderr and
// a non-zero exit, not a stack trace.
//
// CDK's built-in CloudFormation template validation is off here: it alone
// takes longer than the rest of the synth. test/infra/template-validation.test.ts
// runs the same app through it (RACELAB_CFN_VALIDATE=1, see docs/deploy.md).
import { App } from 'aws-cdk-lib';
import { loadScenario, scenarioNames } from '../scenario/files.ts';
import { ScenarioError } from '../scenario/scenario-error.ts';
import { ContextError } from '../infra/context-error.ts';
import { buildLabApp } from '../infra/lab-app.ts';

try {
  const scenarios = await Promise.all((await scenarioNames()).map((name) => loadScenario(name)));
  buildLabApp(new App({ builtinCloudFormationValidation: false }), scenarios).app.synth();
} catch (error) {
  if (!(error instanceof ContextError || error instanceof ScenarioError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
