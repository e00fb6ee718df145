import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { HEAP_GROWING_PERCENT, MAX_SEMI_SPACE_MB } from '../../../src/util/heap-growth.ts';

// setFlagsFromString ignores a flag V8 does not know: a Node whose V8 dropped it would silently grow the heap again.
test('the V8 of this Node knows the heap growing flag the exporter sets', () => {
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  assert.match(options, /--heap-growing-percent \(specifies heap growing factor/);
  assert.ok(HEAP_GROWING_PERCENT > 0 && HEAP_GROWING_PERCENT < 100);
});

test("the command's #! line starts Node with the young generation capped, and this Node's V8 honours the cap", () => {
  const shebang = readFileSync(new URL('../../../src/cli/main.ts', import.meta.url), 'utf8').split('\n')[0]!;
  const match = /^#!\/usr\/bin\/env -S node (.+)$/.exec(shebang);
  assert.ok(match, `unexpected #! line: ${shebang}`);
  const flags = match[1]!.split(' ');
  assert.deepEqual(flags, [`--max-semi-space-size=${MAX_SEMI_SPACE_MB}`]);
  // Garbage in quantity grows the young generation to its cap: two semi-spaces of the cap at most.
  const probe = `
    const { getHeapSpaceStatistics } = await import('node:v8');
    let keep = [];
    for (let round = 0; round < 400; round++) { keep = Array.from({ length: 20000 }, (_, i) => ({ i, text: 'x' + i })); }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    console.log(JSON.stringify({ size: young.space_size, kept: keep.length }));
  `;
  const youngBytes = (extra: readonly string[]): number => {
    const result = spawnSync(process.execPath, [...extra, '--input-type=module', '-e', probe], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return (JSON.parse(result.stdout) as { size: number }).size;
  };
  const capped = youngBytes(flags);
  assert.ok(capped <= 2 * MAX_SEMI_SPACE_MB * 1024 * 1024, `young generation ${capped} bytes with ${flags.join(' ')}`);
  assert.ok(youngBytes([]) > capped, 'the default young generation is larger: the flag is what caps it');
});
