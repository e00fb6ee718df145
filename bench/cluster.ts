/**
 * npm run bench:cluster [-- --prometheus [--duration 10m] [--scale N]] — the cluster collector at scale on the KRaft test bed: 10,000 partitions
 * and 1,000 consumer groups with committed offsets, every one of them behind. Prints the collection cycle
 * time, the /metrics render time (median and p99 over 100 scrapes), the exposition size and the exporter's
 * RSS. Targets: cycle < 10 s, /metrics p99 < 250 ms, RSS < 300 MB. Then the cost of dating the lagging
 * groups' records (lag in seconds from record timestamps): the first cycles' times and Fetch requests with
 * the reads off (--collector.cluster.lag-timestamp-reads=0, lag seconds only from the history) and on.
 * --prometheus instead runs the compiled command scraped every 5 s by the test bed's real Prometheus
 * for --duration (see cluster-scraped.ts); --scale N multiplies the topics and groups (5: 50,000
 * partitions and 5,000 groups).
 */
import { parseArgs } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { testbedUp } from '../test/testbed/index.ts';
import { startExporterProcess } from '../test/support/exporter-process.ts';
import { produceMessages } from '../test/support/kafka-clients.ts';
import { parseExposition, valueOf } from '../test/support/scrape.ts';
import { chunk, mapWithConcurrency } from '../src/util/concurrency.ts';
import { runScrapedByPrometheus, waitForWholeCluster } from './cluster-scraped.ts';
import { parseDuration, percentile } from './figures.ts';

export const TOPICS = 100;
export const PARTITIONS_PER_TOPIC = 100;
export const GROUPS = 1000;
const PARTITIONS_PER_GROUP = 10;
const SCRAPES = 100;
const GROUP_PREFIX = 'bench-group-';
const topicName = (index: number): string => `bench-topic-${String(index).padStart(3, '0')}`;
const groupName = (index: number): string => `${GROUP_PREFIX}${String(index).padStart(4, '0')}`;

/**
 * `scale` x 100 topics of 100 partitions with records, and `scale` x 1,000 groups each behind on 10 of
 * them; what exists is kept, so a larger scale adds to a smaller one.
 */
export async function prepareCluster(bootstrapServers: string, scale = 1): Promise<void> {
  const topicCount = TOPICS * scale;
  const groupCount = GROUPS * scale;
  const admin = new Admin({ clientId: 'sonar-bench', bootstrapBrokers: bootstrapServers.split(','), timeout: 120_000, retries: 3 });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Array.from({ length: topicCount }, (_, index) => topicName(index)).filter((name) => !existing.has(name));
    for (const batch of chunk(missing, 10)) {
      await admin.createTopics({ topics: batch, partitions: PARTITIONS_PER_TOPIC, replicas: 1 });
      process.stderr.write(`created ${batch.at(-1)}\n`);
    }
    await mapWithConcurrency(missing, 4, (topic) =>
      produceMessages(bootstrapServers, topic, PARTITIONS_PER_TOPIC * 2, 'sonar-bench-producer'),
    );
    const groups = await admin.listGroups();
    const missingGroups = Array.from({ length: groupCount }, (_, index) => groupName(index)).filter((id) => !groups.has(id));
    await mapWithConcurrency(missingGroups, 16, async (groupId) => {
      const index = Number(groupId.slice(GROUP_PREFIX.length));
      const partitionOffsets = Array.from({ length: PARTITIONS_PER_GROUP }, (_, offset) => ({
        partition: (index * PARTITIONS_PER_GROUP + offset) % PARTITIONS_PER_TOPIC,
        offset: 1n,
      }));
      await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topicName(index % topicCount), partitionOffsets }] });
    });
    process.stderr.write(`groups with committed offsets: ${groupCount} (${missingGroups.length} new)\n`);
  } finally {
    await admin.close();
  }
}

interface CycleFigures {
  readonly cycleSeconds: number;
  readonly reads: number;
  readonly skipped: number;
  readonly recordTimestampSeries: number;
}

/** The first `count` cycles of a fresh exporter: each cycle's time, and the record timestamp reads so far. */
async function firstCycles(bootstrapServers: string, extra: readonly string[], count: number): Promise<CycleFigures[]> {
  const exporter = await startExporterProcess([
    `--kafka.server=${bootstrapServers}`,
    '--collector.cluster.interval=5s',
    '--collector.cluster.timeout=60s',
    '--log.level=warn',
    ...extra,
  ]);
  try {
    const cycles: CycleFigures[] = [];
    let lastSuccess = 0;
    const deadline = Date.now() + 300_000;
    while (cycles.length < count) {
      if (Date.now() > deadline) throw new Error(`the exporter did not complete ${count} cycles within 300 s`);
      const series = parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
      const success = valueOf(series, 'kafka_sonar_collector_last_success_timestamp_seconds', { collector: 'cluster' }) ?? 0;
      if (success > lastSuccess) {
        lastSuccess = success;
        cycles.push({
          cycleSeconds: Number(valueOf(series, 'kafka_sonar_collector_duration_seconds', { collector: 'cluster' })!.toFixed(3)),
          reads:
            (valueOf(series, 'kafka_sonar_lag_timestamp_reads_total', { outcome: 'read' }) ?? 0) +
            (valueOf(series, 'kafka_sonar_lag_timestamp_reads_total', { outcome: 'failed' }) ?? 0),
          skipped: valueOf(series, 'kafka_sonar_lag_timestamp_reads_total', { outcome: 'skipped' }) ?? 0,
          recordTimestampSeries: series.filter(
            (entry) => entry.name === 'kafka_consumergroup_group_lag_seconds' && entry.labels.estimate === 'record_timestamp',
          ).length,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return cycles;
  } finally {
    await exporter.stop();
  }
}

async function main(): Promise<void> {
  const { values: options } = parseArgs({
    options: {
      prometheus: { type: 'boolean', default: false },
      duration: { type: 'string', default: '10m' },
      scale: { type: 'string', default: '1' },
    },
  });
  const scale = Number(options.scale);
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`--scale must be a whole number of at least 1, not ${options.scale}`);
  const bed = await testbedUp({ mode: 'kraft', brokers: 3, prometheus: options.prometheus });
  await prepareCluster(bed.bootstrapServers, scale);
  if (options.prometheus) {
    const durationMs = parseDuration('duration', options.duration!);
    await runScrapedByPrometheus(bed, { durationMs, partitions: TOPICS * PARTITIONS_PER_TOPIC * scale, groups: GROUPS * scale });
    return;
  }

  for (const [label, extra] of [
    ['lag timestamp reads off', ['--collector.cluster.lag-timestamp-reads=0']],
    ['lag timestamp reads on (default budget 500 a cycle)', []],
  ] as const) {
    const cycles = await firstCycles(bed.bootstrapServers, extra, 4);
    process.stdout.write(`${label}: ${JSON.stringify(cycles)}\n`);
    process.stdout.write(
      `${label}: cycles ${cycles.map((cycle) => `${cycle.cycleSeconds} s`).join(', ')}; Fetch requests for record timestamps ${cycles.at(-1)!.reads} in all (${cycles.map((cycle) => cycle.reads).join(' -> ')}), ${cycles.at(-1)!.recordTimestampSeries} partitions dated by their record\n`,
    );
  }

  const exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    '--collector.cluster.interval=15s',
    '--collector.cluster.timeout=60s',
    '--log.level=warn',
  ]);
  try {
    const whole = await waitForWholeCluster(exporter, { partitions: TOPICS * PARTITIONS_PER_TOPIC, groups: GROUPS }, 180_000);
    let cycleSeconds = valueOf(whole, 'kafka_sonar_collector_duration_seconds', { collector: 'cluster' });
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

if (import.meta.main) await main();
