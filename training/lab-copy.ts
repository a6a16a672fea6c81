// A commit of the lab unpacked into a folder of its own (git archive: the
// commit's tree, nothing of any working tree), using the lab's installed
// dependencies: what the judge runs from, and what collect rebuilds a
// trainee's tree on.
import { execFile } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Unpacks `commit` of the repository at `root` into `dir`, with node_modules a link to `modulesFrom`'s. */
export async function unpackLab(root: string, commit: string, dir: string, modulesFrom: string): Promise<void> {
  const archive = join(dir, '.lab.tar');
  await exec('git', ['archive', '--format=tar', '-o', archive, commit], { cwd: root });
  await exec('tar', ['-x', '-f', archive], { cwd: dir });
  rmSync(archive);
  // A tree that tracks a node_modules link (a test's copy does) gets this lab's instead.
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  symlinkSync(join(modulesFrom, 'node_modules'), join(dir, 'node_modules'), 'dir');
}
