// Every input the fuzzer ever saved (test/fuzz/crashes/) must now run clean, and every fuzz target must
// run its own seeds clean (so that a broken target cannot pass a fuzz run by finding nothing).

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replayFinding } from '../../fuzz/replay.ts';
import { TARGETS } from '../../fuzz/targets.ts';

const CRASHES = join(import.meta.dirname, '..', '..', 'fuzz', 'crashes');
/** Far above what an input takes (microseconds to milliseconds), far below the fuzzer's hang limit. */
const SLOW_MS = 2000;

describe('fuzz findings replayed', () => {
  const findings = existsSync(CRASHES) ? readdirSync(CRASHES).filter((name) => name.endsWith('.bin')) : [];
  for (const name of findings) {
    it(`${name} runs clean`, () => {
      const replayed = replayFinding(join(CRASHES, name));
      assert.equal(replayed.bound, undefined);
      assert.ok(replayed.milliseconds < SLOW_MS, `${name} took ${replayed.milliseconds.toFixed(0)} ms`);
    });
  }
});

describe('fuzz targets on their seeds', () => {
  for (const target of TARGETS) {
    it(`${target.name} has seeds and runs every one clean`, () => {
      const seeds = target.seeds();
      assert.ok(seeds.length > 0, 'no seeds');
      for (const seed of seeds) assert.equal(target.run(seed), undefined);
    });
  }
});
