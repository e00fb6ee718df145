import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Collector } from '../../../src/collectors/collector.ts';
import { CollectorRunner } from '../../../src/collectors/runner.ts';
import { createLogger } from '../../../src/log/logger.ts';
import type { MetricDefinition } from '../../../src/metrics/definition.ts';
import { SeriesStore, Snapshot } from '../../../src/metrics/series-store.ts';

const up: MetricDefinition = { name: 'thing_up', type: 'gauge', labels: [], help: 'Up.' };

function value(store: SeriesStore, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const sample of store.samples(name)) {
    if (Object.entries(labels).every(([key, expected]) => sample.labels[key] === expected)) return sample.value;
  }
  return undefined;
}

function scriptedCollector(outcomes: ('ok' | 'fail' | 'hang')[]): Collector & { cycles: number } {
  return {
    name: 'thing',
    cycles: 0,
    async collect() {
      const outcome = outcomes[Math.min(this.cycles++, outcomes.length - 1)];
      if (outcome === 'fail') throw new Error('thing unreachable');
      if (outcome === 'hang') return await new Promise<Snapshot>(() => undefined);
      return new Snapshot().add(up, {}, 1);
    },
    failureSnapshot: () => new Snapshot().add(up, {}, 0),
    close: async () => undefined,
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('publishes snapshots, marks failures, counts errors and logs one line per state change', async () => {
  const lines: string[] = [];
  const store = new SeriesStore();
  const runner = new CollectorRunner(store, createLogger({ level: 'info', format: 'json', write: (line) => lines.push(line) }));
  const collector = scriptedCollector(['ok', 'fail', 'fail', 'ok']);
  runner.add(collector, { intervalSeconds: 0.01, timeoutSeconds: 1 });
  assert.equal(runner.ready, false);
  runner.start();
  await waitFor(() => runner.ready);
  assert.equal(value(store, 'thing_up'), 1);
  assert.equal(value(store, 'kafka_sonar_collector_up', { collector: 'thing' }), 1);
  await waitFor(() => collector.cycles >= 4);
  await runner.stop();
  assert.equal(value(store, 'kafka_sonar_collector_errors_total', { collector: 'thing' }), 2);
  assert.equal(value(store, 'thing_up'), 1);
  assert.ok(value(store, 'kafka_sonar_collector_last_success_timestamp_seconds', { collector: 'thing' })! > Date.now() / 1000 - 60);
  const messages = lines.map((line) => JSON.parse(line).msg);
  assert.deepEqual(messages, ['collector failed', 'collector recovered']);
});

test('a collector that never answers times out and shows as down, without blocking the others', async () => {
  const store = new SeriesStore();
  const runner = new CollectorRunner(store, createLogger({ level: 'error', format: 'json', write: () => undefined }));
  runner.add(scriptedCollector(['hang']), { intervalSeconds: 60, timeoutSeconds: 0.05 });
  runner.start();
  await waitFor(() => runner.ready);
  assert.equal(value(store, 'thing_up'), 0);
  assert.equal(value(store, 'kafka_sonar_collector_up', { collector: 'thing' }), 0);
  assert.match(runner.statuses()[0]!.lastError!, /no answer within the 0\.05s timeout/);
  await runner.stop();
});

test('a snapshot is handed sealed to the preparers and published only once they are done', async () => {
  const store = new SeriesStore();
  const runner = new CollectorRunner(store, createLogger({ level: 'error', format: 'json', write: () => undefined }));
  let release: (() => void) | undefined;
  const prepared: Snapshot[] = [];
  runner.beforePublish(async (snapshot) => {
    prepared.push(snapshot);
    await new Promise<void>((resolve) => (release = resolve));
  });
  runner.add(scriptedCollector(['ok']), { intervalSeconds: 60, timeoutSeconds: 1 });
  runner.start();
  await waitFor(() => release !== undefined);
  assert.equal(prepared[0]?.sealed, true);
  assert.equal(value(store, 'thing_up'), undefined, 'not published while it is being prepared');
  release!();
  await waitFor(() => value(store, 'thing_up') === 1);
  await runner.stop();
});
