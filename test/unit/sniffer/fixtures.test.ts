// The sniffer on real captures (see test/fixtures/sniffer/NOTES.md), checked against the ground truth
// recorded with each one: the broker's end offsets and what the clients themselves sent and received.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Exchange } from '../../../src/sniffer/events.ts';
import { acceptedByTopic } from '../../../src/sniffer/produce-outcome.ts';
import { sniffFile, sniffFixtures, type SniffedCapture } from './support/fixtures.ts';

const PRODUCE = 0;
const FETCH = 1;
const INIT_PRODUCER_ID = 22;

function sumBy(exchanges: readonly Exchange[], key: (exchange: Exchange, topic: string) => string | undefined): Map<string, number> {
  const sums = new Map<string, number>();
  for (const exchange of exchanges) {
    for (const topic of exchange.topics) {
      const name = key(exchange, topic.topic);
      if (name !== undefined && topic.records > 0) sums.set(name, (sums.get(name) ?? 0) + topic.records);
    }
  }
  return sums;
}

const consumerFetches = (exchanges: readonly Exchange[]) => exchanges.filter((e) => e.apiKey === FETCH && e.role === 'consumer');
const produces = (exchanges: readonly Exchange[]) => exchanges.filter((e) => e.apiKey === PRODUCE);

for (const { name, capture, truth } of sniffFixtures()) {
  describe(`fixture ${name}`, () => {
    let learned: SniffedCapture;
    let configured: SniffedCapture;
    before(async () => {
      learned = await sniffFile(capture);
      configured = await sniffFile(capture, { brokerPorts: truth.brokerPorts });
    });

    it('counts the records produced to each topic as the end offsets moved', () => {
      const produced = new Map<string, number>();
      for (const exchange of produces(learned.exchanges)) {
        for (const [topic, count] of acceptedByTopic(exchange)) produced.set(topic, (produced.get(topic) ?? 0) + count.records);
      }
      const withoutAcks = sumBy(
        produces(learned.exchanges).filter((e) => e.outcome === 'no-response'),
        (_e, topic) => topic,
      );
      for (const [topic, expected] of Object.entries(truth.topics)) {
        assert.equal(produced.get(topic) ?? 0, expected.produced, `${topic} produced`);
        assert.equal(produced.get(topic) ?? 0, expected.endOffsetDelta - expected.controlRecords, `${topic} end offsets`);
        assert.equal(withoutAcks.get(topic) ?? 0, expected.producedWithoutAcks, `${topic} produced with acks=0`);
      }
    });

    it("counts the records partitions refused as the producers' own count of records resent, where they gave up on none", () => {
      const refused = new Map<string, number>();
      for (const exchange of produces(learned.exchanges)) {
        for (const { topic, records } of exchange.rejected) refused.set(topic, (refused.get(topic) ?? 0) + records);
      }
      for (const [topic, expected] of Object.entries(truth.topics)) {
        if (expected.retried !== undefined) assert.equal(refused.get(topic) ?? 0, expected.retried, `${topic} records resent`);
      }
    });

    it('a consumer that read everything ends with no records left to read on any partition it fetched', () => {
      for (const [topic, expected] of Object.entries(truth.topics)) {
        for (const clientId of Object.keys(expected.consumed)) {
          const fetches = consumerFetches(learned.exchanges).filter((e) => e.clientId === clientId && e.fetchLags.length > 0);
          const last = new Map<number, number>();
          for (const fetch of fetches) {
            for (const entry of fetch.fetchLags.filter((lag) => lag.topic === topic)) {
              last.set(entry.partition, entry.lag);
            }
          }
          assert.ok(last.size > 0, `${clientId} on ${topic}: no fetch lag seen`);
          for (const [partition, lag] of last) assert.equal(lag, 0, `${clientId} on ${topic}-${partition} at the end`);
        }
      }
    });

    it('counts the records each consumer fetched as the consumer read them', () => {
      // What the application saw: fetched minus the records of aborted transactions a read_committed consumer drops.
      const fetched = sumBy(consumerFetches(learned.exchanges), (e, topic) => `${e.clientId}|${topic}`);
      for (const exchange of consumerFetches(learned.exchanges)) {
        for (const { topic, records } of exchange.aborted) {
          const key = `${exchange.clientId}|${topic}`;
          fetched.set(key, (fetched.get(key) ?? 0) - records);
        }
      }
      const expected = new Map(
        Object.entries(truth.topics).flatMap(([topic, t]) =>
          Object.entries(t.consumed).map(([clientId, count]): [string, number] => [`${clientId}|${topic}`, count]),
        ),
      );
      assert.deepEqual(fetched, expected);
      for (const [topic, t] of Object.entries(truth.topics)) {
        for (const clientId of Object.keys(t.consumed)) {
          const markers = consumerFetches(learned.exchanges)
            .filter((e) => e.clientId === clientId && e.topics.some((fetchedTopic) => fetchedTopic.topic === topic))
            .reduce((sum, e) => sum + (e.details.controlRecords ?? 0), 0);
          assert.equal(markers, t.controlRecords, `${clientId}: ${topic} transaction markers fetched`);
        }
      }
    });

    it('counts the same records when every produce request and fetch response over 512 bytes is decoded as it passes, never buffered whole', async () => {
      const streamed = await sniffFile(capture, { maxFrameBytes: 512 });
      const producedSummary = (sniffed: SniffedCapture) =>
        produces(sniffed.exchanges).map((e) => [
          e.correlationId,
          e.outcome,
          e.details.acks,
          [...acceptedByTopic(e)],
          e.rejected,
          e.sequences,
          e.details.transactional,
        ]);
      assert.deepEqual(producedSummary(streamed), producedSummary(learned), 'produce requests streamed or whole say the same');
      assert.ok(
        produces(streamed.exchanges).some((e) => e.requestBytes > 512),
        'some produce requests were streamed',
      );
      const fetches = consumerFetches(streamed.exchanges);
      const seen = sumBy(fetches, (e, topic) => `${e.clientId}|${topic}`);
      for (const exchange of fetches) {
        for (const { topic, records } of exchange.aborted) {
          const key = `${exchange.clientId}|${topic}`;
          seen.set(key, (seen.get(key) ?? 0) - records);
        }
      }
      for (const [topic, t] of Object.entries(truth.topics)) {
        for (const [clientId, count] of Object.entries(t.consumed))
          assert.equal(seen.get(`${clientId}|${topic}`) ?? 0, count, `${clientId} on ${topic}`);
      }
      const recordsFetched = Object.values(truth.topics).some((t) => Object.values(t.consumed).some((count) => count > 0));
      if (recordsFetched) assert.ok(streamed.result.sniffer.framing.oversizeFrames > 0, 'some fetch responses were streamed');
      assert.deepEqual(
        fetches.filter((e) => e.problem !== undefined && e.apiKey === FETCH && e.apiVersion >= 4).map((e) => e.problem),
        [],
        'no streamed response left a problem',
      );
      assert.deepEqual(
        produces(streamed.exchanges).flatMap((e) => e.problem ?? []),
        [],
        'no streamed request left a problem',
      );
    });

    it('names the producers and consumers by client id, with their software', () => {
      const producers = new Set(produces(learned.exchanges).map((e) => e.clientId));
      const consumers = new Set(consumerFetches(learned.exchanges).map((e) => e.clientId));
      assert.deepEqual(producers, new Set(truth.clients.filter((c) => c.role === 'producer').map((c) => c.clientId)));
      assert.deepEqual(consumers, new Set(truth.clients.filter((c) => c.role === 'consumer').map((c) => c.clientId)));
      for (const client of truth.clients) {
        // Software is told per connection (ApiVersions v3+); a client need not send it on every connection.
        const software = new Set(
          learned.exchanges.filter((e) => e.clientId === client.clientId).flatMap((e) => e.connection.software?.name ?? []),
        );
        assert.deepEqual(software, new Set(client.software === null ? [] : [client.software]), `software of ${client.clientId}`);
        const ownProduces = produces(learned.exchanges).filter((e) => e.clientId === client.clientId);
        if (client.acks !== undefined)
          assert.deepEqual(new Set(ownProduces.map((e) => e.details.acks)), new Set([client.acks]), `acks of ${client.clientId}`);
        if (client.compression !== undefined) {
          for (const produce of ownProduces)
            assert.ok(produce.details.compression?.includes(client.compression), `${client.clientId} compression`);
        }
      }
    });

    it('follows the consumer groups, their members and subscriptions', () => {
      for (const group of truth.groups) {
        const own = learned.exchanges.filter((e) => e.details.groupId === group.groupId);
        assert.deepEqual(new Set(own.map((e) => e.clientId)), new Set(group.clientIds), `${group.groupId} clients`);
        const membership = group.protocol === 'classic' ? 'JoinGroup' : 'ConsumerGroupHeartbeat';
        assert.ok(
          own.some((e) => e.apiName === membership && e.details.memberId !== undefined),
          `${group.groupId} ${membership} with a member id`,
        );
        const subscribed = new Set(own.flatMap((e) => e.details.subscribedTopics ?? []));
        assert.deepEqual(subscribed, new Set(group.topics), `${group.groupId} subscription`);
      }
    });

    it('reads the SASL mechanism and principal of authenticated clients, and the transactional ids', () => {
      for (const client of truth.clients) {
        const sasl = new Set(
          learned.exchanges.filter((e) => e.clientId === client.clientId).map((e) => JSON.stringify(e.connection.sasl ?? null)),
        );
        const expected =
          client.principal === undefined ? null : { mechanism: client.mechanism, principal: client.principal, authenticated: true };
        assert.deepEqual(sasl, new Set([JSON.stringify(expected)]), `SASL of ${client.clientId}`);
      }
      const transactionalIds = new Set(
        learned.exchanges.filter((e) => e.apiKey === INIT_PRODUCER_ID && e.details.transactionalId).map((e) => e.details.transactionalId),
      );
      assert.deepEqual(transactionalIds, new Set(truth.transactionalIds));
    });

    it('decodes every frame of the capture', () => {
      const counters = learned.result.sniffer;
      assert.equal(counters.undecodableRequests, 0);
      assert.equal(counters.undecodableBodies, 0);
      assert.equal(counters.responsesWithoutRequest, 0);
      assert.equal(counters.framing.damagedFrames, 0);
      // Brokers' replica fetchers connect before the capture starts: the sniffer joins those mid-stream, hunting a frame start.
      if (!learned.connections.some((c) => c.midStream)) assert.equal(counters.framing.huntedBytes, 0);
      const stopped = new Set(truth.stoppedBrokerPorts ?? []);
      // A stopped broker refuses connections (its port answers the SYN with a reset): they carry no Kafka bytes.
      if (stopped.size === 0) assert.equal(counters.otherConnections, 0);
      assert.deepEqual(
        learned.exchanges.filter((e) => e.problem !== undefined).map((e) => e.problem),
        [],
      );
      // Brokers' replica fetchers long-poll without pause: the end of the capture cuts their last fetch short.
      const unanswered = learned.exchanges.filter(
        (e) => e.outcome === 'unanswered' && !stopped.has(e.connection.broker.port) && e.role !== 'follower',
      );
      assert.deepEqual(
        unanswered.map((e) => `${e.apiName} ${e.correlationId}`),
        [],
      );
      assert.equal(counters.requests, learned.exchanges.length);
    });

    it('gives the same exchanges with configured broker ports as when it learns the broker side', () => {
      const summary = (capture: SniffedCapture) =>
        capture.exchanges.map(
          (e) => `${e.connection.client.port} ${e.apiName} v${e.apiVersion} #${e.correlationId} ${e.outcome} ${e.records}`,
        );
      assert.deepEqual(summary(configured), summary(learned));
      assert.ok(configured.connections.every((c) => c.directionEvidence === 'broker-port'));
      assert.ok(learned.connections.every((c) => c.directionEvidence !== 'broker-port'));
    });
  });
}
