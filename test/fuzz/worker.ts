// One fuzzing worker: mutates the seeds of its targets and runs them until its deadline, reporting counts
// and findings to the runner. Before each input it writes the input to shared memory and bumps a counter,
// so that the runner can tell a hang and save the input that caused it.

import { parentPort, workerData } from 'node:worker_threads';
import { MAX_INPUT_BYTES, mutateBytes } from './mutate.ts';
import { SHARED_HEADER_BYTES, type WorkerMessage, type WorkerSetup } from './worker-protocol.ts';
import { Rng } from './random.ts';
import { targetNamed } from './targets.ts';

const POOL_LIMIT = 4000;
const INPUTS_PER_TURN = 50;
const REPORT_EVERY_MS = 1000;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
}

function main(setup: WorkerSetup): void {
  const post = (message: WorkerMessage): void => parentPort!.postMessage(message);
  const targets = setup.targets.map(targetNamed);
  const rng = new Rng(setup.seed);
  const pools = targets.map((target) => target.seeds());
  post({ type: 'ready', seeds: Object.fromEntries(targets.map((target, index) => [target.name, pools[index]!.length])) });
  const header = new Int32Array(setup.shared, 0, 3);
  const bytes = new Uint8Array(setup.shared, SHARED_HEADER_BYTES);
  const counts = Object.fromEntries(targets.map((target) => [target.name, 0]));
  let lastReport = Date.now();
  while (Date.now() < setup.deadlineMs) {
    const index = rng.below(targets.length);
    const target = targets[index]!;
    const pool = pools[index]!;
    if (pool.length === 0) continue;
    for (let turn = 0; turn < INPUTS_PER_TURN; turn++) {
      const base = rng.pick(pool);
      const input = target.mutate ? target.mutate(base, rng, pool) : mutateBytes(base, rng, pool);
      bytes.set(input.subarray(0, MAX_INPUT_BYTES));
      header[1] = index;
      header[2] = Math.min(input.length, MAX_INPUT_BYTES);
      Atomics.add(header, 0, 1);
      try {
        const bound = target.run(input);
        if (bound !== undefined) post({ type: 'finding', target: target.name, kind: 'memory', message: bound, input });
      } catch (error) {
        post({ type: 'finding', target: target.name, kind: 'throw', message: describe(error), input });
      }
      counts[target.name]!++;
      // Without coverage to steer by, a few mutants join the pool so mutations can build on each other.
      if (rng.chance(0.01)) {
        if (pool.length < POOL_LIMIT) pool.push(input);
        else pool[rng.below(pool.length)] = input;
      }
    }
    if (Date.now() - lastReport >= REPORT_EVERY_MS) {
      post({ type: 'counts', counts });
      lastReport = Date.now();
    }
  }
  post({ type: 'counts', counts });
  post({ type: 'done' });
}

main(workerData as WorkerSetup);
