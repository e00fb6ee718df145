import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricDefinition } from '../../../src/metrics/definition.ts';
import { createPrometheusView } from '../../../src/metrics/prometheus.ts';
import { SeriesStore, Snapshot } from '../../../src/metrics/series-store.ts';

const brokers: MetricDefinition = { name: 'test_brokers', type: 'gauge', labels: [], help: 'Brokers.' };
const brokerInfo: MetricDefinition = { name: 'test_broker_info', type: 'gauge', labels: ['id'], help: 'Broker.' };
const requests: MetricDefinition = { name: 'test_requests_total', type: 'counter', labels: ['api'], help: 'Requests.' };
const catalogue = [brokers, brokerInfo, requests];

function seriesLines(body: string): string[] {
  return body.split('\n').filter((line) => line.startsWith('test_'));
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
  assert.match(body, /# TYPE test_requests_total counter/);
  assert.match(body, /process_cpu_seconds_total/);
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
  assert.match(body, /# TYPE test_requests counter\ntest_requests_total\{api="Fetch"\} 7/);
  assert.match(body, /# EOF\n?$/);
});
