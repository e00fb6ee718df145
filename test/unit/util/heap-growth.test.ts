import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { HEAP_GROWING_PERCENT } from '../../../src/util/heap-growth.ts';

// setFlagsFromString ignores a flag V8 does not know: a Node whose V8 dropped it would silently grow the heap again.
test('the V8 of this Node knows the heap growing flag the exporter sets', () => {
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  assert.match(options, /--heap-growing-percent \(specifies heap growing factor/);
  assert.ok(HEAP_GROWING_PERCENT > 0 && HEAP_GROWING_PERCENT < 100);
});
