import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricDefinition } from '../../../src/metrics/definition.ts';
import { createPrometheusView } from '../../../src/metrics/prometheus.ts';
import { SeriesStore, Snapshot } from '../../../src/metrics/series-store.ts';

const brokers: MetricDefinition = { name: 'test_brokers', type: 'gauge', labels: [], help: 'Brokers.' };
const brokerInfo: MetricDefinition = { name: 'test_broker_info', type: 'gauge', labels: ['id'], help: 'Broker.' };
const requests: MetricDefinition = { name: 'test_requests_total', type: 'counter', labels: ['api'], help: 'Requests.' };
const catalogue = [brokers, brokerInfo, requests];

const text = (body: readonly Buffer[]): string => Buffer.concat(body).toString();

function seriesLines(body: readonly Buffer[]): string[] {
  return text(body)
    .split('\n')
    .filter((line) => line.startsWith('test_'));
}

test('renders what the owners published, with the default labels', async () => {
  const store = new SeriesStore();
  store.set('a', new Snapshot().add(brokers, {}, 3).add(brokerInfo, { id: '1' }, 1).add(brokerInfo, { id: '2' }, 1));
  store.set('b', new Snapshot().add(requests, { api: 'Produce' }, 42));
  const view = createPrometheusView(catalogue, store, { cluster: 'east' });
  const { contentType, body } = await view.render('text/plain');
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  assert.deepEqual(seriesLines(body), [
    'test_brokers{cluster="east"} 3',
    'test_broker_info{id="1",cluster="east"} 1',
    'test_broker_info{id="2",cluster="east"} 1',
    'test_requests_total{api="Produce",cluster="east"} 42',
  ]);
  assert.match(text(body), /# TYPE test_requests_total counter/);
  assert.match(text(body), /process_cpu_seconds_total/);
});

test('a replaced snapshot drops the series it no longer has; a label-less metric with no value is absent', async () => {
  const store = new SeriesStore();
  const view = createPrometheusView(catalogue, store, {});
  store.set('a', new Snapshot().add(brokers, {}, 3).add(brokerInfo, { id: '1' }, 1));
  assert.equal(seriesLines((await view.render(undefined)).body).length, 2);
  store.set('a', new Snapshot());
  assert.deepEqual(seriesLines((await view.render(undefined)).body), []);
});

test('OpenMetrics when the scraper asks for it', async () => {
  const store = new SeriesStore();
  store.set('b', new Snapshot().add(requests, { api: 'Fetch' }, 7));
  const view = createPrometheusView(catalogue, store, {});
  const { contentType, body } = await view.render('application/openmetrics-text;version=1.0.0,text/plain;q=0.5');
  assert.match(contentType, /^application\/openmetrics-text/);
  assert.match(text(body), /# TYPE test_requests counter\ntest_requests_total\{api="Fetch"\} 7/);
  assert.match(text(body), /# EOF\n?$/);
});

function bigSnapshot(count: number): Snapshot {
  const snapshot = new Snapshot();
  for (let index = 0; index < count; index++) snapshot.add(brokerInfo, { id: String(index) }, index);
  return snapshot.add(brokers, {}, count);
}

const live = { series: (name: string) => (name === requests.name ? [{ labels: { api: 'Produce' }, value: 5 }] : undefined) };

test('a snapshot is prepared in slices before it is published: scrapes meanwhile serve the previous one without waiting, then send its prepared bytes in both formats', async () => {
  const count = 100_000;
  const store = new SeriesStore();
  store.set('cluster', bigSnapshot(10));
  store.set('agent', live);
  const view = createPrometheusView(catalogue, store, {});
  const next = bigSnapshot(count);
  let turns = 0;
  let scrapedMeanwhile: string[] | undefined;
  let turning = true;
  const turn = (): void => {
    turns++;
    if (turns === 2) void view.render(undefined).then(({ body }) => (scrapedMeanwhile ??= seriesLines(body)));
    if (turning) setImmediate(turn);
  };
  setImmediate(turn);
  await view.prepare(next);
  turning = false;
  assert.ok(turns > 2, `the event loop turned ${turns} times while ${count} series were rendered`);
  assert.equal(scrapedMeanwhile?.length, 10 + 2, 'a scrape during the preparation served the previous snapshot');

  store.set('cluster', next);
  const prometheus = (await view.render(undefined)).body;
  const openMetrics = (await view.render('application/openmetrics-text;version=1.0.0')).body;
  const atOnce = new SeriesStore();
  atOnce.set('cluster', bigSnapshot(count));
  atOnce.set('agent', live);
  assert.deepEqual(seriesLines(prometheus), seriesLines((await createPrometheusView(catalogue, atOnce, {}).render(undefined)).body));
  assert.equal(seriesLines(prometheus).length, count + 2);
  const sharedBytes = prometheus.filter((chunk) => openMetrics.includes(chunk)).reduce((sum, chunk) => sum + chunk.length, 0);
  assert.ok(sharedBytes > count * 20, `both formats send the prepared block as it is (${sharedBytes} bytes the same buffers)`);
});

test('a sealed snapshot is encoded once: later scrapes send the same bytes, while live series are rendered each time', async () => {
  const store = new SeriesStore();
  store.set('cluster', bigSnapshot(10));
  let produced = 1;
  store.set('agent', {
    series: (name: string) => (name === requests.name ? [{ labels: { api: 'Produce' }, value: produced }] : undefined),
  });
  const view = createPrometheusView(catalogue, store, {});
  const first = (await view.render(undefined)).body;
  produced = 2;
  const second = (await view.render(undefined)).body;
  assert.ok(
    first.some((chunk) => second.includes(chunk)),
    'a cached block is sent again as it is',
  );
  assert.ok(seriesLines(second).includes('test_requests_total{api="Produce"} 2'));
});

test('metrics a snapshot defines at run time follow the catalogue, both ahead of a scrape and in it', async () => {
  const store = new SeriesStore();
  const view = createPrometheusView(catalogue, store, {});
  const bytesIn: MetricDefinition = { name: 'kafka_server_bytesin_total', type: 'counter', labels: ['broker', 'topic'], help: 'Bytes in.' };
  const snapshot = new Snapshot()
    .add(brokers, {}, 3)
    .addRuntime(bytesIn, { broker: '1', topic: 'orders' }, 10)
    .addRuntime(bytesIn, { broker: '2' }, 4);
  await view.prepare(snapshot);
  store.set('jmx', snapshot);
  const { body } = await view.render(undefined);
  const lines = text(body)
    .split('\n')
    .filter((line) => /^(test_brokers|kafka_server)/.test(line) || /^# TYPE (test_brokers|kafka_server)/.test(line));
  assert.deepEqual(lines, [
    '# TYPE test_brokers gauge',
    'test_brokers 3',
    '# TYPE kafka_server_bytesin_total counter',
    'kafka_server_bytesin_total{broker="1",topic="orders"} 10',
    'kafka_server_bytesin_total{broker="2",topic=""} 4',
  ]);
  const clash: MetricDefinition = { name: 'test_brokers', type: 'counter', labels: ['broker'], help: 'Named like the catalogue.' };
  store.set('other', new Snapshot().addRuntime(clash, { broker: '1' }, 99));
  assert.deepEqual(
    store.definitions(catalogue).map((definition) => definition.name),
    ['test_brokers', 'test_broker_info', 'test_requests_total', 'kafka_server_bytesin_total'],
    'a run-time definition never replaces or repeats a catalogue one',
  );
});
