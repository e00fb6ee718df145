/**
 * --compat.kafka-lag-exporter against a real Prometheus scraping kafka-sonar on the KRaft test bed: the
 * variables and panel queries of kafka-lag-exporter's own dashboard return data, and the values agree with
 * what Kafka's admin client reads (committed and end offsets) and with the consumer that made them.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Admin } from '@platformatic/kafka';
import { LAG_EXPORTER_PANELS, LAG_EXPORTER_VARIABLES } from '../fixtures/kafka-lag-exporter-dashboard.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { adminClient, createTopic, produceWithTimestamps, startClassicConsumer, type RunningConsumer } from '../support/kafka-clients.ts';
import { waitForScrape } from '../support/scrape.ts';
import { waitUntil } from '../support/wait.ts';
import { reloadPrometheus, testbedUp, uniqueName, type Testbed } from '../testbed/index.ts';

const NAMESPACE = 'kafka-lag-test';
const CLUSTER_NAME = 'lag-cluster';

interface PromSeries {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

let bed: Testbed;
let exporter: ExporterProcess;
let admin: Admin;
let consumer: RunningConsumer;
let targetFile: string;
const topic = uniqueName('lagexp');
const group = uniqueName('lagexp-group');
const clientId = `${group}-client`;

async function query(expr: string): Promise<PromSeries[]> {
  const response = await fetch(`${bed.prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: PromSeries[] } };
  assert.equal(body.status, 'success', `${expr}: ${body.error ?? ''}`);
  return body.data!.result;
}

const variables: Record<string, string> = { namespace: NAMESPACE, cluster_name: CLUSTER_NAME, consumer_group: group };
const concrete = (expr: string): string => expr.replace(/\$(\w+)/g, (whole, name: string) => variables[name] ?? whole);
/** A series as Grafana's query_result() renders it for the variable's regex. */
const seriesText = (series: PromSeries): string =>
  `${series.metric['__name__'] ?? ''}{${Object.entries(series.metric)
    .filter(([name]) => name !== '__name__')
    .map(([name, value]) => `${name}="${value}"`)
    .join(', ')}} ${series.value[1]} ${series.value[0]}`;

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 3, prometheus: true });
  admin = adminClient(bed.bootstrapServers);
  await createTopic(bed.bootstrapServers, topic, 2, 3);
  exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    '--collector.cluster.interval=2s',
    '--compat.kafka-lag-exporter',
    `--cluster.name=${CLUSTER_NAME}`,
    `--topic.filter=${topic}`,
    `--group.filter=${group}`,
  ]);
  const now = Date.now();
  for (const partition of [0, 1]) {
    await produceWithTimestamps(
      bed.bootstrapServers,
      topic,
      Array.from({ length: 20 }, () => now),
      partition,
    );
  }
  consumer = await startClassicConsumer(bed.bootstrapServers, topic, group);
  await consumer.waitFor(40);
  await waitUntil('the consumer committed all 40 records', async () => (await committed()).every((offset) => offset === 20), {
    timeoutMs: 90_000,
    intervalMs: 500,
  });
  consumer.pause();
  for (const partition of [0, 1]) {
    await produceWithTimestamps(
      bed.bootstrapServers,
      topic,
      Array.from({ length: 10 }, () => Date.now()),
      partition,
    );
  }
  targetFile = join(bed.prometheus!.targetsDir, `${uniqueName('lagexp')}.json`);
  writeFileSync(targetFile, JSON.stringify([{ targets: [new URL(exporter.url).host], labels: { namespace: NAMESPACE } }]));
  await reloadPrometheus(bed);
  await waitUntil(
    'Prometheus to hold a lag of 10 on both partitions',
    async () => {
      const lags = await query(`kafka_consumergroup_group_lag{namespace="${NAMESPACE}",group="${group}"}`);
      return lags.length === 2 && lags.every((series) => series.value[1] === '10');
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  );
});

after(async () => {
  if (targetFile) rmSync(targetFile, { force: true });
  await consumer?.stop();
  await exporter?.stop();
  await admin?.close();
});

/** Committed offsets of the group on partitions 0 and 1, as Kafka's admin client reads them. */
async function committed(): Promise<number[]> {
  const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] });
  const partitions = offsets?.topics.find((entry) => entry.name === topic)?.partitions ?? [];
  return [0, 1].map((index) => Number(partitions.find((entry) => entry.partitionIndex === index)?.committedOffset ?? -1n));
}

test("the dashboard's variables resolve to the namespace, the cluster name and the group", async () => {
  for (const variable of LAG_EXPORTER_VARIABLES) {
    const values = new Set((await query(concrete(variable.query))).map((series) => variable.regex.exec(seriesText(series))?.[1]));
    assert.ok(values.has(variables[variable.name]), `${variable.name}: ${[...values].join(', ')}`);
  }
});

test("every panel query of kafka-lag-exporter's dashboard returns data", async () => {
  for (const { panel, expr } of LAG_EXPORTER_PANELS) {
    const result = await query(concrete(expr));
    assert.ok(result.length > 0, `panel "${panel}" shows no data: ${concrete(expr)}`);
  }
});

test('the values are what Kafka and the consumer say: offsets, lag, maxima and sums, the member on each partition', async () => {
  const described = (await admin.describeGroups({ groups: [group] })).get(group);
  const member = [...(described?.members.values() ?? [])][0];
  assert.ok(member, 'the paused consumer is still a member');
  const ends = await admin.listOffsets({
    topics: [
      {
        name: topic,
        partitions: [
          { partitionIndex: 0, timestamp: -1n },
          { partitionIndex: 1, timestamp: -1n },
        ],
      },
    ],
  });
  const latest = [0, 1].map((index) => Number(ends[0]!.partitions.find((entry) => entry.partitionIndex === index)!.offset));
  const offsets = await committed();
  assert.deepEqual(latest, [30, 30]);
  for (const partition of [0, 1]) {
    const [offset] = await query(`kafka_consumergroup_group_offset{group="${group}",partition="${partition}"}`);
    assert.equal(Number(offset!.value[1]), offsets[partition]);
    const labels = offset!.metric;
    assert.deepEqual(
      [labels['cluster_name'], labels['topic'], labels['consumer_id'], labels['client_id'], labels['member_host']],
      [CLUSTER_NAME, topic, member.id, clientId, member.clientHost],
      'the member that owns the partition, as DescribeGroups and the consumer name it',
    );
    const [lag] = await query(`kafka_consumergroup_group_lag{group="${group}",partition="${partition}"}`);
    assert.equal(Number(lag!.value[1]), latest[partition]! - offsets[partition]!);
    const [partitionLatest] = await query(
      `kafka_partition_latest_offset{cluster_name="${CLUSTER_NAME}",topic="${topic}",partition="${partition}"}`,
    );
    assert.equal(Number(partitionLatest!.value[1]), latest[partition]);
    const [partitionEarliest] = await query(
      `kafka_partition_earliest_offset{cluster_name="${CLUSTER_NAME}",topic="${topic}",partition="${partition}"}`,
    );
    assert.equal(Number(partitionEarliest!.value[1]), 0);
  }
  const single = async (expr: string): Promise<number> => Number((await query(expr))[0]!.value[1]);
  assert.equal(await single(`kafka_consumergroup_group_max_lag{group="${group}"}`), 10);
  assert.equal(await single(`kafka_consumergroup_group_sum_lag{group="${group}"}`), 20);
  assert.equal(await single(`kafka_consumergroup_group_topic_sum_lag{group="${group}",topic="${topic}"}`), 20);
  const maxSeconds = await single(`kafka_consumergroup_group_max_lag_seconds{group="${group}"}`);
  assert.ok(maxSeconds > 0 && maxSeconds < 600, `the unread records were produced in this test: ${maxSeconds} s`);
});

test('the lag-seconds families carry its labels, not estimate', async () => {
  const series = await waitForScrape(exporter.url, 'lag seconds', (s) =>
    s.some((entry) => entry.name === 'kafka_consumergroup_group_lag_seconds'),
  );
  for (const entry of series.filter((item) => item.name === 'kafka_consumergroup_group_lag_seconds')) {
    assert.deepEqual(Object.keys(entry.labels).sort(), [
      'client_id',
      'cluster',
      'cluster_name',
      'consumer_id',
      'group',
      'member_host',
      'partition',
      'topic',
    ]);
  }
});
