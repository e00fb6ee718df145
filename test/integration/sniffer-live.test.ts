// The live agent capturing on loopback while real clients (kcat, Kafka's Java tools,
// @platformatic/kafka, kafkajs) produce and consume known amounts: its per-client records and
// topics must equal the ground truth exactly, and replication must never count as consumption.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { propertiesFile, SCENARIOS, type ScenarioResult } from '../fixtures/sniffer/record/scenarios.ts';
import { endOffsets } from '../fixtures/sniffer/record/offsets.ts';
import { freePort, startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { startExporterInPod } from './support/pod-exporter.ts';
import { createSelfSignedCertificate } from '../testbed/tls.ts';
import { run } from '../support/netns.ts';
import { waitUntil } from '../support/wait.ts';
import { Kafka, logLevel } from 'kafkajs';
import { createTopic, produceMessages } from '../support/kafka-clients.ts';
import { scrape, scrapeUntil, sumsBy, valueOf, waitForScrape, type Series } from '../support/scrape.ts';
import { kafkaToolMainClasses, runKafkaTool, testbedUp, uniqueName, type Testbed } from '../testbed/index.ts';

const LIVE_SCENARIOS = ['kcat-kraft', 'java-console-kraft', 'platformatic-kip848-kraft'];

describe('capture that cannot start', () => {
  it('says so in one line, exports kafka_sonar_capture_up 0 and keeps serving', async () => {
    const exporter = await startExporterProcess(['--sniff.interface=no-such-if0', '--log.format=logfmt']);
    try {
      const series = await waitForScrape(
        exporter.url,
        'capture_up',
        (all) => all.some((entry) => entry.name === 'kafka_sonar_capture_up'),
        10_000,
      );
      assert.deepEqual(
        series.filter((entry) => entry.name === 'kafka_sonar_capture_up').map((entry) => [entry.labels.source, entry.value]),
        [['no-such-if0', 0]],
      );
      assert.ok((await fetch(`${exporter.url}/healthz`)).ok);
      assert.equal((await fetch(`${exporter.url}/clients`)).status, 200);
      const lines = exporter
        .stderr()
        .split('\n')
        .filter((line) => line.includes('capture unavailable'));
      assert.equal(lines.length, 1, exporter.stderr());
      assert.match(lines[0]!, /no-such-if0/);
    } finally {
      await exporter.stop();
    }
  });
});

describe('a capture whose interface goes away', () => {
  it('reports the capture down in one line and keeps serving, then resumes by itself when the interface is back', async (t) => {
    const name = `sonar-rm${process.pid % 10_000}`;
    const addPair = async () => {
      await run('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`]);
      await run('ip', ['link', 'set', name, 'up']);
      await run('ip', ['link', 'set', `${name}p`, 'up']);
    };
    const captureUp = async (url: string) => valueOf((await scrape(url)).series, 'kafka_sonar_capture_up', { source: name });
    await run('ip', ['link', 'del', name]).catch(() => undefined);
    await addPair();
    const exporter = await startExporterProcess([`--sniff.interface=${name}`, '--log.format=logfmt']);
    try {
      await waitUntil('the capture to run', async () => (await captureUp(exporter.url)) === 1);
      await run('ip', ['link', 'del', name]);
      const removed = Date.now();
      await waitUntil('the capture reported down', async () => (await captureUp(exporter.url)) === 0);
      assert.equal(exporter.child.exitCode, null, 'the exporter is still running');
      assert.ok((await fetch(`${exporter.url}/healthz`)).ok);
      const failures = () =>
        exporter
          .stderr()
          .split('\n')
          .filter((line) => line.includes('failed') && line.includes(name));
      assert.equal(failures().length, 1, exporter.stderr());
      t.diagnostic(`reported down ${Date.now() - removed} ms after the interface was removed`);

      await addPair();
      const restored = Date.now();
      await waitUntil('the capture to resume', async () => (await captureUp(exporter.url)) === 1, { timeoutMs: 30_000 });
      t.diagnostic(`resumed ${Date.now() - restored} ms after the interface came back (first retry 5 s after the failure)`);
      assert.equal(
        exporter
          .stderr()
          .split('\n')
          .filter((line) => line.includes('capture resumed')).length,
        1,
        exporter.stderr(),
      );
      assert.equal(failures().length, 1, 'one line for the failure, however many retries');
    } finally {
      await exporter.stop();
      await run('ip', ['link', 'del', name]).catch(() => undefined);
    }
  });
});

describe('a capture that falls behind', () => {
  it('counts the packets the kernel dropped and warns once to raise the buffer', async () => {
    const sink = createServer((socket) => socket.resume());
    sink.listen(0, '127.0.0.1');
    await once(sink, 'listening');
    const port = (sink.address() as AddressInfo).port;
    const exporter = await startExporterProcess([
      '--sniff.interface=lo',
      `--sniff.broker-ports=${port}`,
      '--sniff.buffer-size=1048576',
      '--log.format=logfmt',
    ]);
    const dropped = (series: readonly Series[]): number | undefined =>
      valueOf(series, 'kafka_sonar_capture_dropped_packets_total', { by: 'kernel' });
    try {
      const ready = await waitForScrape(
        exporter.url,
        'capture up',
        (series) => series.some((entry) => entry.name === 'kafka_sonar_capture_up' && entry.value === 1),
        10_000,
      );
      assert.equal(dropped(ready), 0);
      // Stopped, the agent reads nothing: 64 MB through a 1 MiB capture buffer must overflow it.
      exporter.child.kill('SIGSTOP');
      try {
        const client = createConnection({ host: '127.0.0.1', port });
        await once(client, 'connect');
        const chunk = Buffer.alloc(1 << 20, 7);
        for (let sent = 0; sent < 64; sent++) if (!client.write(chunk)) await once(client, 'drain');
        client.end();
        await once(client, 'close');
      } finally {
        exporter.child.kill('SIGCONT');
      }
      const series = await waitForScrape(exporter.url, 'kernel drops', (all) => (dropped(all) ?? 0) > 0, 10_000);
      assert.ok(series.some((entry) => entry.name === 'kafka_sonar_capture_dropped_packets_total' && entry.labels.by === 'interface'));
      const warnings = (): string[] =>
        exporter
          .stderr()
          .split('\n')
          .filter((line) => line.includes('raise --sniff.buffer-size'));
      for (let waited = 0; warnings().length === 0 && waited < 3000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(warnings().length, 1, exporter.stderr());
    } finally {
      await exporter.stop();
      sink.close();
    }
  });
});

describe('live capture on loopback against a 3-broker KRaft cluster', () => {
  let bed: Testbed;
  let exporter: ExporterProcess;
  const results = new Map<string, ScenarioResult>();
  const produced = new Map<string, number>();
  const kafkajsTopic = uniqueName('sniff-live-kafkajs');
  const KAFKAJS_RECORDS = 137;

  before(async () => {
    bed = await testbedUp({ mode: 'kraft', brokers: 3 });
    const scenarios = SCENARIOS.filter((scenario) => LIVE_SCENARIOS.includes(scenario.name));
    const topics: Record<string, number> = { [kafkajsTopic]: 2 };
    for (const scenario of scenarios) Object.assign(topics, scenario.topics);
    for (const [topic, partitions] of Object.entries(topics)) {
      await createTopic(bed.bootstrapServers, topic, partitions, 3).catch((error: Error) => {
        if (!/already exists/i.test(error.message + String((error as { errors?: unknown }).errors ?? ''))) throw error;
      });
    }
    const ports = bed.brokers.map((broker) => broker.port).join(',');
    exporter = await startExporterProcess([
      '--sniff.interface=lo',
      `--sniff.broker-ports=${ports}`,
      `--kafka.server=${bed.bootstrapServers}`,
      '--collector.cluster.interval=2s',
      '--collector.quorum.enabled=false',
      '--log.format=logfmt',
    ]);
    await waitForScrape(
      exporter.url,
      'capture up',
      (series) => series.some((entry) => entry.name === 'kafka_sonar_capture_up' && entry.value === 1),
      10_000,
    );
    // The followers' connections began before the capture: the response to a Fetch whose request was
    // not seen cannot be attributed. Once every broker's fetcher had a request paired, none is lost.
    await waitForScrape(
      exporter.url,
      'paired follower fetches',
      (series) =>
        new Set(
          series
            .filter(
              (entry) =>
                entry.name === 'kafka_client_requests_total' &&
                entry.labels.api === 'Fetch' &&
                /^broker-\d+-fetcher/.test(entry.labels.client_id ?? ''),
            )
            .map((entry) => entry.labels.client_id),
        ).size === bed.brokers.length,
      15_000,
    );
    const before = await endOffsets(bed.bootstrapServers, topics);
    for (const scenario of scenarios) results.set(scenario.name, await scenario.run(bed, bed.bootstrapServers));
    await produceMessages(bed.bootstrapServers, kafkajsTopic, KAFKAJS_RECORDS, 'sniff-live-kafkajs');
    const afterOffsets = await endOffsets(bed.bootstrapServers, topics);
    for (const topic of Object.keys(topics)) produced.set(topic, afterOffsets[topic]! - before[topic]!);
  });

  after(async () => {
    await exporter?.stop();
  });

  it('counts exactly the records each topic received (end offset delta), per producing client', async () => {
    const expected = new Map(produced);
    const series = await waitForScrape(
      exporter.url,
      'produced records',
      (all) => {
        const seen = sumsBy(all, 'kafka_client_produce_records_total', 'topic');
        return [...expected].every(([topic, count]) => seen.get(topic) === count);
      },
      30_000,
      /kafka_client_produce_records_total/,
    );
    for (const [name, result] of results) {
      for (const [topic, count] of Object.entries(result.produced))
        assert.equal(expected.get(topic), count, `${name}: clients and offsets agree on ${topic}`);
    }
    assert.equal(
      sumsBy(series, 'kafka_client_produce_records_total', 'client_id', 'topic').get(`sniff-live-kafkajs ${kafkajsTopic}`),
      KAFKAJS_RECORDS,
    );
  });

  it('counts exactly the records each consumer received, and never replication as consumption', async () => {
    const expected = new Map<string, number>();
    for (const result of results.values()) {
      for (const [topic, byClient] of Object.entries(result.consumed))
        for (const [clientId, count] of Object.entries(byClient)) expected.set(`${clientId} ${topic}`, count);
    }
    const series = await waitForScrape(
      exporter.url,
      'fetched records',
      (all) => {
        const seen = sumsBy(all, 'kafka_client_fetch_records_total', 'client_id', 'topic');
        return [...expected].every(([key, count]) => seen.get(key) === count);
      },
      30_000,
      /kafka_client_fetch_records_total/,
    );
    const fetched = sumsBy(series, 'kafka_client_fetch_records_total', 'client_id', 'topic');
    const ours = [...fetched].filter(([key]) => [...expected.keys()].some((wanted) => wanted.split(' ')[1] === key.split(' ')[1]));
    assert.deepEqual(new Map(ours), expected, 'no other client fetched records of these topics');
    // Replication is asynchronous: wait until both followers of every partition have every record.
    await waitForScrape(
      exporter.url,
      'replicated records',
      (all) => {
        const replicated = sumsBy(all, 'kafka_client_replication_fetch_records_total', 'topic');
        return [...produced].every(([topic, count]) => replicated.get(topic) === count * 2);
      },
      30_000,
      /kafka_client_replication_fetch_records_total|kafka_client_fetch_records_total/,
    );
    const info = series.filter((entry) => entry.name === 'kafka_client_info');
    const followerIds = new Set(info.filter((entry) => entry.labels.role === 'follower').map((entry) => entry.labels.client_id));
    for (const key of fetched.keys()) assert.ok(!followerIds.has(key.split(' ')[0]), `${key} is not a follower`);
  });

  it('tells producers and consumers apart, with their software', async () => {
    const { series } = await scrape(exporter.url);
    const roles = sumsBy(series, 'kafka_client_info', 'client_id', 'role', 'software_name');
    for (const result of results.values()) {
      for (const client of result.clients) {
        const role = client.role === 'consumer' ? 'consumer' : 'producer';
        assert.ok(
          [...roles.keys()].some((key) => key.startsWith(`${client.clientId} ${role} `)),
          `${client.clientId} is a ${role}: ${[...roles.keys()].join(', ')}`,
        );
      }
    }
    assert.ok(roles.has('kcat-producer producer librdkafka'));
    assert.equal(sumsBy(series, 'kafka_sonar_sniffer_tcp_gaps_total').get(''), 0, 'no bytes lost on loopback');
  });

  it("a consumer catching up on a 36 MB backlog gets fetch responses larger than 8 MiB: decoded as they pass, its records all counted; a transactional producer's aborted records apart", async () => {
    const topic = uniqueName('sniff-live-catchup');
    const transactional = uniqueName('sniff-live-tx');
    // One partition per broker, 12 MB each: a consumer allowed 20 MiB a partition gets responses over 8 MiB.
    await createTopic(bed.bootstrapServers, topic, 3, 3);
    await createTopic(bed.bootstrapServers, transactional, 1, 3);
    const tools = kafkaToolMainClasses(bed);
    const ran = async (mainClass: string, args: string[]) => {
      const result = await runKafkaTool(bed, mainClass, args, { timeoutMs: 240_000 });
      assert.equal(result.code, 0, `${mainClass}: ${result.stderr}`);
    };
    await ran(tools.producerPerformance, [
      ...['--topic', topic, '--num-records', '36000', '--record-size', '1000', '--throughput', '-1'],
      ...[
        '--producer-props',
        `bootstrap.servers=${bed.bootstrapServers}`,
        'client.id=catchup-producer',
        'acks=all',
        'linger.ms=20',
        'batch.size=262144',
      ],
    ]);
    const backlog = await endOffsets(bed.bootstrapServers, { [topic]: 3 });
    assert.equal(backlog[topic], 36_000);
    const config = propertiesFile('catchup-consumer', {
      'client.id': 'catchup-consumer',
      'group.protocol': 'classic',
      'auto.offset.reset': 'earliest',
    });
    await ran(tools.consumerPerformance, [
      ...[
        '--bootstrap-server',
        bed.bootstrapServers,
        '--topic',
        topic,
        '--messages',
        '36000',
        '--fetch-size',
        '20971520',
        '--group',
        uniqueName('catchup'),
        '--command-config',
        config,
      ],
    ]);
    const producer = new Kafka({
      clientId: 'live-tx-producer',
      brokers: bed.bootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
    }).producer({
      transactionalId: uniqueName('live-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      for (const [outcome, count] of [
        ['commit', 40],
        ['abort', 15],
      ] as const) {
        const transaction = await producer.transaction();
        await transaction.send({ topic: transactional, messages: Array.from({ length: count }, (_, i) => ({ value: `${outcome} ${i}` })) });
        await (outcome === 'commit' ? transaction.commit() : transaction.abort());
      }
    } finally {
      await producer.disconnect();
    }
    const series = await waitForScrape(
      exporter.url,
      'the catching-up consumer and the transactional producer counted',
      (all) =>
        valueOf(all, 'kafka_client_fetch_records_total', { client_id: 'catchup-consumer', topic }) === 36_000 &&
        valueOf(all, 'kafka_client_produce_aborted_records_total', { client_id: 'live-tx-producer', topic: transactional }) === 15,
      60_000,
      /catchup-consumer|live-tx-producer|oversize/,
    );
    assert.ok(valueOf(series, 'kafka_sonar_sniffer_oversize_frames_total')! > 0, 'some fetch responses were larger than 8 MiB');
    assert.equal(valueOf(series, 'kafka_client_fetch_lag_records', { client_id: 'catchup-consumer', topic }), 0, 'it read to the end');
    assert.equal(
      valueOf(series, 'kafka_client_produce_records_total', { client_id: 'live-tx-producer', topic: transactional }),
      40,
      'committed',
    );
    const transactionalEnd = await endOffsets(bed.bootstrapServers, { [transactional]: 1 });
    assert.equal(transactionalEnd[transactional], 40 + 15 + 2, 'Kafka holds both transactions and their two markers');
  });

  it('serves /clients filtered by role and topic, and who writes to and reads from a topic', async () => {
    const producers = (await (await fetch(`${exporter.url}/clients?role=producer&topic=sniff-kcat`)).json()) as {
      connections: { clientId: string; recordsProduced: number }[];
    };
    assert.deepEqual([...new Set(producers.connections.map((entry) => entry.clientId))], ['kcat-producer']);
    assert.equal(
      producers.connections.reduce((sum, entry) => sum + entry.recordsProduced, 0),
      results.get('kcat-kraft')!.produced['sniff-kcat'],
    );
    const topic = (await (await fetch(`${exporter.url}/topics/sniff-kcat/clients`)).json()) as {
      producers: { clientId: string }[];
      consumers: { clientId: string }[];
      followers: unknown[];
    };
    assert.deepEqual(
      topic.producers.map((entry) => entry.clientId),
      ['kcat-producer'],
    );
    assert.deepEqual(
      topic.consumers.map((entry) => entry.clientId),
      ['kcat-consumer'],
    );
    assert.ok(topic.followers.length > 0);
  });

  it('with the Kubernetes API unreachable: pods source up 0 and one line, the clients still counted, the token never shown', async () => {
    const accountDir = mkdtempSync(join(tmpdir(), 'sonar-pod-account-'));
    const token = `sonar-secret-token-${process.pid}`;
    writeFileSync(join(accountDir, 'token'), `${token}\n`);
    createSelfSignedCertificate(accountDir, 'apiserver', { certFile: 'ca.crt', keyFile: 'apiserver-key.pem' });
    const api = { host: '127.0.0.1', port: await freePort() };
    const topic = uniqueName('sniff-live-pods');
    await createTopic(bed.bootstrapServers, topic, 1, 3);
    const inPod = await startExporterInPod(accountDir, api, [
      '--sniff.interface=lo',
      `--sniff.broker-ports=${bed.brokers.map((broker) => broker.port).join(',')}`,
      '--sniff.kubernetes-pods',
      '--sniff.kubernetes-pods-refresh=2s',
      '--log.format=logfmt',
    ]);
    try {
      const podsUp = (series: readonly Series[]) => valueOf(series, 'kafka_sonar_client_address_source_up', { source: 'kubernetes_pods' });
      await scrapeUntil(inPod.url, 'the pods source down', (series) => podsUp(series) === 0);
      await produceMessages(bed.bootstrapServers, topic, 25, 'sniff-live-in-pod');
      const { series } = await scrapeUntil(
        inPod.url,
        'the records of the producer counted',
        (all) => sumsBy(all, 'kafka_client_produce_records_total', 'client_id', 'topic').get(`sniff-live-in-pod ${topic}`) === 25,
      );
      assert.equal(podsUp(series), 0, 'still down: nothing answers');
      assert.deepEqual(
        series
          .filter((entry) => entry.name === 'kafka_client_info' && entry.labels.client_id === 'sniff-live-in-pod')
          .map((entry) => entry.labels.pod),
        [''],
        'no pod known',
      );
      const failures = inPod
        .stderr()
        .split('\n')
        .filter((line) => line.includes('cannot list the Kubernetes pods'));
      assert.equal(failures.length, 1, `one line however many lists failed:\n${inPod.stderr()}`);
      assert.match(failures[0]!, new RegExp(`https://127\\.0\\.0\\.1:${api.port}/api/v1/pods.*ECONNREFUSED`));
      assert.ok(!inPod.stderr().includes(token), 'the token is never logged');
      assert.ok(!(await (await fetch(`${inPod.url}/metrics`)).text()).includes(token), 'the token is never exported');
    } finally {
      await inPod.stop();
      rmSync(accountDir, { recursive: true, force: true });
    }
  });
});
