// racelab exercise bundle, end to end, with no network: a registry on loopback
// stands in for npm's, serving one small package packed here; a fixture lab (a
// git clone whose lockfile names it, and a platform package for another OS) is
// bundled from it; then, with the registry closed and every proxy at a closed
// port, the bundle's install.sh installs the lab into a fresh folder as a
// laptop would. A full bundle of this lab (367 packages, about 2 minutes and
// 300 MB) was proved by hand: docs/training/room.md gives its figures.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../scenario/usage-error.ts';
import { BUNDLE_FILES, DEFAULT_PLATFORMS, lockfileSpecs, makeBundle, parsePlatforms } from '../../training/room-bundle.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';

const exec = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'racelab-bundle-'));
const DEP = 'racelab-fixture-dep';
const NO_NETWORK = { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', npm_config_proxy: 'http://127.0.0.1:9' };

let registry: { server: Server; url: string; requests: { url: string; headers: IncomingHttpHeaders }[] };
let lab: string;

/** The fixture's package, packed by npm: its tarball and integrity, as the registry serves them. */
async function packDependency(): Promise<{ tarball: Buffer; integrity: string }> {
  const dir = join(scratch, 'dep');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: DEP, version: '1.0.0', type: 'module', main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), "export default 'the fixture dependency';\n");
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: dir, timeout: HANG_GUARD_MS });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  const tarball = readFileSync(join(scratch, packed!.filename));
  return { tarball, integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}` };
}

beforeAll(async () => {
  const { tarball, integrity } = await packDependency();
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((request, response) => {
    requests.push({ url: request.url!, headers: request.headers });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    if (request.url === `/${DEP}`) {
      const version = { name: DEP, version: '1.0.0', main: 'index.js', dist: { tarball: `${url}/${DEP}/-/${DEP}-1.0.0.tgz`, integrity } };
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ name: DEP, 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': version } }));
    } else if (request.url === `/${DEP}/-/${DEP}-1.0.0.tgz`) {
      response.end(tarball);
    } else {
      response.statusCode = 404;
      response.end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, requests };

  // The fixture lab: a git clone with a lockfile (no "resolved": npm asks the registry where each tarball is,
  // as for this lab's own lockfile), a package for another OS the registry does not have, and a racelab to run.
  lab = join(scratch, 'lab');
  mkdirSync(join(lab, 'bin'), { recursive: true });
  const manifest = { name: 'fixture-lab', version: '1.0.0', private: true, type: 'module', dependencies: { [DEP]: '1.0.0' } };
  writeFileSync(join(lab, 'package.json'), JSON.stringify({ ...manifest, optionalDependencies: { 'racelab-fixture-sunos': '1.0.0' } }, null, 2));
  const lock = {
    name: 'fixture-lab',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { ...manifest, optionalDependencies: { 'racelab-fixture-sunos': '1.0.0' } },
      [`node_modules/${DEP}`]: { version: '1.0.0', integrity },
      'node_modules/racelab-fixture-sunos': { version: '1.0.0', integrity: 'sha512-AAAA', optional: true, os: ['sunos'] },
    },
  };
  writeFileSync(join(lab, 'package-lock.json'), JSON.stringify(lock, null, 2));
  writeFileSync(join(lab, 'bin', 'racelab.js'), `import dep from '${DEP}';\nconsole.log(\`racelab \${process.argv.slice(2).join(' ')}: \${dep}\`);\n`);
  const git = (...args: string[]) => exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: lab });
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('commit', '-q', '-m', 'fixture');
});

afterAll(() => {
  registry?.server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('racelab exercise bundle', () => {
  it('lists the lockfile packages for the laptops platforms, leaving out the others', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
    const all = lockfileSpecs(lock, 'all');
    expect(all.leftOut).toEqual([]);
    const room = lockfileSpecs(lock, parsePlatforms([]) as Exclude<ReturnType<typeof parsePlatforms>, 'all'>);
    for (const platform of DEFAULT_PLATFORMS) expect(room.specs).toContain(`@esbuild/${platform}@${lock.packages['node_modules/esbuild'].version}`);
    expect(room.leftOut).toContain(`@esbuild/sunos-x64@${lock.packages['node_modules/esbuild'].version}`);
    expect(room.specs.length + room.leftOut.length).toBe(all.specs.length);
    // Packages another package carries inside its own tarball are not fetched.
    expect(all.specs.some((spec) => spec.startsWith('case@'))).toBe(false);
    expect(() => parsePlatforms(['macos'])).toThrow(UsageError);
  });

  it('refuses a folder with files in it, before any work', async () => {
    const out = join(scratch, 'taken');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await expect(makeBundle({ out, root: lab, platforms: [], env: process.env })).rejects.toThrow(
      new UsageError(`--out ${out} is a folder with files in it; give a new or empty folder for the bundle`),
    );
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('bundles the lab, proves it offline, and installs it on a "laptop" with the registry gone', async () => {
    const out = join(scratch, 'room');
    const result = await makeBundle({
      out,
      root: lab,
      platforms: [],
      env: { ...process.env, npm_config_registry: registry.url },
      smoke: ['bin/racelab.js', 'run', 'oct-2025'],
    });
    expect(result).toMatchObject({ out, branch: 'main', uncommitted: 0, registry: registry.url, packages: 1, leftOut: 1 });
    expect(result.verified).toBeDefined();
    expect(readdirSync(out).sort()).toEqual(Object.values(BUNDLE_FILES).sort());
    expect(JSON.parse(readFileSync(join(out, BUNDLE_FILES.manifest), 'utf8'))).toMatchObject({ format: 'racelab-room-bundle', packages: 1 });
    // Only `npm cache add` asked the registry; the install that proved the bundle asked nothing.
    expect(registry.requests.length).toBeGreaterThan(0);
    expect(new Set(registry.requests.map((request) => request.headers['npm-command']))).toEqual(new Set(['cache']));
    expect(registry.requests.some((request) => request.url.includes('sunos'))).toBe(false);

    // A laptop: no registry, no proxy that answers, the user's own registry setting elsewhere.
    await new Promise((resolve) => registry.server.close(resolve));
    const laptop = join(scratch, 'laptop');
    mkdirSync(laptop);
    const { stdout } = await exec('sh', [join(out, BUNDLE_FILES.install), 'lab'], {
      cwd: laptop,
      env: { ...process.env, ...NO_NETWORK, npm_config_registry: 'http://127.0.0.1:9/' },
      timeout: HANG_GUARD_MS,
    });
    expect(existsSync(join(laptop, 'lab', 'node_modules', DEP, 'index.js'))).toBe(true);
    expect(existsSync(join(laptop, 'lab', '.git'))).toBe(true);
    expect(stdout).toContain('racelab exercise preflight: the fixture dependency');
  });
});
