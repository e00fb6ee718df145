/**
 * npm run bench:soak [-- --duration 1h] — the exporter running for a long time under everything it does:
 * a 3-broker KRaft test bed, steady produce and consume traffic (kafkajs), consumer-group churn (a
 * second member joins the consumers' group and leaves it again, every 30 s), a topic created and deleted every minute through Kafka, and one
 * through the admin API, the live capture on loopback, scrapes every 5 s and admin API reads.
 *
 * Every minute it prints the exporter's RSS, heap used, open file descriptors, event-loop lag (p99)
 * and series count, from its own /metrics; at the end the growth per hour of each (least squares over
 * the samples after the first ten minutes, or after the first third of a shorter run). Durations: 90s,
 * 3m, 1h.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { callApi, writeUsersFile } from '../test/support/admin-api.ts';
import { startExporterProcess } from '../test/support/exporter-process.ts';
import { adminClient, createTopic, startClassicConsumer, type RunningConsumer } from '../test/support/kafka-clients.ts';
import { scrape, valueOf, type Series } from '../test/support/scrape.ts';
import { testbedDown, testbedUp } from '../test/testbed/index.ts';
import { parseDuration } from './figures.ts';

const BED = 'bench-soak';
const SCRAPE_EVERY_MS = 5000;
const SAMPLE_EVERY_MS = 60_000;
const CHURN_EVERY_MS = 30_000;
const TOPIC_EVERY_MS = 60_000;
const ADMIN_READ_EVERY_MS = 10_000;
const PRODUCE_EVERY_MS = 100;
const WARM_UP_MS = 10 * 60_000;
const admin = { name: 'soak-admin', password: 'soak-admin-secret', roles: ['admin'] };

const { values } = parseArgs({ options: { duration: { type: 'string', default: '1h' } } });
const durationMs = parseDuration('duration', values.duration!);

interface Sample {
  minutes: number;
  rssMb: number;
  heapMb: number;
  fds: number;
  lagMs: number;
  series: number;
}

function sampleOf(series: readonly Series[], minutes: number): Sample {
  const value = (name: string): number => valueOf(series, name) ?? Number.NaN;
  return {
    minutes,
    rssMb: value('process_resident_memory_bytes') / 1e6,
    heapMb: value('nodejs_heap_size_used_bytes') / 1e6,
    fds: value('process_open_fds'),
    lagMs: value('nodejs_eventloop_lag_p99_seconds') * 1000,
    series: series.length,
  };
}

/** Least-squares slope of `value` over `minutes`, per hour. */
function slopePerHour(samples: readonly Sample[], value: (sample: Sample) => number): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const meanX = samples.reduce((sum, s) => sum + s.minutes, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + value(s), 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.minutes - meanX) * (value(s) - meanY);
    variance += (s.minutes - meanX) ** 2;
  }
  return (covariance / variance) * 60;
}

/** Runs `work` every `ms` until the returned stop is called; stop ends the wait between runs at once. */
function every(ms: number, work: () => Promise<void>, errors: string[]): () => Promise<void> {
  let running = true;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        await work();
      } catch (error) {
        errors.push((error as Error).message);
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, ms - (Date.now() - started)));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return async () => {
    running = false;
    wake?.();
    await loop;
  };
}

async function main(): Promise<void> {
  process.env.KAFKA_SONAR_TESTBED_DIR ??= join(tmpdir(), 'kafka-sonar-bench-testbed');
  await testbedDown({ name: BED });
  const bed = await testbedUp({ mode: 'kraft', brokers: 3, name: BED });
  const dir = mkdtempSync(join(tmpdir(), 'sonar-soak-'));
  const usersFile = join(dir, 'users.yaml');
  writeUsersFile(usersFile, [admin]);
  const topic = 'soak-traffic';
  await createTopic(bed.bootstrapServers, topic, 6, 3);
  const exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    '--sniff.interface=lo',
    `--sniff.broker-ports=${bed.brokers.map((broker) => broker.port).join(',')}`,
    '--collector.cluster.interval=5s',
    '--admin.enabled',
    `--admin.users-file=${usersFile}`,
    `--admin.audit-file=${join(dir, 'audit.jsonl')}`,
    '--log.format=logfmt',
  ]);
  const clusterId = (await callApi(exporter.url, 'GET', '/v3/clusters', { as: admin }).then((answer) => answer.json?.data)) as
    | { cluster_id: string }[]
    | undefined;
  const v3 = `/v3/clusters/${clusterId?.[0]?.cluster_id ?? 'testbed'}`;
  const producer = new Kafka({
    clientId: 'soak-producer',
    brokers: bed.bootstrapServers.split(','),
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  const steady = await startClassicConsumer(bed.bootstrapServers, topic, 'soak-steady');
  const kafkaAdmin = adminClient(bed.bootstrapServers);
  const errors: string[] = [];
  const samples: Sample[] = [];
  const started = Date.now();
  let churning: RunningConsumer | undefined;
  let round = 0;
  let latest: readonly Series[] = [];
  const stops = [
    every(
      PRODUCE_EVERY_MS,
      async () => {
        await producer.send({ topic, messages: Array.from({ length: 20 }, (_, index) => ({ key: `k${index}`, value: 'x'.repeat(200) })) });
      },
      errors,
    ),
    every(
      SCRAPE_EVERY_MS,
      async () => {
        latest = (await scrape(exporter.url)).series;
      },
      errors,
    ),
    every(
      CHURN_EVERY_MS,
      async () => {
        if (churning) {
          await churning.stop();
          churning = undefined;
        } else {
          // A second member of the steady group: its joining and leaving make the group rebalance.
          churning = await startClassicConsumer(bed.bootstrapServers, topic, 'soak-steady');
          round++;
        }
      },
      errors,
    ),
    every(
      TOPIC_EVERY_MS,
      async () => {
        const name = `soak-temp-${round}`;
        await createTopic(bed.bootstrapServers, name, 3, 3);
        await kafkaAdmin.deleteTopics({ topics: [name] });
        const viaApi = `soak-api-${round}`;
        const created = await callApi(exporter.url, 'POST', `${v3}/topics`, {
          as: admin,
          body: { topic_name: viaApi, partitions_count: 2, replication_factor: 3 },
        });
        if (created.status !== 201) throw new Error(`POST topics answered ${created.status}: ${created.text.slice(0, 200)}`);
        const deleted = await callApi(exporter.url, 'DELETE', `${v3}/topics/${viaApi}`, { as: admin });
        if (deleted.status !== 204) throw new Error(`DELETE topic answered ${deleted.status}: ${deleted.text.slice(0, 200)}`);
      },
      errors,
    ),
    every(
      ADMIN_READ_EVERY_MS,
      async () => {
        const listed = await callApi(exporter.url, 'GET', `${v3}/topics`, { as: admin });
        if (listed.status !== 200) throw new Error(`GET topics answered ${listed.status}`);
        await callApi(exporter.url, 'GET', `${v3}/consumer-groups`, { as: admin });
      },
      errors,
    ),
    every(
      SAMPLE_EVERY_MS,
      async () => {
        if (latest.length === 0) return;
        const sample = sampleOf(latest, (Date.now() - started) / 60_000);
        samples.push(sample);
        process.stdout.write(
          `${sample.minutes.toFixed(1)} min: RSS ${sample.rssMb.toFixed(0)} MB, heap ${sample.heapMb.toFixed(0)} MB, fds ${sample.fds}, event-loop lag p99 ${sample.lagMs.toFixed(1)} ms, ${sample.series} series; consumed ${steady.consumed()}\n`,
        );
      },
      errors,
    ),
  ];
  try {
    await new Promise((resolve) => setTimeout(resolve, durationMs));
  } finally {
    for (const stop of stops) await stop();
    await churning?.stop();
    await steady.stop();
    await producer.disconnect();
    await kafkaAdmin.close();
    await exporter.stop();
    await testbedDown({ name: BED });
    rmSync(dir, { recursive: true, force: true });
  }
  const warmUp = Math.min(WARM_UP_MS / 60_000, durationMs / 60_000 / 3);
  const steadyState = samples.filter((sample) => sample.minutes >= warmUp);
  const slope = (name: string, value: (sample: Sample) => number, unit: string): string =>
    `${name} ${slopePerHour(steadyState, value).toFixed(1)} ${unit}/h`;
  if (steadyState.length < 2)
    process.stdout.write(`growth: ${steadyState.length} sample after the warm-up, too few; run for 3 minutes or more\n`);
  else
    process.stdout.write(
      `growth after the first ${warmUp.toFixed(1)} min (${steadyState.length} samples): ${[
        slope('RSS', (s) => s.rssMb, 'MB'),
        slope('heap', (s) => s.heapMb, 'MB'),
        slope('fds', (s) => s.fds, ''),
        slope('event-loop lag p99', (s) => s.lagMs, 'ms'),
        slope('series', (s) => s.series, ''),
      ].join(', ')}\n`,
    );
  process.stdout.write(errors.length === 0 ? 'no errors\n' : `${errors.length} errors, the first: ${errors.slice(0, 3).join(' | ')}\n`);
  if (errors.length > 0) process.exitCode = 1;
}

await main();
