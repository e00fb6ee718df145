/**
 * npm run bench:load [-- --scrape-duration 10m] — the exporter under the two loads at once that a busy
 * cluster brings, and under many scrapers.
 *
 * 1. Collection and capture together: the 10,000-partition, 1,000-group cluster of bench:cluster on the
 *    3-broker KRaft test bed, collected every 5 s, while the live agent in the same process decodes a real
 *    producer's Produce requests replayed at 100 MB/s of records on lo for 60 s (bench:live:replay's
 *    recording, sink and blaster; the agent on CPU 1, sink and blaster on CPU 0). Every 5 s a scrape
 *    reads the event-loop lag p99 since the previous scrape (nodejs_eventloop_lag_p99_seconds) and the
 *    cycles done. Targets: lag p99 < 100 ms in every window, and no loss: every record and request the
 *    blaster sent counted, no kernel drop, gap, resync or undecodable frame.
 * 2. Scrapers: 20 concurrent clients each scraping /metrics once a second (as Prometheus does: the next
 *    scrape starts a second after the previous one started, or when it ends if it took longer) for
 *    --scrape-duration against the ~150,000-series exposition, the cluster still collected every 15 s.
 *    Prints the scrape time as the clients saw it (median, p99, max), the scrapes done, and the
 *    exporter's RSS (sampled every 5 s from /proc).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startExporterProcess, type ExporterProcess } from '../test/support/exporter-process.ts';
import { scrape, valueOf, waitForScrape, type Series } from '../test/support/scrape.ts';
import { testbedDown, testbedUp } from '../test/testbed/index.ts';
import { agentCounters, captureLosses, clientTotals, droppedPackets, minus } from './agent-metrics.ts';
import { GROUPS, PARTITIONS_PER_TOPIC, TOPICS, prepareCluster } from './cluster.ts';
import { parseDuration, percentile } from './figures.ts';
import { BED_NAME as RECORDING_BED, CLIENT_ID, recordReplayProducer } from './live-replay.ts';
import { blast } from './replay/blaster.ts';
import { launchHere, pinnedTo, pinProcess } from './replay/child-process.ts';
import type { Recording } from './replay/recording.ts';
import { startSink } from './replay/sink.ts';

const CAPTURE_MB_PER_SECOND = 100;
const CAPTURE_SECONDS = 60;
const WARMUP_SECONDS = 3;
const LAG_TARGET_MS = 100;
const SAMPLE_EVERY_MS = 5000;
const SCRAPERS = 20;
const SCRAPE_EVERY_MS = 1000;
const SETTLE_MS = 30_000;
const GENERATOR_CPU = 0;
const AGENT_CPU = 1;

const { values } = parseArgs({ options: { 'scrape-duration': { type: 'string', default: '10m' } } });
const scrapeDurationMs = parseDuration('scrape-duration', values['scrape-duration']!);

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` every `ms` (from one start to the next) until the returned stop is awaited. */
function repeat(ms: number, work: () => Promise<void>): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      await work();
      await sleep(Math.max(0, ms - (Date.now() - started)));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

function rssMegabytes(pid: number): number {
  const kilobytes = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kilobytes) / 1024;
}

function describe(values: readonly number[], unit: string): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `median ${fixed(percentile(sorted, 0.5))} ${unit}, p99 ${fixed(percentile(sorted, 0.99))} ${unit}, max ${fixed(sorted.at(-1)!)} ${unit}`;
}

async function collectedWholeCluster(exporter: ExporterProcess): Promise<Series[]> {
  return await waitForScrape(
    exporter.url,
    'the whole cluster collected',
    (series) =>
      valueOf(series, 'kafka_sonar_collector_up', { collector: 'cluster' }) === 1 &&
      (valueOf(series, 'kafka_cluster_partitions') ?? 0) >= TOPICS * PARTITIONS_PER_TOPIC &&
      series.filter((entry) => entry.name === 'kafka_consumergroup_members').length >= GROUPS,
    300_000,
  );
}

/** Scrapes until the agent counted what the blaster sent, or SETTLE_MS passed. */
async function settled(exporter: ExporterProcess, records: number): Promise<Series[]> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const { series } = await scrape(exporter.url);
    if (clientTotals(series, CLIENT_ID).records >= records || Date.now() > deadline) return series;
    await sleep(500);
  }
}

/** The capture buffer: the default first, and 256 MiB when the kernel dropped packets with it. */
const BUFFERS = [
  { description: 'default --sniff.buffer-size (32 MiB)', args: [] },
  { description: '--sniff.buffer-size=256 MiB', args: [`--sniff.buffer-size=${256 * 1024 * 1024}`] },
] as const;

/** Whether the kernel dropped packets for want of buffer. */
async function collectionWhileCapturing(
  bootstrapServers: string,
  recording: Recording,
  buffer: (typeof BUFFERS)[number],
): Promise<boolean> {
  const sink = await startSink(recording.file, '127.0.0.1', pinnedTo(GENERATOR_CPU, launchHere));
  const exporter = await startExporterProcess([
    `--kafka.server=${bootstrapServers}`,
    '--collector.cluster.interval=5s',
    '--collector.cluster.timeout=60s',
    '--sniff.interface=lo',
    `--sniff.broker-ports=${sink.port}`,
    ...buffer.args,
    '--log.level=warn',
  ]);
  try {
    await pinProcess(exporter.child.pid!, AGENT_CPU);
    await collectedWholeCluster(exporter);
    const blastFor = (seconds: number) =>
      blast(
        {
          recordingIndex: recording.file,
          host: '127.0.0.1',
          port: sink.port,
          megabytesPerSecond: CAPTURE_MB_PER_SECOND,
          seconds,
          connections: 1,
        },
        pinnedTo(GENERATOR_CPU, launchHere),
      );
    const warmUp = await blastFor(WARMUP_SECONDS);
    const before = await settled(exporter, warmUp.records);

    const lagMs: number[] = [];
    const lagMaxMs: number[] = [];
    const cycles = new Map<number, number>();
    const stopSampling = repeat(SAMPLE_EVERY_MS, async () => {
      const { series } = await scrape(exporter.url);
      lagMs.push((valueOf(series, 'nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000);
      lagMaxMs.push((valueOf(series, 'nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000);
      const finished = valueOf(series, 'kafka_sonar_collector_last_success_timestamp_seconds', { collector: 'cluster' });
      if (finished !== undefined)
        cycles.set(finished, valueOf(series, 'kafka_sonar_collector_duration_seconds', { collector: 'cluster' }) ?? Number.NaN);
    });
    const sent = await blastFor(CAPTURE_SECONDS);
    await stopSampling();
    const after = await settled(exporter, warmUp.records + sent.records);

    const delta = minus(agentCounters(after), agentCounters(before));
    const dropsBefore = droppedPackets(before);
    const dropsAfter = droppedPackets(after);
    const drops = dropsBefore === undefined || dropsAfter === undefined ? undefined : dropsAfter - dropsBefore;
    const counted = clientTotals(after, CLIENT_ID).records - clientTotals(before, CLIENT_ID).records;
    const requests = clientTotals(after, CLIENT_ID).requests - clientTotals(before, CLIENT_ID).requests;
    const losses = captureLosses(delta, drops);
    if (counted !== sent.records) losses.push(`records ${counted} counted of ${sent.records}`);
    if (requests !== sent.requests) losses.push(`requests ${requests} counted of ${sent.requests}`);
    const cycleSeconds = [...cycles.values()];
    const worstLag = Math.max(...lagMs);
    console.log(
      `collection and capture, ${buffer.description}: ${valueOf(after, 'kafka_cluster_partitions')} partitions (offsets of ${after.filter((entry) => entry.name === 'kafka_topic_partition_current_offset').length}) and ${GROUPS} groups collected every 5 s ` +
        `(${cycleSeconds.length} cycles in ${CAPTURE_SECONDS} s, ${fixed(Math.min(...cycleSeconds), 2)}-${fixed(Math.max(...cycleSeconds), 2)} s each) ` +
        `while the agent decoded ${fixed(sent.recordBytes / 1e6 / sent.seconds)} MB/s of records (${fixed(delta.bytes / 1e6 / sent.seconds)} MB/s captured) for ${fixed(sent.seconds)} s`,
    );
    console.log(
      `  event-loop lag p99 per ${SAMPLE_EVERY_MS / 1000} s window: ${describe(lagMs, 'ms')} over ${lagMs.length} windows ` +
        `(target < ${LAG_TARGET_MS} ms: ${worstLag < LAG_TARGET_MS ? 'met' : 'NOT met'}); longest delay ${fixed(Math.max(...lagMaxMs))} ms; windows in order: p99 ${lagMs.map((lag) => fixed(lag, 0)).join(' ')} ms, max ${lagMaxMs.map((lag) => fixed(lag, 0)).join(' ')} ms`,
    );
    console.log(
      `  agent: ${counted} of ${sent.records} records and ${requests} of ${sent.requests} requests counted, ${drops ?? '?'} packets dropped by the kernel, ` +
        `CPU ${fixed((delta.cpuSeconds / sent.seconds) * 100, 0)} % of a core: ${losses.length === 0 ? 'no loss' : `LOSS: ${losses.join(', ')}`}`,
    );
    return (drops ?? 0) > 0;
  } finally {
    await exporter.stop();
    await sink.stop();
  }
}

/** One scrape read to its end with node's own HTTP client; its time in ms, or undefined when it failed. */
function timedScrape(url: string, agent: Agent): Promise<number | undefined> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = get(`${url}/metrics`, { agent }, (response) => {
      response.on('data', () => {});
      response.on('end', () => resolve(response.statusCode === 200 ? performance.now() - started : undefined));
      response.on('error', () => resolve(undefined));
    });
    request.on('error', () => resolve(undefined));
  });
}

async function concurrentScrapers(bootstrapServers: string): Promise<void> {
  const exporter = await startExporterProcess([
    `--kafka.server=${bootstrapServers}`,
    '--collector.cluster.interval=15s',
    '--collector.cluster.timeout=60s',
    '--log.level=warn',
  ]);
  try {
    const series = await collectedWholeCluster(exporter);
    const pid = exporter.child.pid!;
    const timings: number[] = [];
    const rss: number[] = [];
    let failed = 0;
    const rssStart = rssMegabytes(pid);
    const stopRss = repeat(SAMPLE_EVERY_MS, async () => {
      rss.push(rssMegabytes(pid));
    });
    const until = Date.now() + scrapeDurationMs;
    await Promise.all(
      Array.from({ length: SCRAPERS }, async (_, index) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        await sleep((index * SCRAPE_EVERY_MS) / SCRAPERS);
        while (Date.now() < until) {
          const started = Date.now();
          const milliseconds = await timedScrape(exporter.url, agent);
          if (milliseconds === undefined) failed++;
          else timings.push(milliseconds);
          await sleep(Math.max(0, SCRAPE_EVERY_MS - (Date.now() - started)));
        }
        agent.destroy();
      }),
    );
    await stopRss();
    const seconds = scrapeDurationMs / 1000;
    console.log(
      `${SCRAPERS} scrapers at 1/s for ${fixed(seconds / 60)} min against ${series.length} series: ${timings.length} scrapes (${fixed(timings.length / seconds)}/s), ${failed} failed; ` +
        `scrape ${describe(timings, 'ms')}; RSS ${fixed(rssStart, 0)} MB before, ${fixed(Math.min(...rss), 0)}-${fixed(Math.max(...rss), 0)} MB during`,
    );
  } finally {
    await exporter.stop();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sonar-bench-load-'));
  try {
    const recordingBed = await testbedUp({ mode: 'kraft', brokers: 1, name: RECORDING_BED });
    let recording: Recording;
    try {
      recording = await recordReplayProducer(recordingBed, dir);
    } finally {
      await testbedDown({ name: RECORDING_BED });
    }
    const bed = await testbedUp({ mode: 'kraft', brokers: 3 });
    await prepareCluster(bed.bootstrapServers);
    for (const buffer of BUFFERS) if (!(await collectionWhileCapturing(bed.bootstrapServers, recording, buffer))) break;
    if (scrapeDurationMs > 0) await concurrentScrapers(bed.bootstrapServers);
    console.log(`bench took ${fixed((Date.now() - started) / 1000, 0)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
