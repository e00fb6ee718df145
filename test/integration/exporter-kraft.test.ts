import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  freezeBroker,
  isBrokerRunning,
  startAllBrokers,
  startBroker,
  stopAllBrokers,
  stopBroker,
  testbedUp,
  thawBroker,
  type Testbed,
} from '../testbed/index.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { scrape, scrapeUntil, valueOf, waitForScrape } from '../support/scrape.ts';

let bed: Testbed;
let exporter: ExporterProcess;

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 3 });
  exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    '--collector.cluster.interval=1s',
    '--collector.cluster.timeout=5s',
    '--cluster.name=testbed',
    '--kafka.labels=kafka_cluster=prod,env=test',
  ]);
});

after(async () => {
  for (const broker of bed.brokers) if (isBrokerRunning(bed, broker.id)) thawBroker(bed, broker.id);
  await startAllBrokers(bed);
  await exporter?.stop();
});

test('shows the three KRaft brokers and kafka_up 1', async () => {
  const series = await waitForScrape(
    exporter.url,
    'kafka_brokers 3',
    (s) => valueOf(s, 'kafka_brokers') === 3 && valueOf(s, 'kafka_up') === 1,
  );
  const infos = series.filter((entry) => entry.name === 'kafka_broker_info');
  assert.deepEqual(infos.map((entry) => entry.labels.id).sort(), bed.brokers.map((broker) => String(broker.id)).sort());
  assert.deepEqual(infos.map((entry) => entry.labels.address).sort(), bed.brokers.map((broker) => `${broker.host}:${broker.port}`).sort());
  assert.ok(infos.every((entry) => entry.labels.cluster === 'testbed'));
  assert.ok(
    series.every((entry) => entry.labels.kafka_cluster === 'prod' && entry.labels.env === 'test'),
    'the --kafka.labels on every series',
  );
  assert.equal(valueOf(series, 'kafka_sonar_collector_up', { collector: 'cluster' }), 1);
  const ready = await fetch(`${exporter.url}/readyz`);
  assert.equal(ready.status, 200);
});

/** kafka_exporter's names, kept for its dashboards and alerts, that promtool's linter dislikes for their _sum suffix. */
const KAFKA_EXPORTER_NAMES_PROMTOOL_FLAGS = ['kafka_consumergroup_current_offset_sum', 'kafka_consumergroup_lag_sum'];

test("the exposition passes promtool check metrics (but for kafka_exporter's two _sum names)", async () => {
  const { text } = await scrape(exporter.url);
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(result.error, undefined, 'promtool must be installed (Debian package prometheus)');
  const problems = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  const unexpected = problems.filter(
    (line) =>
      !KAFKA_EXPORTER_NAMES_PROMTOOL_FLAGS.some((name) =>
        line.startsWith(`${name} non-histogram and non-summary metrics should not have "_sum" suffix`),
      ),
  );
  assert.deepEqual(unexpected, [], `promtool check metrics found problems:\n${unexpected.join('\n')}`);
  assert.ok(result.status === 0 || problems.length > 0);
});

test('a stopped broker leaves the metadata, and comes back', async () => {
  const stopped = bed.brokers.at(-1)!;
  await stopBroker(bed, stopped.id);
  const series = await waitForScrape(exporter.url, 'kafka_brokers 2', (s) => valueOf(s, 'kafka_brokers') === 2, 90_000);
  assert.equal(valueOf(series, 'kafka_up'), 1);
  assert.equal(valueOf(series, 'kafka_broker_info', { id: String(stopped.id) }), undefined);
  await startBroker(bed, stopped.id);
  await waitForScrape(exporter.url, 'kafka_brokers 3 again', (s) => valueOf(s, 'kafka_brokers') === 3, 90_000);
});

test('with the whole cluster down /metrics keeps answering kafka_up 0, and recovers', async () => {
  await stopAllBrokers(bed);
  const down = await waitForScrape(exporter.url, 'kafka_up 0', (s) => valueOf(s, 'kafka_up') === 0, 30_000);
  assert.equal(valueOf(down, 'kafka_sonar_collector_up', { collector: 'cluster' }), 0);
  assert.equal(valueOf(down, 'kafka_brokers'), undefined, 'no broker count is claimed while the cluster does not answer');
  for (let attempt = 0; attempt < 5; attempt++) {
    const { milliseconds, series } = await scrape(exporter.url);
    assert.equal(valueOf(series, 'kafka_up'), 0);
    assert.ok(milliseconds < 1000, `a scrape took ${milliseconds} ms while Kafka was down: scrapes must not wait on Kafka`);
  }
  assert.match(exporter.stderr(), /"msg":"collector failed","collector":"cluster"/);
  await startAllBrokers(bed);
  await waitForScrape(
    exporter.url,
    'kafka_up 1 after recovery',
    (s) => valueOf(s, 'kafka_up') === 1 && valueOf(s, 'kafka_brokers') === 3,
    90_000,
  );
});

test('a frozen broker (connections accepted, nothing answered) leaves the metadata while /metrics answers at once, and comes back when thawed', async (t) => {
  const frozen = bed.brokers.at(-1)!;
  freezeBroker(bed, frozen.id);
  try {
    const gone = await scrapeUntil(
      exporter.url,
      'kafka_brokers 2',
      (s) => valueOf(s, 'kafka_brokers') === 2 && valueOf(s, 'kafka_up') === 1,
      { timeoutMs: 90_000 },
    );
    t.diagnostic(`the frozen broker left kafka_brokers after ${gone.milliseconds} ms (the controller fences it when its session lapses)`);
  } finally {
    thawBroker(bed, frozen.id);
  }
  const back = await scrapeUntil(exporter.url, 'kafka_brokers 3 after the thaw', (s) => valueOf(s, 'kafka_brokers') === 3, {
    timeoutMs: 90_000,
  });
  t.diagnostic(`recovered ${back.milliseconds} ms after the thaw`);
});

test('a --kafka.server name that does not resolve: kafka_up 0 and one line naming it, until it resolves', async (t) => {
  const name = `kafka-sonar-fault-${process.pid}.invalid`;
  const port = bed.brokers[0]!.port;
  const hosts = readFileSync('/etc/hosts', 'utf8');
  const unresolved = await startExporterProcess([
    `--kafka.server=${name}:${port}`,
    '--collector.cluster.interval=1s',
    '--log.format=logfmt',
  ]);
  try {
    await scrapeUntil(unresolved.url, 'kafka_up 0', (s) => valueOf(s, 'kafka_up') === 0, { timeoutMs: 30_000 });
    const lines = unresolved
      .stderr()
      .split('\n')
      .filter((line) => line.includes('collector=cluster') && line.includes(name));
    assert.ok(lines.length >= 1, unresolved.stderr());
    assert.match(lines[0]!, /ENOTFOUND/);
    writeFileSync('/etc/hosts', `${hosts.trimEnd()}\n127.0.0.1 ${name}\n`);
    const resolved = await scrapeUntil(unresolved.url, 'kafka_up 1 once the name resolves', (s) => valueOf(s, 'kafka_up') === 1, {
      timeoutMs: 60_000,
    });
    t.diagnostic(`kafka_up 1 ${resolved.milliseconds} ms after the name began to resolve`);
  } finally {
    writeFileSync('/etc/hosts', hosts);
    await unresolved.stop();
  }
});

test('stops within 5 s on SIGTERM', async () => {
  const { code, milliseconds } = await exporter.stop();
  assert.equal(code, 0);
  assert.ok(milliseconds < 5000, `shutdown took ${milliseconds} ms`);
});
