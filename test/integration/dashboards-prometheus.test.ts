/**
 * The shipped dashboards and alert rules against a real Prometheus scraping a real kafka-sonar
 * on the KRaft test bed, capturing the test bed's traffic on loopback: every panel query runs, the core
 * panels show data, the rules load.
 */
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS } from '../../dashboards/src/index.ts';
import { concreteQuery, panelQueries } from '../../dashboards/src/queries.ts';
import { reloadPrometheus, testbedUp, uniqueName, type Testbed } from '../testbed/index.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { createTopic, produceMessages, startClassicConsumer } from '../support/kafka-clients.ts';
import { waitForScrape } from '../support/scrape.ts';

const RULES = fileURLToPath(new URL('../../alerts/kafka-sonar.rules.yml', import.meta.url));
/** Panels that must show data, per dashboard; the clients' from the captured traffic (kafkajs, followers, the exporter's admin client). */
const CORE_PANELS: Record<string, readonly string[]> = {
  'kafka-cluster.json': [
    'Cluster answers',
    'Brokers',
    'Active controller',
    'Offline partitions',
    'Log size per topic',
    'Free space per log directory',
    'Lag (messages)',
    'Group status',
    'Collectors up',
  ],
  'kafka-clients.json': [
    'Active clients',
    'Produce records/s by client',
    'Produce bytes/s by topic',
    'Top producers',
    'Fetch records/s by client',
    'Fetch bytes/s by topic',
    'Follower replication bytes/s by topic',
    'Requests/s by API',
    'Request latency by API',
    'Fetch latency',
    'Connections per client address',
    'Clients',
    'Capture up',
    'Captured packets/s',
  ],
};

let bed: Testbed;
let exporter: ExporterProcess;
let targetFile: string;

interface QueryResult {
  status: string;
  data?: { result: unknown[] };
  error?: string;
}

async function query(expr: string): Promise<QueryResult> {
  const response = await fetch(`${bed.prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await response.json()) as QueryResult;
}

async function waitFor(description: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 3, prometheus: true });
  // Capturing the brokers' ports on loopback: the clients below are seen on the wire.
  const ports = bed.brokers.map((broker) => broker.port).join(',');
  exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    '--collector.cluster.interval=2s',
    '--sniff.interface=lo',
    `--sniff.broker-ports=${ports}`,
  ]);
  await waitForScrape(
    exporter.url,
    'capture up',
    (series) => series.some((entry) => entry.name === 'kafka_sonar_capture_up' && entry.value === 1),
    10_000,
  );
  const topic = uniqueName('dashboard');
  await createTopic(bed.bootstrapServers, topic, 3, 3);
  await produceMessages(bed.bootstrapServers, topic, 50);
  const consumer = await startClassicConsumer(bed.bootstrapServers, topic, uniqueName('dashboard-group'));
  try {
    await consumer.waitFor(50);
  } finally {
    await consumer.stop();
  }
  targetFile = join(bed.prometheus!.targetsDir, `${uniqueName('sonar')}.json`);
  writeFileSync(targetFile, JSON.stringify([{ targets: [new URL(exporter.url).host], labels: { cluster: 'testbed' } }]));
  copyFileSync(RULES, join(bed.prometheus!.rulesDir, 'kafka-sonar.rules.yml'));
  await reloadPrometheus(bed);
  await waitFor('Prometheus to scrape kafka-sonar with consumer group data', async () => {
    const result = await query('kafka_consumergroup_members{cluster="testbed"}');
    return result.status === 'success' && (result.data?.result.length ?? 0) > 0;
  });
  // rate() needs two samples of this exporter in its window: Prometheus scrapes every 2 s on the test bed.
  const instance = new URL(exporter.url).host;
  await waitFor('two scrapes of the client metrics', async () => {
    const results = await Promise.all(
      ['kafka_client_produce_records_total', 'kafka_client_fetch_records_total'].map((name) =>
        query(`rate(${name}{cluster="testbed", instance="${instance}"}[1m])`),
      ),
    );
    return results.every((result) => result.status === 'success' && (result.data?.result.length ?? 0) > 0);
  });
});

after(async () => {
  if (targetFile) rmSync(targetFile, { force: true });
  await exporter?.stop();
});

test('every dashboard panel query runs on the real Prometheus', async () => {
  const queries = Object.entries(DASHBOARDS).flatMap(([file, model]) => panelQueries(file, model));
  for (const { panel, expr } of queries) {
    const result = await query(concreteQuery(expr));
    assert.equal(result.status, 'success', `panel "${panel}": ${result.error ?? ''}`);
  }
});

test('the core panels show data from the test bed', async () => {
  const queries = Object.entries(DASHBOARDS).flatMap(([file, model]) => panelQueries(file, model));
  for (const [file, titles] of Object.entries(CORE_PANELS)) {
    for (const title of titles) {
      const panelQuery = queries.find((entry) => entry.dashboard === file && entry.panel === title);
      assert.ok(panelQuery, `no panel titled ${title} in ${file}`);
      const result = await query(concreteQuery(panelQuery.expr));
      assert.ok((result.data?.result.length ?? 0) > 0, `${file}: panel "${title}" shows no data: ${panelQuery.expr}`);
    }
  }
});

test('the alert rules load into the real Prometheus', async () => {
  await waitFor(
    'the kafka-sonar rule groups',
    async () => {
      const response = (await (await fetch(`${bed.prometheusUrl}/api/v1/rules`)).json()) as {
        data: { groups: { name: string; rules: { health: string }[] }[] };
      };
      const names = response.data.groups.map((group) => group.name);
      return (
        ['kafka-sonar-exporter', 'kafka-cluster', 'kafka-consumer-groups'].every((name) => names.includes(name)) &&
        response.data.groups.every((group) => group.rules.every((rule) => rule.health !== 'err'))
      );
    },
    30_000,
  );
});
