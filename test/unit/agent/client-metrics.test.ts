// The client metrics on the real captures of test/fixtures/sniffer, against their recorded ground truth.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { EVICTABLE_AFTER_MS } from '../../../src/agent/client-metrics.ts';
import { sniffFile, sniffFixtures, SNIFFER_FIXTURES } from '../sniffer/support/fixtures.ts';
import { agentOnCapture, sumBy, type Agentlike } from './support.ts';

for (const { name, capture, truth } of sniffFixtures()) {
  describe(`client metrics of ${name}`, () => {
    let agent: Agentlike;
    before(async () => {
      agent = await agentOnCapture(capture);
    });

    it('records produced per topic, committed and aborted, equal the end offset delta', () => {
      const produced = sumBy(agent.clients.snapshot(), 'kafka_client_produce_records_total', 'topic');
      for (const [topic, aborted] of sumBy(agent.clients.snapshot(), 'kafka_client_produce_aborted_records_total', 'topic')) {
        produced.set(topic, (produced.get(topic) ?? 0) + aborted);
      }
      for (const [topic, expected] of Object.entries(truth.topics))
        assert.equal(produced.get(topic) ?? 0, expected.produced, `${topic} produced`);
    });

    it('the idempotent producers of a complete capture skipped no sequence, and retried only where they said they resent records', () => {
      const snapshot = agent.clients.snapshot();
      const resentTopics = Object.entries(truth.topics)
        .filter(([, topic]) => (topic.retried ?? 0) > 0)
        .map(([name]) => name);
      assert.deepEqual([...sumBy(snapshot, 'kafka_client_produce_retried_batches_total', 'topic').keys()], resentTopics);
      assert.deepEqual([...sumBy(snapshot, 'kafka_client_produce_sequence_gaps_total', 'topic')], []);
    });

    it('records fetched per consumer and topic equal what each consumer received', () => {
      const fetched = sumBy(agent.clients.snapshot(), 'kafka_client_fetch_records_total', 'client_id', 'topic');
      // fetched minus the records of aborted transactions is what a read_committed consumer's application saw
      for (const [key, aborted] of sumBy(agent.clients.snapshot(), 'kafka_client_fetch_aborted_records_total', 'client_id', 'topic')) {
        fetched.set(key, (fetched.get(key) ?? 0) - aborted);
      }
      for (const [topic, expected] of Object.entries(truth.topics)) {
        for (const [clientId, records] of Object.entries(expected.consumed))
          assert.equal(fetched.get(`${clientId} ${topic}`), records, `${clientId} on ${topic}`);
      }
      const expectedTotal = Object.values(truth.topics)
        .flatMap((topic) => Object.values(topic.consumed))
        .reduce((a, b) => a + b, 0);
      assert.equal(
        [...fetched.values()].reduce((a, b) => a + b, 0),
        expectedTotal,
        'no other fetch records',
      );
    });

    it('tells producers and consumers apart', () => {
      const roles = sumBy(agent.clients.snapshot(), 'kafka_client_info', 'client_id', 'role');
      for (const client of truth.clients) {
        const role = client.role === 'consumer' ? 'consumer' : 'producer';
        assert.ok(roles.has(`${client.clientId} ${role}`), `${client.clientId} is a ${role}: ${[...roles.keys()].join(', ')}`);
      }
    });

    it('lists every connection of the capture in /clients, with its records', () => {
      const entries = agent.connections.entries();
      const produced = entries.reduce((sum, entry) => sum + entry.recordsProduced, 0);
      assert.equal(
        produced,
        Object.values(truth.topics).reduce((sum, topic) => sum + topic.produced, 0),
      );
      for (const entry of entries) assert.equal(entry.state, 'closed');
    });
  });
}

describe('client metrics details', () => {
  it('holds transactional records until the EndTxn: aborted ones apart (kafkajs aborted 10 of 40, and 10 of 60)', async () => {
    for (const [capture, topic, committed] of [
      ['kafkajs-zk.pcap', 'sniff-kafkajs-tx', 30],
      ['aborted-kraft.pcap', 'sniff-aborted', 50],
    ] as const) {
      const snapshot = (await agentOnCapture(join(SNIFFER_FIXTURES, capture))).clients.snapshot();
      assert.equal(sumBy(snapshot, 'kafka_client_produce_records_total', 'topic').get(topic), committed, capture);
      assert.equal(sumBy(snapshot, 'kafka_client_produce_aborted_records_total', 'topic').get(topic), 10, capture);
      assert.equal(snapshot.series('kafka_sonar_sniffer_pending_transactions')?.[0]?.value, 0, `${capture}: every transaction ended`);
    }
  });

  it("labels requests and bytes with the broker id the Metadata responses name (the fixtures' broker is node 1)", async () => {
    const snapshot = (await agentOnCapture(join(SNIFFER_FIXTURES, 'kcat-kraft.pcap'))).clients.snapshot();
    for (const family of ['kafka_client_requests_total', 'kafka_client_request_bytes_total', 'kafka_client_response_bytes_total']) {
      assert.deepEqual([...new Set(snapshot.series(family)!.map((sample) => sample.labels.broker))], ['1'], family);
    }
  });

  it("shows each producer's id, epoch and transactional id in /clients", async () => {
    const agent = await agentOnCapture(join(SNIFFER_FIXTURES, 'aborted-kraft.pcap'));
    const producers = agent.connections.entries().filter((entry) => entry.producer !== undefined);
    assert.ok(producers.some((entry) => entry.clientId === 'kafkajs-aborting' && entry.producer!.transactionalId === 'sniff-aborting-tx'));
    for (const entry of producers) assert.match(entry.producer!.id, /^\d+$/);
  });

  it('counts the records a broker refused apart, by error: refused-kraft, where kcat reported 50 of 150 refused', async () => {
    const agent = await agentOnCapture(join(SNIFFER_FIXTURES, 'refused-kraft.pcap'));
    const snapshot = agent.clients.snapshot();
    assert.equal(sumBy(snapshot, 'kafka_client_produce_records_total', 'topic').get('sniff-refused'), 100);
    assert.deepEqual(
      [...sumBy(snapshot, 'kafka_client_produce_failed_records_total', 'client_id', 'topic', 'error')],
      [['kcat-refused sniff-refused MESSAGE_TOO_LARGE', 50]],
    );
  });

  it('counts requests by API and outcome, bytes, batches, latency, and connections', async () => {
    const agent = await agentOnCapture(join(SNIFFER_FIXTURES, 'kcat-kraft.pcap'));
    const snapshot = agent.clients.snapshot();
    const requests = sumBy(snapshot, 'kafka_client_requests_total', 'client_id', 'api', 'outcome');
    assert.equal(requests.get('kcat-producer Produce NONE'), 3);
    assert.equal(requests.get('kcat-consumer JoinGroup MEMBER_ID_REQUIRED'), 1, 'outcomes are error code names');
    assert.ok((requests.get('kcat-consumer Fetch NONE') ?? 0) > 0);
    assert.ok((sumBy(snapshot, 'kafka_client_produce_batches_total', 'client_id').get('kcat-producer') ?? 0) >= 1);
    assert.ok((sumBy(snapshot, 'kafka_client_request_bytes_total', 'client_id').get('kcat-producer') ?? 0) > 16_000);
    const fetchLatency = snapshot.series('kafka_client_fetch_latency_seconds')!;
    assert.deepEqual(
      fetchLatency.map((sample) => sample.labels.client_id),
      ['kcat-consumer'],
    );
    assert.equal(fetchLatency[0]!.value, requests.get('kcat-consumer Fetch NONE'));
    const produceLatency = snapshot.series('kafka_client_request_latency_seconds')!.find((s) => s.labels.api === 'Produce')!;
    assert.equal(produceLatency.value, 3);
    assert.ok(produceLatency.histogram!.sum > 0);
    assert.ok(
      !snapshot.series('kafka_client_request_latency_seconds')!.some((s) => s.labels.api === 'Fetch'),
      'Fetch latency is kept apart',
    );
    assert.deepEqual([...sumBy(snapshot, 'kafka_client_connections', 'client_id').values()], [0, 0], 'every connection closed');
  });

  it('broker-to-broker traffic is a follower, never a consumer', async () => {
    const agent = await agentOnCapture(join(SNIFFER_FIXTURES, 'kafkajs-zk.pcap'));
    const roles = sumBy(agent.clients.snapshot(), 'kafka_client_info', 'client_id', 'role');
    assert.ok(roles.has('broker-1-txn-marker-sender follower'), [...roles.keys()].join(', '));
    assert.ok(roles.has('sniff-kafkajs-group-client consumer'));
  });

  it('forgets clients idle longer than the timeout, with their series', async () => {
    let now = 1_000_000;
    const agent = await agentOnCapture(join(SNIFFER_FIXTURES, 'kcat-kraft.pcap'), { now: () => now });
    assert.equal(agent.clients.size, 2);
    now += 59_000;
    assert.equal(agent.clients.expire(60_000), 0);
    now += 2_000;
    assert.equal(agent.clients.expire(60_000), 2);
    assert.equal(agent.clients.snapshot().series('kafka_client_info'), undefined);
  });

  it('counts the requests of clients beyond the budget, and series beyond the series budget', async () => {
    const capture = join(SNIFFER_FIXTURES, 'codecs-kraft.pcap');
    const fewClients = await agentOnCapture(capture, { maxClients: 3 });
    const snapshot = fewClients.clients.snapshot();
    assert.equal(snapshot.series('kafka_client_info')!.length, 3);
    assert.ok(fewClients.clients.dropped > 0);
    assert.equal(snapshot.series('kafka_sonar_sniffer_clients_dropped_total')![0]!.value, fewClients.clients.dropped);

    const fewSeries = (await agentOnCapture(capture, { maxSeries: 10 })).clients.snapshot();
    assert.equal(fewSeries.size, 10);
    assert.equal(fewSeries.series('kafka_client_info')!.length, 8, 'info series come first');
    assert.ok(fewSeries.series('kafka_sonar_series_dropped_total')![0]!.value > 0);
  });

  it('when full, a new client takes the place of the least recently active one once that one has been silent a minute', async () => {
    const capture = join(SNIFFER_FIXTURES, 'codecs-kraft.pcap');
    // Every reading of the clock is a minute after the last: every client is silent long enough to make room.
    let now = 0;
    const agent = await agentOnCapture(capture, { maxClients: 3, now: () => (now += EVICTABLE_AFTER_MS) });
    const { exchanges } = await sniffFile(capture);
    const lastActive = new Map<string, number>();
    exchanges.forEach((exchange, index) => lastActive.set(exchange.clientId ?? '', index));
    const mostRecent = [...lastActive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([clientId]) => clientId);
    const kept = [...sumBy(agent.clients.snapshot(), 'kafka_client_info', 'client_id').keys()];
    assert.deepEqual(kept.sort(), mostRecent.sort());
    assert.equal(agent.clients.dropped, 0);
    assert.ok(agent.clients.evicted >= lastActive.size - 3, `${agent.clients.evicted} evicted of ${lastActive.size} clients`);
    assert.equal(agent.clients.snapshot().series('kafka_sonar_sniffer_clients_evicted_total')![0]!.value, agent.clients.evicted);
  });

  it('labels with the original client address when a resolver knows it, and shows both in /clients', async () => {
    const agent = await agentOnCapture(join(SNIFFER_FIXTURES, 'kcat-kraft.pcap'), {
      resolver: { originalClient: (client) => ({ ip: '10.1.2.3', port: client.port + 1 }) },
    });
    assert.deepEqual([...sumBy(agent.clients.snapshot(), 'kafka_client_info', 'client_address').keys()], ['10.1.2.3']);
    const entry = agent.connections.entries()[0]!;
    assert.equal(entry.clientAddress, '10.1.2.3');
    assert.match(entry.client, /^127\.0\.0\.1:\d+$/);
    assert.equal(entry.originalClient, `10.1.2.3:${Number(entry.client.split(':')[1]) + 1}`);
  });
});
