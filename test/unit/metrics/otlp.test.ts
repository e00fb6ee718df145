import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { MetricDefinition } from '../../../src/metrics/definition.ts';
import { otlpMetricName, startOtlpPush } from '../../../src/metrics/otlp.ts';
import { SeriesStore, Snapshot } from '../../../src/metrics/series-store.ts';

const lag: MetricDefinition = { name: 'test_lag', type: 'gauge', labels: ['group'], help: 'Lag.', unit: '1' };
const bytes: MetricDefinition = { name: 'test_bytes_total', type: 'counter', labels: [], help: 'Bytes.', unit: 'By' };

interface OtlpDataPoint { asInt?: string | number; asDouble?: number; attributes: { key: string; value: { stringValue?: string } }[] }
interface OtlpMetric { name: string; unit?: string; gauge?: { dataPoints: OtlpDataPoint[] }; sum?: { dataPoints: OtlpDataPoint[]; isMonotonic?: boolean } }

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
  store.set('x', new Snapshot().add(lag, { group: 'billing' }, 12).add(bytes, {}, 4096));
  const push = startOtlpPush([lag, bytes], store, {
    endpoint: `http://127.0.0.1:${port}/v1/metrics`, intervalSeconds: 3600, headers: { 'x-tenant': 'ops' },
    serviceVersion: '9.9.9', defaultLabels: { cluster: 'east' },
  });
  try {
    await push.flush();
    assert.equal(bodies.length, 1);
    assert.deepEqual(headers, ['ops']);
    const metrics = (bodies[0] as { resourceMetrics: { scopeMetrics: { metrics: OtlpMetric[] }[] }[] })
      .resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    const byName = new Map(metrics.map((metric) => [metric.name, metric]));
    const lagPoint = byName.get('test_lag')!.gauge!.dataPoints[0]!;
    assert.equal(Number(lagPoint.asDouble ?? lagPoint.asInt), 12);
    assert.deepEqual(lagPoint.attributes.map(({ key, value }) => [key, value.stringValue]).sort(), [['cluster', 'east'], ['group', 'billing']]);
    const bytesMetric = byName.get('test_bytes')!;
    assert.equal(bytesMetric.unit, 'By');
    assert.equal(bytesMetric.sum!.isMonotonic, true);
    const bytesPoint = bytesMetric.sum!.dataPoints[0]!;
    assert.equal(Number(bytesPoint.asDouble ?? bytesPoint.asInt), 4096);
  } finally {
    await push.shutdown();
    receiver.close();
  }
});
