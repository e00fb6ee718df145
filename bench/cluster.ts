/**
 * npm run bench:cluster — the cluster collector at scale on the KRaft test bed: 10,000 partitions
 * and 1,000 consumer groups with committed offsets. Prints the collection cycle time, the /metrics
 * render time (median and p99 over 100 scrapes), the exposition size and the exporter's RSS.
 * Targets: cycle < 10 s, /metrics p99 < 250 ms, RSS < 300 MB.
 */
import { Admin } from '@platformatic/kafka';
import { testbedUp } from '../test/testbed/index.ts';
import { startExporterProcess } from '../test/support/exporter-process.ts';
import { produceMessages } from '../test/support/kafka-clients.ts';
import { parseExposition, valueOf } from '../test/support/scrape.ts';
import { chunk, mapWithConcurrency } from '../src/util/concurrency.ts';

const TOPICS = 100;
const PARTITIONS_PER_TOPIC = 100;
const GROUPS = 1000;
const PARTITIONS_PER_GROUP = 10;
const SCRAPES = 100;
const topicName = (index: number): string => `bench-topic-${String(index).padStart(3, '0')}`;
const groupName = (index: number): string => `bench-group-${String(index).padStart(4, '0')}`;

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

async function prepareCluster(bootstrapServers: string): Promise<void> {
  const admin = new Admin({ clientId: 'sonar-bench', bootstrapBrokers: bootstrapServers.split(','), timeout: 120_000, retries: 3 });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Array.from({ length: TOPICS }, (_, index) => topicName(index)).filter((name) => !existing.has(name));
    for (const batch of chunk(missing, 10)) {
      await admin.createTopics({ topics: batch, partitions: PARTITIONS_PER_TOPIC, replicas: 1 });
      process.stderr.write(`created ${batch.at(-1)}\n`);
    }
    if (missing.length > 0) {
      await mapWithConcurrency(
        Array.from({ length: TOPICS }, (_, index) => topicName(index)),
        4,
        (topic) => produceMessages(bootstrapServers, topic, PARTITIONS_PER_TOPIC * 2, 'sonar-bench-producer'),
      );
    }
    const groups = await admin.listGroups();
    const missingGroups = Array.from({ length: GROUPS }, (_, index) => groupName(index)).filter((id) => !groups.has(id));
    await mapWithConcurrency(missingGroups, 16, async (groupId) => {
      const index = Number(groupId.slice(-4));
      const partitionOffsets = Array.from({ length: PARTITIONS_PER_GROUP }, (_, offset) => ({
        partition: (index * PARTITIONS_PER_GROUP + offset) % PARTITIONS_PER_TOPIC,
        offset: 1n,
      }));
      await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topicName(index % TOPICS), partitionOffsets }] });
    });
    process.stderr.write(`groups with committed offsets: ${GROUPS} (${missingGroups.length} new)\n`);
  } finally {
    await admin.close();
  }
}

async function main(): Promise<void> {
  const bed = await testbedUp({ mode: 'kraft', brokers: 3 });
  await prepareCluster(bed.bootstrapServers);

  const exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    '--collector.cluster.interval=15s',
    '--collector.cluster.timeout=60s',
    '--log.level=warn',
  ]);
  try {
    let cycleSeconds: number | undefined;
    const deadline = Date.now() + 180_000;
    for (;;) {
      const series = parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
      if (
        valueOf(series, 'kafka_cluster_partitions')! >= TOPICS * PARTITIONS_PER_TOPIC &&
        valueOf(series, 'kafka_sonar_collector_up', { collector: 'cluster' }) === 1
      ) {
        const groups = series.filter((entry) => entry.name === 'kafka_consumergroup_members').length;
        if (groups >= GROUPS) {
          cycleSeconds = valueOf(series, 'kafka_sonar_collector_duration_seconds', { collector: 'cluster' });
          break;
        }
      }
      if (Date.now() > deadline) throw new Error('the exporter did not collect the whole cluster within 180 s');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    const timings: number[] = [];
    const renderTimings: number[] = [];
    let size = 0;
    let text = '';
    for (let scrape = 0; scrape < SCRAPES; scrape++) {
      const started = performance.now();
      const response = await fetch(`${exporter.url}/metrics`);
      text = await response.text();
      timings.push(performance.now() - started);
      renderTimings.push(Number(/render;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1]));
      size = Buffer.byteLength(text);
    }
    const series = parseExposition(text);
    cycleSeconds = valueOf(series, 'kafka_sonar_collector_duration_seconds', { collector: 'cluster' }) ?? cycleSeconds;
    timings.sort((a, b) => a - b);
    renderTimings.sort((a, b) => a - b);
    const rssBytes = valueOf(series, 'process_resident_memory_bytes')!;
    const figures = {
      partitions: valueOf(series, 'kafka_cluster_partitions'),
      groups: series.filter((entry) => entry.name === 'kafka_consumergroup_members').length,
      series: series.length,
      cycleSeconds: Number(cycleSeconds!.toFixed(3)),
      renderMedianMs: Number(percentile(renderTimings, 0.5).toFixed(1)),
      renderP99Ms: Number(percentile(renderTimings, 0.99).toFixed(1)),
      scrapeMedianMs: Number(percentile(timings, 0.5).toFixed(1)),
      scrapeP99Ms: Number(percentile(timings, 0.99).toFixed(1)),
      metricsBytes: size,
      rssMegabytes: Number((rssBytes / 1024 / 1024).toFixed(1)),
      seriesDropped: valueOf(series, 'kafka_sonar_series_dropped_total', { collector: 'cluster' }),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    process.stdout.write(
      `cycle ${figures.cycleSeconds} s (target < 10); /metrics render median ${figures.renderMedianMs} ms p99 ${figures.renderP99Ms} ms (target p99 < 250), whole scrape as the client saw it median ${figures.scrapeMedianMs} ms p99 ${figures.scrapeP99Ms} ms, for ${figures.series} series / ${(size / 1024 / 1024).toFixed(1)} MB; RSS ${figures.rssMegabytes} MB (target < 300)\n`,
    );
  } finally {
    await exporter.stop();
  }
}

await main();
