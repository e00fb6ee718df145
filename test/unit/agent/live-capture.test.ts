import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const liveCapture = fileURLToPath(new URL('../../../src/agent/live-capture.ts', import.meta.url));

// A capture that cannot open must leave the process able to run on: cap 0.2.1 crashed the
// exporter when the garbage collector reached such a handle.
it('a capture on a missing interface fails with a reason and survives garbage collection', () => {
  const script = `
    const { LiveCapture } = await import(${JSON.stringify(liveCapture)});
    const reasons = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const started = new LiveCapture({ interface: 'no-such-if0', filter: 'tcp', bufferSizeBytes: 1 << 20 }, { pushFrame() {} }).start();
      reasons.push(started.ok ? 'started' : started.reason);
    }
    for (let round = 0; round < 5; round++) { globalThis.gc(); await new Promise((resolve) => setTimeout(resolve, 20)); }
    process.stdout.write(JSON.stringify(reasons[0]));
  `;
  const run = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.signal, null, `the process died of ${run.signal}: ${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  assert.match(JSON.parse(run.stdout) as string, /no-such-if0/);
});
