// A broker restarted every 20 s for 3 minutes while a producer writes and the sniffer captures: the
// exporter keeps answering /metrics, loses nothing it counted, counts exactly the records the topic
// received, and is whole again (every broker, kafka_up 1) soon after the last restart.

import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { endOffsets } from '../fixtures/sniffer/record/offsets.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { createTopic } from '../support/kafka-clients.ts';
import { scrape, sumsBy, valueOf, waitForScrape } from '../support/scrape.ts';
import { delay } from '../support/wait.ts';
import {
  kafkaToolMainClasses,
  runKafkaTool,
  startAllBrokers,
  startBroker,
  stopBroker,
  testbedUp,
  uniqueName,
  type Testbed,
} from '../testbed/index.ts';

const RESTART_EVERY_MS = 20_000;
const RESTARTS = 9;
const RECORDS = 36_000;
const RECORDS_PER_SECOND = 200;

let bed: Testbed;
let exporter: ExporterProcess;
const topic = uniqueName('restarts');

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 3 });
  await createTopic(bed.bootstrapServers, topic, 6, 3, { 'min.insync.replicas': '2' });
  exporter = await startExporterProcess([
    '--sniff.interface=lo',
    `--sniff.broker-ports=${bed.brokers.map((broker) => broker.port).join(',')}`,
    `--kafka.server=${bed.bootstrapServers}`,
    '--collector.cluster.interval=2s',
    '--collector.quorum.enabled=false',
    '--log.format=logfmt',
  ]);
  await waitForScrape(exporter.url, 'capture up', (series) => valueOf(series, 'kafka_sonar_capture_up', { source: 'lo' }) === 1, 10_000);
});

after(async () => {
  await startAllBrokers(bed);
  await exporter?.stop();
});

it('through a broker restarted every 20 s for 3 minutes: /metrics answers, counters never go back, every record counted, recovery after the last restart', async (t) => {
  const offsetsBefore = (await endOffsets(bed.bootstrapServers, { [topic]: 6 }))[topic]!;
  const producing = runKafkaTool(
    bed,
    kafkaToolMainClasses(bed).producerPerformance,
    [
      ...['--topic', topic, '--num-records', String(RECORDS), '--record-size', '200', '--throughput', String(RECORDS_PER_SECOND)],
      ...['--print-metrics', '--producer-props', `bootstrap.servers=${bed.bootstrapServers}`, 'client.id=restarts-producer', 'acks=all'],
    ],
    { timeoutMs: 600_000 },
  );

  const scrapeTimes: number[] = [];
  let lastCounted = 0;
  let restarting = true;
  const watching = (async () => {
    while (restarting) {
      const { milliseconds, series } = await scrape(exporter.url);
      scrapeTimes.push(milliseconds);
      const counted = sumsBy(series, 'kafka_client_produce_records_total', 'topic').get(topic) ?? 0;
      assert.ok(counted >= lastCounted, `the produced records counted went back from ${lastCounted} to ${counted}`);
      lastCounted = counted;
      await delay(1000);
    }
  })();

  try {
    for (let round = 0; round < RESTARTS; round++) {
      const started = Date.now();
      const broker = bed.brokers[round % bed.brokers.length]!;
      await stopBroker(bed, broker.id);
      await startBroker(bed, broker.id);
      await delay(Math.max(0, RESTART_EVERY_MS - (Date.now() - started)));
    }
  } finally {
    restarting = false;
    await watching;
  }
  const lastRestart = Date.now();

  const produced = await producing;
  assert.equal(produced.code, 0, produced.stderr.slice(-2000));
  assert.match(produced.stdout, /producer-metrics:record-error-total:\{client-id=restarts-producer\}\s*:\s*0\.0+\b/);
  const received = (await endOffsets(bed.bootstrapServers, { [topic]: 6 }))[topic]! - offsetsBefore;
  assert.equal(received, RECORDS, 'the producer gave up on no record');

  const whole = await waitForScrape(
    exporter.url,
    'every broker and kafka_up 1 after the last restart',
    (series) => valueOf(series, 'kafka_up') === 1 && valueOf(series, 'kafka_brokers') === 3,
    90_000,
  );
  t.diagnostic(`whole again ${Date.now() - lastRestart} ms after the last restart (including the producer's last records)`);
  assert.equal(valueOf(whole, 'kafka_sonar_collector_up', { collector: 'cluster' }), 1);
  await waitForScrape(
    exporter.url,
    `${received} records produced to ${topic}`,
    (series) => sumsBy(series, 'kafka_client_produce_records_total', 'topic').get(topic) === received,
    60_000,
    /kafka_client_produce_records_total/,
  );

  scrapeTimes.sort((a, b) => a - b);
  const p99 = scrapeTimes[Math.floor(scrapeTimes.length * 0.99)]!;
  t.diagnostic(
    `${scrapeTimes.length} scrapes during the restarts: median ${scrapeTimes[scrapeTimes.length >> 1]!.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${scrapeTimes.at(-1)!.toFixed(0)} ms`,
  );
  assert.ok(scrapeTimes.at(-1)! < 2000, `a scrape took ${scrapeTimes.at(-1)} ms during the restarts`);
});
