/**
 * npm run fuzz -- [--minutes N | --seconds N] [--seed N] [--workers N] [--targets a,b]
 *
 * Structure-aware mutation fuzzing (no coverage feedback) of every decoder entry point, seeded from the
 * recorded fixtures and from Kafka's message definitions (see targets.ts). Prints inputs per second per
 * target. An input that throws, runs longer than the per-input limit, or drives memory past the code's
 * bounds is written to test/fuzz/crashes/ (its bytes, and a .txt saying what happened), which
 * test/unit/fuzz/crashes.test.ts replays. Exits 1 when anything was found.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { TARGETS } from './targets.ts';
import { SHARED_BYTES, SHARED_HEADER_BYTES, type WorkerMessage, type WorkerSetup } from './worker-protocol.ts';

export const CRASH_DIRECTORY = join(import.meta.dirname, 'crashes');
/** An input still running after this long is a hang (inputs take microseconds to milliseconds). */
const HANG_MS = 10_000;
const WATCH_MS = 250;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    seconds: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    targets: { type: 'string' },
  },
});

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`npm run fuzz: --${name} must be a positive number, not ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}

const durationMs =
  values.seconds !== undefined ? positive('seconds', values.seconds, 60) * 1000 : positive('minutes', values.minutes, 1) * 60_000;
const seed = Math.floor(positive('seed', values.seed, Date.now() % 1_000_000_007));
const workerCount = Math.floor(positive('workers', values.workers, availableParallelism()));
const targetNames = values.targets === undefined ? TARGETS.map((target) => target.name) : values.targets.split(',');
for (const name of targetNames) {
  if (!TARGETS.some((target) => target.name === name)) {
    process.stderr.write(`npm run fuzz: no target ${name}; there are ${TARGETS.map((target) => target.name).join(', ')}\n`);
    process.exit(2);
  }
}

const totals = new Map<string, number>(targetNames.map((name) => [name, 0]));
const findings: string[] = [];
const started = Date.now();
const deadlineMs = started + durationMs;

/** Inputs saved per distinct failure (target, kind and first line of the message): enough to debug, not a flood. */
const SAVED_PER_FAILURE = 3;
const savedPerFailure = new Map<string, number>();

function saveFinding(target: string, kind: string, message: string, input: Uint8Array): void {
  const failure = `${target} ${kind} ${message.split('\n')[0]}`;
  const saved = savedPerFailure.get(failure) ?? 0;
  savedPerFailure.set(failure, saved + 1);
  if (saved >= SAVED_PER_FAILURE) return;
  mkdirSync(CRASH_DIRECTORY, { recursive: true });
  const hash = createHash('sha256').update(input).digest('hex').slice(0, 12);
  const base = join(CRASH_DIRECTORY, `${target}-${kind}-${hash}`);
  writeFileSync(`${base}.bin`, input);
  writeFileSync(`${base}.txt`, `${target}: ${kind}\n${message}\n`);
  findings.push(`${target} ${kind} ${base}.bin: ${message.split('\n')[0]}`);
  process.stderr.write(`finding: ${findings.at(-1)}\n`);
}

/** Runs one worker until the deadline; restarts it after a hang, with another seed. */
async function runWorker(index: number, attempt = 0): Promise<void> {
  if (Date.now() >= deadlineMs) return;
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const header = new Int32Array(shared, 0, 3);
  const setup: WorkerSetup = { targets: targetNames, seed: seed + index * 7919 + attempt * 104_729, deadlineMs, shared };
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: setup });
  const counted = new Map<string, number>();
  let ready = false;
  await new Promise<void>((resolve) => {
    let lastStarted = -1;
    let lastChange = Date.now();
    const watch = setInterval(() => {
      const now = Date.now();
      const startedInputs = Atomics.load(header, 0);
      if (!ready || startedInputs !== lastStarted) {
        lastStarted = startedInputs;
        lastChange = now;
        return;
      }
      if (now - lastChange < HANG_MS) return;
      clearInterval(watch);
      const input = new Uint8Array(shared, SHARED_HEADER_BYTES, header[2]!).slice();
      saveFinding(targetNames[header[1]!]!, 'hang', `no answer within ${HANG_MS} ms`, input);
      void worker.terminate().then(() => resolve(runWorker(index, attempt + 1)));
    }, WATCH_MS);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        ready = true;
        if (index === 0 && attempt === 0)
          process.stdout.write(
            `seeds: ${Object.entries(message.seeds)
              .map(([name, count]) => `${name} ${count}`)
              .join(', ')}\n`,
          );
      } else if (message.type === 'counts') {
        for (const [name, count] of Object.entries(message.counts)) {
          totals.set(name, (totals.get(name) ?? 0) + count - (counted.get(name) ?? 0));
          counted.set(name, count);
        }
      } else if (message.type === 'finding') {
        saveFinding(message.target, message.kind, message.message, message.input);
      }
    });
    worker.on('error', (error) => {
      clearInterval(watch);
      if (!ready) {
        process.stderr.write(`npm run fuzz: a worker could not start: ${error.stack ?? error.message}\n`);
        process.exit(2);
      }
      saveFinding(
        targetNames[header[1]!]!,
        'throw',
        `the worker died: ${error.stack ?? error.message}`,
        new Uint8Array(shared, SHARED_HEADER_BYTES, header[2]!).slice(),
      );
      resolve(runWorker(index, attempt + 1));
    });
    worker.on('exit', () => {
      clearInterval(watch);
      resolve();
    });
  });
}

function report(final: boolean): void {
  const seconds = (Date.now() - started) / 1000;
  const failures = [...savedPerFailure.values()].reduce((sum, count) => sum + count, 0);
  const all = [...totals.values()].reduce((sum, count) => sum + count, 0);
  const perTarget = [...totals].map(([name, count]) => `${name} ${count} (${Math.round(count / seconds)}/s)`).join(', ');
  process.stdout.write(
    `${final ? 'fuzzed' : 'fuzzing'} ${seconds.toFixed(0)} s: ${all} inputs, ${Math.round(all / seconds)}/s; ${perTarget}; ${failures} failing inputs, ${savedPerFailure.size} distinct\n`,
  );
}

process.stdout.write(
  `fuzzing ${targetNames.join(', ')} for ${(durationMs / 1000).toFixed(0)} s with ${workerCount} workers, seed ${seed}\n`,
);
const progress = setInterval(() => report(false), 60_000);
await Promise.all(Array.from({ length: workerCount }, (_, index) => runWorker(index)));
clearInterval(progress);
report(true);
if (findings.length > 0) {
  process.stdout.write(`findings (replayed by test/unit/fuzz/crashes.test.ts):\n${findings.map((line) => `  ${line}`).join('\n')}\n`);
  process.exit(1);
}
