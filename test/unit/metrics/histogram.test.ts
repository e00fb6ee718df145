import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HistogramAccumulator, type MetricDefinition } from '../../../src/metrics/definition.ts';
import { createPrometheusView } from '../../../src/metrics/prometheus.ts';
import { SeriesStore, Snapshot } from '../../../src/metrics/series-store.ts';

const latency: MetricDefinition = {
  name: 'test_latency_seconds',
  type: 'histogram',
  labels: ['api'],
  help: 'Latency.',
  unit: 's',
  buckets: [0.01, 0.1, 1],
};

function observed(...values: number[]): HistogramAccumulator {
  const histogram = new HistogramAccumulator(latency.buckets!);
  for (const value of values) histogram.observe(value);
  return histogram;
}

test('an observation lands in the first bucket whose bound is not below it; the last bucket is +Inf', () => {
  const histogram = observed(0.01, 0.02, 0.5, 1, 7);
  assert.deepEqual(histogram.counts, [1, 1, 2, 1]);
  assert.equal(histogram.count, 5);
  assert.equal(histogram.sum, 8.53);
});

test('a frozen copy does not move with later observations', () => {
  const histogram = observed(0.5);
  const frozen = histogram.freeze();
  histogram.observe(0.5);
  assert.deepEqual(frozen.counts, [0, 0, 1, 0]);
});

test('renders cumulative _bucket lines with le, then _sum and _count, with the default labels', async () => {
  const store = new SeriesStore();
  store.set('a', new Snapshot().addHistogram(latency, { api: 'Produce' }, observed(0.005, 0.05, 0.05, 3).freeze()));
  const view = createPrometheusView([latency], store, { cluster: 'east' });
  const body = Buffer.concat((await view.render(undefined)).body).toString();
  assert.match(body, /# TYPE test_latency_seconds histogram/);
  assert.deepEqual(
    body.split('\n').filter((line) => line.startsWith('test_')),
    [
      'test_latency_seconds_bucket{api="Produce",cluster="east",le="0.01"} 1',
      'test_latency_seconds_bucket{api="Produce",cluster="east",le="0.1"} 3',
      'test_latency_seconds_bucket{api="Produce",cluster="east",le="1"} 3',
      'test_latency_seconds_bucket{api="Produce",cluster="east",le="+Inf"} 4',
      'test_latency_seconds_sum{api="Produce",cluster="east"} 3.105',
      'test_latency_seconds_count{api="Produce",cluster="east"} 4',
    ],
  );
  const openMetrics = Buffer.concat((await view.render('application/openmetrics-text')).body).toString();
  assert.match(openMetrics, /# TYPE test_latency_seconds histogram\n/);
  assert.match(openMetrics, /test_latency_seconds_bucket\{api="Produce",cluster="east",le="\+Inf"\} 4\n/);
});

test('a histogram counts as one series against the budget and must match its bounds', () => {
  const snapshot = new Snapshot(1);
  snapshot.addHistogram(latency, { api: 'A' }, observed(1).freeze()).addHistogram(latency, { api: 'B' }, observed(1).freeze());
  assert.equal(snapshot.size, 1);
  assert.equal(snapshot.dropped, 1);
  assert.throws(() => new Snapshot().addHistogram(latency, {}, { counts: [1], sum: 1 }), /bucket counts do not match/);
});
