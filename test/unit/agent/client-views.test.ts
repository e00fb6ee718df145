import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server } from 'node:http';
import { parseConnectionFilter } from '../../../src/api/client-views.ts';
import { createHttpApp } from '../../../src/api/server.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { SNIFFER_FIXTURES } from '../sniffer/support/fixtures.ts';
import { agentOnCapture, type Agentlike } from './support.ts';

describe('/clients and /topics/{topic}/clients', () => {
  let agent: Agentlike;
  let server: Server;
  let base: string;
  before(async () => {
    agent = await agentOnCapture(join(SNIFFER_FIXTURES, 'codecs-kraft.pcap'));
    const app = createHttpApp({
      listenAddress: '127.0.0.1:0',
      telemetryPath: '/metrics',
      version: 'test',
      metrics: { render: async () => ({ contentType: 'text/plain', body: [] }), prepare: async () => {} },
      readiness: () => ({ ready: true, detail: [] }),
      logger: createLogger({ level: 'error', format: 'json' }),
      clients: { connections: (filter) => agent.connections.entries(filter), topicClients: (topic) => agent.clients.topicClients(topic) },
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const get = async (path: string) => {
    const response = await fetch(base + path);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('lists one entry per connection, with who, what and how much', async () => {
    const { status, body } = await get('/clients');
    assert.equal(status, 200);
    assert.equal(body.count, 8);
    const entry = (body.connections as Record<string, unknown>[]).find((c) => c.clientId === 'kcat-gzip')!;
    assert.equal(entry.role, 'producer');
    assert.equal(entry.software, 'librdkafka 2.0.2');
    assert.equal(entry.recordsProduced, 200);
    assert.deepEqual(entry.topics, ['sniff-gzip']);
    assert.deepEqual(entry.requests, { ApiVersions: 1, Metadata: 1, Produce: 1 });
    assert.match(String(entry.broker), /^127\.0\.0\.1:23926$/);
    assert.match(String(entry.client), /^127\.0\.0\.1:\d+$/);
    assert.ok(Number(entry.bytesIn) > 0 && Number(entry.bytesOut) > 0);
    assert.ok(String(entry.start) <= String(entry.lastSeen));
  });

  it('filters by role, topic and client id', async () => {
    const ids = async (query: string) =>
      ((await get(`/clients?${query}`)).body.connections as { clientId: string }[]).map((c) => c.clientId).sort();
    assert.deepEqual(await ids('role=producer'), ['kcat-gzip', 'kcat-lz4', 'kcat-snappy', 'kcat-zstd']);
    assert.deepEqual(await ids('topic=sniff-lz4'), ['kcat-lz4', 'kcat-reader-lz4']);
    assert.deepEqual(await ids('role=consumer&topic=sniff-lz4'), ['kcat-reader-lz4']);
    assert.deepEqual(await ids('client_id=kcat-zstd'), ['kcat-zstd']);
    assert.deepEqual(await ids('role=follower'), []);
  });

  it("shows each connection's pod and namespace (empty without the pod mapping) and filters by them", async () => {
    const { body } = await get('/clients');
    for (const entry of body.connections as Record<string, unknown>[]) assert.deepEqual([entry.pod, entry.namespace], ['', '']);
    assert.equal((await get('/clients?namespace=shop')).body.count, 0);
    assert.equal((await get('/clients?pod=orders-1&namespace=shop')).body.count, 0);
    assert.equal((await get('/clients?pod=&namespace=')).body.count, 8);
  });

  it('refuses an unknown filter instead of ignoring it', async () => {
    const { status, body } = await get('/clients?rol=producer');
    assert.equal(status, 400);
    assert.match(String(body.error), /unknown filter "rol"/);
    assert.match(String(parseConnectionFilter({ topic: ['a', 'b'] })), /takes one value/);
  });

  it('tells who writes to and who reads from a topic', async () => {
    const { body } = await get('/topics/sniff-snappy/clients');
    assert.deepEqual(body, {
      topic: 'sniff-snappy',
      producers: [
        {
          clientAddress: '127.0.0.1',
          clientId: 'kcat-snappy',
          role: 'producer',
          records: 200,
          bytes: (body.producers as { bytes: number }[])[0]!.bytes,
        },
      ],
      consumers: [
        {
          clientAddress: '127.0.0.1',
          clientId: 'kcat-reader-snappy',
          role: 'consumer',
          records: 200,
          bytes: (body.consumers as { bytes: number }[])[0]!.bytes,
        },
      ],
      followers: [],
    });
  });
});

describe('without the sniffer', () => {
  it('/clients says how to turn it on', async () => {
    const app = createHttpApp({
      listenAddress: '127.0.0.1:0',
      telemetryPath: '/metrics',
      version: 'test',
      metrics: { render: async () => ({ contentType: 'text/plain', body: [] }), prepare: async () => {} },
      readiness: () => ({ ready: true, detail: [] }),
      logger: createLogger({ level: 'error', format: 'json' }),
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/clients`);
      assert.equal(response.status, 404);
      assert.match(String(((await response.json()) as { error: string }).error), /--sniff\.interface/);
    } finally {
      server.close();
    }
  });
});
