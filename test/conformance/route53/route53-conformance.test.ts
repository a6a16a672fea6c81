// Proves that a Route 53 endpoint honours the contract the lab relies on:
// atomic batches, exact-match DELETE, CREATE/UPSERT semantics, CNAME
// exclusivity, canonical names, weighted record sets keyed by SetIdentifier,
// pagination, change status and hosted zone operations. The cases live in
// targets/route53-conformance.ts; each runs in its own private zone,
// deleted afterwards, so the suite is safe against a real account
// (RACELAB_ROUTE53_ENDPOINT=aws RACELAB_VPC_ID=vpc-...).

import { afterAll, beforeAll, describe, it } from 'vitest';
import { ROUTE53_CONFORMANCE_CASES, runConformanceCase } from '../../../targets/route53-conformance.ts';
import { conformanceVpc, openRoute53Target, type Route53Target } from './endpoint.ts';

const realAws = process.env.RACELAB_ROUTE53_ENDPOINT === 'aws';
// Real Route 53 needs seconds per zone and change; the embedded endpoint needs milliseconds.
const caseTimeoutMs = realAws ? 300_000 : 10_000;

describe('Route 53 conformance', () => {
  let target: Route53Target;

  beforeAll(async () => {
    target = await openRoute53Target();
  });

  afterAll(async () => {
    await target?.close();
  });

  for (const testCase of ROUTE53_CONFORMANCE_CASES) {
    it(
      testCase.name,
      async () => {
        await runConformanceCase(target.client, testCase, { ...conformanceVpc(), insyncTimeoutMs: realAws ? 180_000 : 5_000 });
      },
      caseTimeoutMs,
    );
  }
});
