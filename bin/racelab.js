#!/usr/bin/env node
// npm's bin entry. It runs the compiled CLI (dist/, see build.js), compiling it
// first if a source file changed since; so it starts in a fraction of the time
// tsx needs, and always runs the code as it is in the working tree. Without
// esbuild (an install without dev dependencies) it loads the TypeScript through tsx.
import { runEntry } from './build.js';

await runEntry('racelab');
