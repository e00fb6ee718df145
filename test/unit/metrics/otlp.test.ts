import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HistogramAccumulator, type MetricDefinition } from '../../../src/metrics/definition.ts';
import { otlpMetricName, startOtlpPush } from '../../../src/metrics/otlp.ts';
import { SeriesStore, Snapshot } from '../../../src/metrics/series-store.ts';

const lag: MetricDefinition = { name: 'test_lag', type: 'gauge', labels: ['group'], help: 'Lag.', unit: '1' };
const bytes: MetricDefinition = { name: 'test_bytes_total', type: 'counter', labels: [], help: 'Bytes.', unit: 'By' };
const latency: MetricDefinition = {
  name: 'test_latency_seconds',
  type: 'histogram',
  labels: ['api'],
  help: 'Latency.',
  unit: 's',
  buckets: [0.1, 1],
};

interface OtlpDataPoint {
  asInt?: string | number;
  asDouble?: number;
  attributes: { key: string; value: { stringValue?: string } }[];
}
interface OtlpHistogramPoint {
  count: string | number;
  sum: number;
  bucketCounts: (string | number)[];
  explicitBounds: number[];
  attributes: OtlpDataPoint['attributes'];
}
interface OtlpMetric {
  name: string;
  unit?: string;
  gauge?: { dataPoints: OtlpDataPoint[] };
  sum?: { dataPoints: OtlpDataPoint[]; isMonotonic?: boolean };
  histogram?: { dataPoints: OtlpHistogramPoint[]; aggregationTemporality?: number };
}

test('counter names lose _total for OpenTelemetry', () => {
  assert.equal(otlpMetricName(bytes), 'test_bytes');
  assert.equal(otlpMetricName(lag), 'test_lag');
});

test('pushes the same state as /metrics to an OTLP/HTTP receiver', async () => {
  const bodies: unknown[] = [];
  const headers: string[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      headers.push(String(request.headers['x-tenant']));
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;

  const store = new SeriesStore();
  const observations = new HistogramAccumulator(latency.buckets!);
  for (const value of [0.05, 0.5, 0.7, 3]) observations.observe(value);
  store.set(
    'x',
    new Snapshot().add(lag, { group: 'billing' }, 12).add(bytes, {}, 4096).addHistogram(latency, { api: 'Fetch' }, observations.freeze()),
  );
  const push = startOtlpPush([lag, bytes, latency], store, {
    endpoint: `http://127.0.0.1:${port}/v1/metrics`,
    intervalSeconds: 3600,
    headers: { 'x-tenant': 'ops' },
    serviceVersion: '9.9.9',
    defaultLabels: { cluster: 'east' },
  });
  try {
    await push.flush();
    assert.equal(bodies.length, 1);
    assert.deepEqual(headers, ['ops']);
    const metrics = (bodies[0] as { resourceMetrics: { scopeMetrics: { metrics: OtlpMetric[] }[] }[] }).resourceMetrics[0]!.scopeMetrics[0]!
      .metrics;
    const byName = new Map(metrics.map((metric) => [metric.name, metric]));
    const lagPoint = byName.get('test_lag')!.gauge!.dataPoints[0]!;
    assert.equal(Number(lagPoint.asDouble ?? lagPoint.asInt), 12);
    assert.deepEqual(lagPoint.attributes.map(({ key, value }) => [key, value.stringValue]).sort(), [
      ['cluster', 'east'],
      ['group', 'billing'],
    ]);
    const bytesMetric = byName.get('test_bytes')!;
    assert.equal(bytesMetric.unit, 'By');
    assert.equal(bytesMetric.sum!.isMonotonic, true);
    const bytesPoint = bytesMetric.sum!.dataPoints[0]!;
    assert.equal(Number(bytesPoint.asDouble ?? bytesPoint.asInt), 4096);
    const latencyMetric = byName.get('test_latency_seconds')!;
    assert.equal(latencyMetric.unit, 's');
    const latencyPoint = latencyMetric.histogram!.dataPoints[0]!;
    assert.deepEqual(latencyPoint.explicitBounds, [0.1, 1]);
    assert.deepEqual(latencyPoint.bucketCounts.map(Number), [1, 2, 1]);
    assert.equal(Number(latencyPoint.count), 4);
    assert.equal(latencyPoint.sum, 4.25);
    assert.deepEqual(latencyPoint.attributes.map(({ key, value }) => [key, value.stringValue]).sort(), [
      ['api', 'Fetch'],
      ['cluster', 'east'],
    ]);
  } finally {
    await push.shutdown();
    receiver.close();
  }
});
