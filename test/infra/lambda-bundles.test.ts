// What each lab function deploys, bundled as `cdk deploy` bundles it: one ESM
// file, index.mjs, exporting `handler`, at most 250 KB; the AWS SDK left to the
// Node 22 runtime, which provides it, so the bundle imports nothing else from
// outside; no source map unless context sourceMaps=true asks for one, and only
// then NODE_OPTIONS=--enable-source-maps.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextError } from '../../infra/context-error.ts';
import { PROJECT_ROOT, RUNTIME_PROVIDED_PACKAGES, SOURCE_MAPS_CONTEXT } from '../../infra/lab-function.ts';
import { buildTestLabApp, resourcesOfType, type CfnTemplate } from './lab-app-fixture.ts';

const MAX_BUNDLE_BYTES = 250 * 1024;
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Synthesizes with bundling under cdk.out, inside the project, so a bundle's externals resolve to its node_modules as in a build. */
function synthesizeBundled(context: Record<string, unknown> = {}): { json: CfnTemplate; assets: [string, string, Record<string, string>][] } {
  mkdirSync(join(PROJECT_ROOT, 'cdk.out'), { recursive: true });
  const outdir = mkdtempSync(join(PROJECT_ROOT, 'cdk.out', 'bundles-'));
  outdirs.push(outdir);
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

/** Every module specifier the bundle imports (static, dynamic or through require). */
function importsOf(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\brequire\s*\(\s*["']([^"']+)["']\s*\)|\bimport\s*["']([^"']+)["']/g),
  ];
  return [...new Set(specifiers.map((match) => match[1] ?? match[2] ?? match[3] ?? match[4]!))].sort();
}

/** The names the bundle imports from each SDK package. */
function sdkNamesOf(code: string): string[] {
  return [...code.matchAll(/\bimport\s*\{([^}]*)\}\s*from\s*["'](@aws-sdk\/[^"']+)["']/g)].flatMap((match) =>
    match[1]!.split(',').map((name) => name.trim().split(/\s+as\s+/)[0]!),
  );
}

const runtimeProvided = (specifier: string) =>
  specifier.startsWith('node:') || RUNTIME_PROVIDED_PACKAGES.some((pattern) => specifier.startsWith(pattern.replace('*', '')));

describe('Lambda bundles', () => {
  const { assets } = synthesizeBundled();

  it('are one index.mjs each, at most 250 KB, with no source map', () => {
    expect(assets).toHaveLength(11);
    for (const [, dir] of assets) {
      expect(readdirSync(dir)).toEqual(['index.mjs']);
      expect(statSync(join(dir, 'index.mjs')).size).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toMatch(/sourceMappingURL/);
    }
  });

  it('import only Node built-ins and the AWS SDK the runtime provides, and from the SDK only clients, commands and paginators', () => {
    for (const [, dir] of assets) {
      const imports = importsOf(readFileSync(join(dir, 'index.mjs'), 'utf8'));
      expect(imports.filter((specifier) => !runtimeProvided(specifier))).toEqual([]);
      expect(imports).toContain('@aws-sdk/client-route-53');
      // Clients, commands and paginators: no error class, which a runtime's older SDK may lack (errors are told by name).
      const names = sdkNamesOf(readFileSync(join(dir, 'index.mjs'), 'utf8'));
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => !/(Client|Command)$|^paginate/.test(name))).toEqual([]);
    }
  });

  it('load as the runtime loads them, with the SDK from outside the bundle, and export a handler', async () => {
    for (const dir of new Set(assets.map(([, assetDir]) => assetDir))) {
      const url = pathToFileURL(join(dir, 'index.mjs')).href;
      const script = `const m = await import(${JSON.stringify(url)}); process.stdout.write(typeof m.handler);`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
      expect(stdout).toBe('function');
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
