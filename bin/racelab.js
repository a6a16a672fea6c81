#!/usr/bin/env node
// npm's bin entry: load TypeScript through tsx, then the CLI itself.
import { register } from 'tsx/esm/api';

register();
await import('./racelab.ts');
