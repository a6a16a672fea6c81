// cdk.json follows CDK's conventions for this aws-cdk-lib: every feature flag
// the library recommends is set to its recommended value (the CDK CLI warns on
// synth about each one left unset, and `cdk init` writes them all), and CDK's
// notices, which carry security notices, are not switched off.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/lab-function.ts';

const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { notices?: unknown; context?: Record<string, unknown> };
const recommended = createRequire(import.meta.url)('aws-cdk-lib/recommended-feature-flags.json') as Record<string, unknown>;

describe('cdk.json', () => {
  it("sets every feature flag this aws-cdk-lib recommends, to the recommended value (after an upgrade: copy the new ones from aws-cdk-lib's recommended-feature-flags.json)", () => {
    expect(Object.keys(recommended).length).toBeGreaterThan(80);
    const unset = Object.keys(recommended).filter((flag) => !(flag in (cdkJson.context ?? {})));
    expect(unset).toEqual([]);
    for (const [flag, value] of Object.entries(recommended)) expect.soft(cdkJson.context?.[flag], flag).toEqual(value);
  });

  it('leaves CDK notices on', () => {
    expect(cdkJson.notices).not.toBe(false);
  });
});
