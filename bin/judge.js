#!/usr/bin/env node
// The pristine judge's entry (bin/judge.ts), compiled as the CLI is (build.js) but
// only what judging loads, into a build of its own; through tsx without esbuild.
import { runEntry } from './build.js';

await runEntry('judge');
