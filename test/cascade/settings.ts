// The cascade's settings as the oct-2025-cascade scenario gives them, for tests that run the model alone.
import { readFileSync } from 'node:fs';
import type { CascadeSettings } from '../../lambdas/core/cascade/settings.ts';

export const SCENARIO_CASCADE: CascadeSettings = JSON.parse(readFileSync(new URL('../../scenarios/oct-2025-cascade.json', import.meta.url), 'utf8')).cascade;

export const NO_SWITCHES = { throttled: false, failoverDisabled: false, restarts: 0 };
