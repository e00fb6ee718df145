import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpApp } from '../../../src/api/server.ts';
import { createLogger } from '../../../src/log/logger.ts';
import type { MetricDefinition } from '../../../src/metrics/definition.ts';
import { createPrometheusView } from '../../../src/metrics/prometheus.ts';
import { SeriesStore, Snapshot } from '../../../src/metrics/series-store.ts';

const topicInfo: MetricDefinition = { name: 'test_topic_info', type: 'gauge', labels: ['topic'], help: 'Topic.' };

describe('/metrics sends the exposition in buffers', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const store = new SeriesStore();
    store.set('cluster', new Snapshot().add(topicInfo, { topic: 'zahlungen-€' }, 1).add(topicInfo, { topic: 'orders' }, 1));
    const app = createHttpApp({
      listenAddress: '127.0.0.1:0',
      telemetryPath: '/metrics',
      version: 'test',
      metrics: createPrometheusView([topicInfo], store, {}),
      readiness: () => ({ ready: true, detail: [] }),
      logger: createLogger({ level: 'error', format: 'json' }),
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('GET: a Content-Length in bytes that matches the body, multi-byte label values included', async () => {
    const response = await fetch(`${base}/metrics`);
    const body = Buffer.from(await response.arrayBuffer());
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(Number(response.headers.get('content-length')), body.length);
    assert.match(body.toString(), /test_topic_info\{topic="zahlungen-€"\} 1\ntest_topic_info\{topic="orders"\} 1\n/);
    assert.match(body.toString(), /process_cpu_seconds_total/);
  });

  it('HEAD: the headers without a body', async () => {
    const response = await fetch(`${base}/metrics`, { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.ok(Number(response.headers.get('content-length')) > 0);
    assert.equal((await response.arrayBuffer()).byteLength, 0);
  });
});
