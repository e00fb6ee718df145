import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { HEAP_GROWING_PERCENT, MAX_SEMI_SPACE_MB } from '../../../src/util/heap-growth.ts';

// setFlagsFromString ignores a flag V8 does not know: a Node whose V8 dropped it would silently grow the heap again.
test('the V8 of this Node knows the heap growing flag the exporter sets', () => {
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  assert.match(options, /--heap-growing-percent \(specifies heap growing factor/);
  assert.ok(HEAP_GROWING_PERCENT > 0 && HEAP_GROWING_PERCENT < 100);
});

const LAUNCHER = fileURLToPath(new URL('../../../bin/kafka-sonar', import.meta.url));

/** The arguments the launcher gives `node` (a stand-in first on PATH prints them) for the command's `args`. */
function nodeArgumentsOf(args: readonly string[], { throughLink = false } = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
  try {
    const standIn = join(dir, 'node');
    writeFileSync(standIn, '#!/bin/sh\nfor argument in "$@"; do echo "$argument"; done\n');
    chmodSync(standIn, 0o755);
    // npm installs the command on PATH as a symbolic link to the launcher.
    const link = join(dir, 'kafka-sonar');
    if (throughLink) symlinkSync(LAUNCHER, link);
    const result = spawnSync(throughLink ? link : LAUNCHER, args, {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trimEnd().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the launcher starts the exporter with the young generation capped, and replay, --help and --version without V8 flags', () => {
  const main = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
  const exporter = nodeArgumentsOf(['--kafka.server=localhost:9092']);
  assert.deepEqual(exporter.slice(0, 1), [`--max-semi-space-size=${MAX_SEMI_SPACE_MB}`]);
  assert.equal(realpathSync(exporter[1]!), realpathSync(main), 'the compiled command (npm run build)');
  assert.deepEqual(exporter.slice(2), ['--kafka.server=localhost:9092']);
  assert.deepEqual(nodeArgumentsOf(['--kafka.server=localhost:9092'], { throughLink: true }), exporter, 'through a symbolic link');
  for (const args of [['replay', 'capture.pcap', '--summary'], ['--help'], ['--version']]) {
    const started = nodeArgumentsOf(args);
    assert.equal(realpathSync(started[0]!), realpathSync(main), args.join(' '));
    assert.deepEqual(started.slice(1), args);
  }
});

test("this Node's V8 honours the young generation cap the launcher gives the exporter", () => {
  // Garbage in quantity grows the young generation to its cap: two semi-spaces of the cap at most.
  const probe = `
    const { getHeapSpaceStatistics } = await import('node:v8');
    let keep = [];
    for (let round = 0; round < 400; round++) { keep = Array.from({ length: 20000 }, (_, i) => ({ i, text: 'x' + i })); }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    console.log(JSON.stringify({ size: young.space_size, kept: keep.length }));
  `;
  const youngBytes = (flags: readonly string[]): number => {
    const result = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', probe], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    return (JSON.parse(result.stdout) as { size: number }).size;
  };
  const capped = youngBytes([`--max-semi-space-size=${MAX_SEMI_SPACE_MB}`]);
  assert.ok(capped <= 2 * MAX_SEMI_SPACE_MB * 1024 * 1024, `young generation ${capped} bytes with the cap`);
  assert.ok(youngBytes([]) > capped, 'the default young generation is larger: the flag is what caps it');
});
