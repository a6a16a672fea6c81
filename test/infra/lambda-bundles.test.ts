// What each lab function deploys, bundled as `cdk deploy` bundles it: one ESM
// file, index.mjs, exporting `handler`, within BUNDLE_BYTES_MAX; the AWS SDK
// inside it (infra/lab-function.ts says why), so the bundle imports nothing but
// Node's built-ins and runs alone, and its warm-up answer names the SDK versions
// it carries; no source map unless context sourceMaps=true asks for one, and
// only then NODE_OPTIONS=--enable-source-maps.
import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextError } from '../../infra/context-error.ts';
import { BUNDLE_BYTES_MAX, PROJECT_ROOT, SOURCE_MAPS_CONTEXT } from '../../infra/lab-function.ts';
import { LAMBDA_SDK_PACKAGES } from '../../lambdas/bundled-sdk.ts';
import { configEnvironment } from '../../lambdas/config.ts';
import { WARM_UP_INPUT } from '../../lambdas/task-input.ts';
import { ZONE_CLEANUP_PHYSICAL_ID } from '../../lambdas/zone-cleanup/handler.ts';
import { installedSdkVersions, isolatedDir } from '../rehearsal/synthesized-stack.ts';
import { buildTestLabApp, resourcesOfType, type CfnTemplate } from './lab-app-fixture.ts';

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** An isolated directory (no node_modules above it), removed after the tests. */
function scratchDir(prefix: string): string {
  const dir = isolatedDir(prefix);
  outdirs.push(dir);
  return dir;
}

/** Synthesizes with bundling into an isolated directory, as `cdk deploy` would upload each asset. */
function synthesizeBundled(context: Record<string, unknown> = {}): { json: CfnTemplate; assets: [string, string, Record<string, string>][] } {
  const outdir = scratchDir('racelab-bundles-');
  const lab = buildTestLabApp({ scenarios: [], context: { 'aws:cdk:bundling-stacks': ['**'], ...context }, outdir });
  const json = lab.app.synth().getStackArtifact(lab.stack.artifactId).template as CfnTemplate;
  const assets = resourcesOfType(json, 'AWS::Lambda::Function')
    // The lab functions and the zone clean-up (a LabFunction too); not the CDK's own provider functions.
    .filter(([id]) => id.startsWith('Functions') || id.startsWith('ZoneCleanupHandler'))
    .map(([id, fn]): [string, string, Record<string, string>] => {
      const key = (fn.Properties!.Code as { S3Key: string }).S3Key;
      return [id, join(outdir, `asset.${key.replace(/\.zip$/, '')}`), (fn.Properties!.Environment as { Variables: Record<string, string> }).Variables];
    });
  return { json, assets };
}

/**
 * Every module the bundle imports (statically, by import() or require()), as esbuild parses it: the
 * SDK's error messages name packages in strings, which a text search would take for imports.
 */
function importsOf(bundle: string): string[] {
  const { metafile } = buildSync({ entryPoints: [bundle], bundle: true, packages: 'external', platform: 'node', format: 'esm', write: false, metafile: true });
  return [...new Set(Object.values(metafile.outputs).flatMap((output) => output.imports.map((item) => item.path)))].sort();
}

/** The packages of every `@aws-sdk/*` import in lambdas/'s source. */
function sdkPackagesImportedByLambdas(): string[] {
  const files = readdirSync(join(PROJECT_ROOT, 'lambdas'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const imports = files.flatMap((file) => [...readFileSync(join(PROJECT_ROOT, 'lambdas', file), 'utf8').matchAll(/\bfrom\s*'(@aws-sdk\/[^'/]+)/g)]);
  return [...new Set(imports.map((match) => match[1]!))].sort();
}

/** The configuration a function reads on its first invocation: any values, as the warm-up touches no table or zone. */
const CONFIG_ENV = configEnvironment({ plansTable: 'plans', eventsTable: 'events', cascadeTable: 'cascade', hostedZoneId: 'Z0', zoneName: 'lab.internal' });

describe('Lambda bundles', () => {
  const { assets } = synthesizeBundled();

  it(`are one index.mjs each, at most ${BUNDLE_BYTES_MAX / 1024} KB, with no source map`, () => {
    expect(assets).toHaveLength(11);
    for (const [, dir] of assets) {
      expect(readdirSync(dir)).toEqual(['index.mjs']);
      expect(statSync(join(dir, 'index.mjs')).size).toBeLessThanOrEqual(BUNDLE_BYTES_MAX);
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toMatch(/sourceMappingURL/);
    }
  });

  it("import nothing but Node's built-ins: the AWS SDK is inside", () => {
    for (const [, dir] of assets) {
      const imports = importsOf(join(dir, 'index.mjs'));
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.filter((specifier) => !isBuiltin(specifier))).toEqual([]);
    }
  });

  it('name every SDK package lambdas/ imports, so a warm-up answer leaves none out', () => {
    expect(sdkPackagesImportedByLambdas()).toEqual([...LAMBDA_SDK_PACKAGES].sort());
  });

  it('load alone, copied into an empty directory with no node_modules above it; the lab functions answer the warm-up with the SDK versions inside', async () => {
    const expected = installedSdkVersions();
    // The first invocation each gets: the state machine's warm-up, or CloudFormation's Create for the zone clean-up (which changes nothing).
    const create = { RequestType: 'Create', ResourceProperties: { HostedZoneId: 'Z0000000000000', ZoneName: 'lab.internal' } };
    const firstCall = (id: string) =>
      id.startsWith('ZoneCleanupHandler')
        ? { input: create, answer: { PhysicalResourceId: ZONE_CLEANUP_PHYSICAL_ID } }
        : { input: WARM_UP_INPUT, answer: { warm: true, sdk: expected } };
    const bundles = new Map(assets.map(([id, dir]) => [join(dir, 'index.mjs'), firstCall(id)]));
    expect(bundles.size).toBe(9);
    for (const [bundle, { input, answer }] of bundles) {
      const alone = scratchDir('racelab-bundle-alone-');
      copyFileSync(bundle, join(alone, 'index.mjs'));
      // As Lambda loads it: import the file, then the first invocation reads the configuration and builds the clients.
      const script = `const { handler } = await import('./index.mjs'); process.stdout.write(JSON.stringify(await handler(${JSON.stringify(input)})));`;
      const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', ...CONFIG_ENV };
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: alone, env });
      expect(JSON.parse(stdout), bundle).toEqual(answer);
    }
  });

  it('run without NODE_OPTIONS by default', () => {
    for (const [, , variables] of assets) expect(variables).not.toHaveProperty('NODE_OPTIONS');
  });
});

describe(`context ${SOURCE_MAPS_CONTEXT}`, () => {
  it('=true ships a linked source map beside each bundle and has Node use it', () => {
    const { assets } = synthesizeBundled({ [SOURCE_MAPS_CONTEXT]: 'true' });
    for (const [, dir, variables] of assets) {
      expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('refuses anything but true or false, saying what to pass', () => {
    const attempt = () => buildTestLabApp({ scenarios: [], context: { [SOURCE_MAPS_CONTEXT]: 'yes' } });
    expect(attempt).toThrow(ContextError);
    expect(attempt).toThrow('context sourceMaps must be true or false, not "yes" (e.g. `npx cdk deploy -c sourceMaps=true`)');
  });
});
