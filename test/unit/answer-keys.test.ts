// Every answer key applies to the lab as it is, exactly where it was made: a
// patch that applies only with an offset (or not at all) means the code it
// edits moved since, and the facilitator's key, and the exercise tests that
// apply it, must be made again (git diff of the key applied by hand).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const KEYS = 'docs/training/answer-keys';
const patches = readdirSync(KEYS).filter((file) => file.endsWith('.patch'));

describe('the answer keys', () => {
  it('are there: fix, recover and stabilize', () => {
    expect(patches.sort()).toEqual(['fix.patch', 'recover.patch', 'stabilize.patch']);
  });

  it.each(patches)('%s applies to this tree with no offset', async (patch) => {
    const { stderr } = await promisify(execFile)('git', ['apply', '--check', '--verbose', join(KEYS, patch)]);
    expect(stderr).toMatch(/^Checking patch /m);
    expect(stderr).not.toMatch(/offset|fuzz/i);
  });
});
