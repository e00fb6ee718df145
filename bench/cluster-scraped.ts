/**
 * The cluster collector as it runs in production: the compiled command collecting every 5 s, scraped
 * every 5 s by the test bed's real Prometheus for a while. Its RSS (sampled from /proc every second,
 * and as Prometheus saw it), CPU per cycle, cycle times and the scrape durations Prometheus measured.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILED_MAIN, startExporterProcess, type ExporterProcess } from '../test/support/exporter-process.ts';
import { parseExposition, valueOf, type Series } from '../test/support/scrape.ts';
import type { Testbed } from '../test/testbed/index.ts';
import { percentile } from './figures.ts';

export interface ScrapedRunOptions {
  readonly durationMs: number;
  readonly partitions: number;
  readonly groups: number;
}

const INTERVAL = '5s';
const CLOCK_TICKS_PER_SECOND = 100;
const MB = 1024 * 1024;

/** Resident set and CPU seconds (user + system) of a process, from /proc. */
function processUsage(pid: number): { rssBytes: number; cpuSeconds: number } {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssBytes: rssKb * 1024, cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND };
}

/** Scrapes until the cluster collector is up with every partition and group; returns that scrape's series. */
export async function waitForWholeCluster(
  exporter: ExporterProcess,
  shape: { readonly partitions: number; readonly groups: number },
  timeoutMs: number,
): Promise<Series[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const series = parseExposition(await (await fetch(`${exporter.url}/metrics`)).text());
    const groups = series.filter((entry) => entry.name === 'kafka_consumergroup_members').length;
    if (
      valueOf(series, 'kafka_sonar_collector_up', { collector: 'cluster' }) === 1 &&
      (valueOf(series, 'kafka_cluster_partitions') ?? 0) >= shape.partitions &&
      groups >= shape.groups
    )
      return series;
    if (Date.now() > deadline)
      throw new Error(
        `the exporter did not collect ${shape.partitions} partitions and ${shape.groups} groups within ${timeoutMs / 1000} s`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Milliseconds from the request to the last byte of the body, as curl (a client as lean as Prometheus's) times it. */
function timedScrape(url: string): number {
  const result = spawnSync(
    'curl',
    ['-s', '-o', '/dev/null', '-w', '%{time_total}', '-H', `Accept: ${PROMETHEUS_ACCEPT}`, `${url}/metrics`],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`curl ${url}/metrics failed: ${result.stderr}`);
  return Number(result.stdout) * 1000;
}

async function instantQuery(bed: Testbed, expression: string): Promise<number> {
  const response = await fetch(`${bed.prometheusUrl}/api/v1/query?query=${encodeURIComponent(expression)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: { value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`Prometheus query ${expression}: ${body.error}`);
  const value = body.data.result[0]?.value[1];
  if (value === undefined) throw new Error(`Prometheus query ${expression} returned nothing`);
  return Number(value);
}

export async function runScrapedByPrometheus(bed: Testbed, options: ScrapedRunOptions): Promise<void> {
  if (!bed.prometheus || !bed.prometheusUrl) throw new Error('the test bed runs no Prometheus: start it with prometheus: true');
  const exporter = await startExporterProcess(
    [
      `--kafka.server=${bed.bootstrapServers}`,
      `--collector.cluster.interval=${INTERVAL}`,
      '--collector.cluster.timeout=60s',
      // The default budget (250,000) holds 10,000 partitions; 50,000 and 5,000 groups make about 815,000 series.
      `--collector.cluster.max-series=${Math.max(250_000, options.partitions * 20)}`,
      '--log.level=warn',
    ],
    {},
    COMPILED_MAIN,
  );
  const pid = exporter.child.pid!;
  const run = `cluster-${Date.now()}`;
  const targetFile = join(bed.prometheus.targetsDir, `${run}.json`);
  try {
    await waitForWholeCluster(exporter, options, 300_000);
    const labels = { __scrape_interval__: INTERVAL, __scrape_timeout__: INTERVAL, run };
    writeFileSync(targetFile, JSON.stringify([{ targets: [new URL(exporter.url).host], labels }]));
    const started = processUsage(pid);
    const startedAt = Date.now();
    const rss: number[] = [];
    const served: number[] = [];
    for (let second = 0; Date.now() - startedAt < options.durationMs; second++) {
      rss.push(processUsage(pid).rssBytes);
      // Prometheus's scrape_duration_seconds includes its own parsing and storing: every 5 s the bench
      // also times a whole scrape as Prometheus asks for it, to the last byte.
      if (second % 5 === 2) served.push(timedScrape(exporter.url));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    served.sort((a, b) => a - b);
    const ended = processUsage(pid);
    const window = `[${Math.round((Date.now() - startedAt) / 1000)}s]`;
    const selector = `{run="${run}"}`;
    const cluster = `{run="${run}",collector="cluster"}`;
    const figures = {
      partitions: options.partitions,
      groups: options.groups,
      minutes: Number(((Date.now() - startedAt) / 60_000).toFixed(1)),
      scrapes: await instantQuery(bed, `count_over_time(up${selector}${window})`),
      failedScrapes: await instantQuery(bed, `count_over_time(up${selector}${window}) - sum_over_time(up${selector}${window})`),
      scrapeMedianMs: 1000 * (await instantQuery(bed, `quantile_over_time(0.5, scrape_duration_seconds${selector}${window})`)),
      scrapeP99Ms: 1000 * (await instantQuery(bed, `quantile_over_time(0.99, scrape_duration_seconds${selector}${window})`)),
      scrapeMaxMs: 1000 * (await instantQuery(bed, `max_over_time(scrape_duration_seconds${selector}${window})`)),
      series: await instantQuery(bed, `max_over_time(scrape_samples_scraped${selector}${window})`),
      cycles: await instantQuery(bed, `changes(kafka_sonar_collector_last_success_timestamp_seconds${cluster}${window})`),
      cycleMedianSeconds: await instantQuery(bed, `quantile_over_time(0.5, kafka_sonar_collector_duration_seconds${cluster}${window})`),
      cycleMaxSeconds: await instantQuery(bed, `max_over_time(kafka_sonar_collector_duration_seconds${cluster}${window})`),
      rssMedianMb:
        percentile(
          [...rss].sort((a, b) => a - b),
          0.5,
        ) / MB,
      rssMaxMb: Math.max(...rss) / MB,
      prometheusRssMaxMb: (await instantQuery(bed, `max_over_time(process_resident_memory_bytes${selector}${window})`)) / MB,
      heapUsedMaxMb: (await instantQuery(bed, `max_over_time(nodejs_heap_size_used_bytes${selector}${window})`)) / MB,
      cpuSeconds: ended.cpuSeconds - started.cpuSeconds,
      servedMedianMs: percentile(served, 0.5),
      servedP99Ms: percentile(served, 0.99),
      servedMaxMs: served.at(-1)!,
    };
    const cpuPerCycle = figures.cpuSeconds / Math.max(1, figures.cycles);
    const fixed = (value: number, digits = 1): string => value.toFixed(digits);
    process.stdout.write(`${JSON.stringify({ ...figures, cpuPerCycle })}\n`);
    process.stdout.write(
      [
        `scraped by Prometheus every ${INTERVAL} for ${figures.minutes} min: ${figures.partitions} partitions, ${figures.groups} groups, ${figures.series} samples a scrape`,
        `RSS               median ${fixed(figures.rssMedianMb)} MB, max ${fixed(figures.rssMaxMb)} MB (/proc every second; Prometheus saw max ${fixed(figures.prometheusRssMaxMb)} MB); heap used max ${fixed(figures.heapUsedMaxMb)} MB`,
        `cycle             ${figures.cycles} cycles, median ${fixed(figures.cycleMedianSeconds, 2)} s, max ${fixed(figures.cycleMaxSeconds, 2)} s; CPU ${fixed(cpuPerCycle, 3)} s a cycle (user + system, scrapes served included)`,
        `scrape            served to the last byte (${served.length} scrapes with Prometheus's Accept header): median ${fixed(figures.servedMedianMs)} ms, p99 ${fixed(figures.servedP99Ms)} ms, max ${fixed(figures.servedMaxMs)} ms`,
        `                  as Prometheus timed its ${figures.scrapes} scrapes (${figures.failedScrapes} failed), its parsing and storing included: median ${fixed(figures.scrapeMedianMs)} ms, p99 ${fixed(figures.scrapeP99Ms)} ms, max ${fixed(figures.scrapeMaxMs)} ms`,
        `targets           RSS < 200 MB (median and max): ${figures.rssMaxMb < 200 ? 'met' : 'MISSED'}; cycle < 2 s: ${figures.cycleMaxSeconds < 2 ? 'met' : 'MISSED'}; scrape p99 < 100 ms: ${figures.servedP99Ms < 100 ? 'met' : 'MISSED'}`,
      ].join('\n') + '\n',
    );
  } finally {
    rmSync(targetFile, { force: true });
    await exporter.stop();
  }
}
