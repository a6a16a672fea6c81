#!/usr/bin/env node
// npm's bin entry. It runs the compiled CLI (dist/, see build.js), compiling it
// first if a source file changed since; so it starts in a fraction of the time
// tsx needs, and always runs the code as it is in the working tree. Without
// esbuild (an install without dev dependencies) it loads the TypeScript through tsx.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { build, buildIsStale, currentBuild } from './build.js';

let dir = currentBuild();
if (buildIsStale()) {
  try {
    dir = await build();
  } catch (error) {
    if (process.env.RACELAB_DEBUG) process.stderr.write(`racelab: could not compile the CLI (${error.message}); loading it through tsx\n`);
    dir = undefined;
  }
}
if (dir) {
  await import(pathToFileURL(join(dir, 'bin', 'racelab.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./racelab.ts');
}
