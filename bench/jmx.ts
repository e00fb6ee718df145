/**
 * npm run bench:jmx [-- --duration 2m] — what the JMX collector costs, on the KRaft test bed's three brokers with
 * the Jolokia agent and 1,000 partitions (10 topics of 100, three replicas, records in each): the brokers' CPU
 * while nothing reads their MBeans and while kafka-sonar reads them every 10 s, the cycle time, each agent's
 * answer time and size, the series, and the exporter's own CPU per cycle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Admin } from '@platformatic/kafka';
import { COMPILED_MAIN, startExporterProcess } from '../test/support/exporter-process.ts';
import { produceMessages } from '../test/support/kafka-clients.ts';
import { parseExposition, valueOf } from '../test/support/scrape.ts';
import { jolokiaUrlFor, testbedUp } from '../test/testbed/index.ts';
import { runningPid } from '../test/testbed/processes.ts';
import { parseDuration, percentile } from './figures.ts';
import { loadJmxRules } from '../src/collectors/jmx/jmx-collector.ts';

const TOPICS = 10;
const PARTITIONS = 100;
const INTERVAL_SECONDS = 10;
const CLOCK_TICKS = 100;
const topicName = (index: number): string => `bench-jmx-${String(index).padStart(2, '0')}`;

/** CPU seconds a process has used, from /proc/PID/stat (utime + stime, children left out). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function prepareTopics(bootstrapServers: string): Promise<void> {
  const admin = new Admin({ clientId: 'sonar-bench-jmx', bootstrapBrokers: bootstrapServers.split(','), timeout: 120_000 });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = Array.from({ length: TOPICS }, (_, index) => topicName(index)).filter((topic) => !existing.has(topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, partitions: PARTITIONS, replicas: 3 });
    for (const topic of missing) await produceMessages(bootstrapServers, topic, 1_000, 'sonar-bench-jmx');
  } finally {
    await admin.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { values } = parseArgs({ options: { duration: { type: 'string', default: '2m' } } });
const windowMs = parseDuration('duration', values.duration);

const bed = await testbedUp({ mode: 'kraft', brokers: 3, jolokia: true });
await prepareTopics(bed.bootstrapServers);
const pids = bed.brokers.map((broker) => {
  const pid = runningPid(join(bed.dir, `kafka-${broker.id}`));
  if (pid === undefined) throw new Error(`broker ${broker.id} of the test bed is not running`);
  return pid;
});
const brokerCpu = () => pids.reduce((total, pid) => total + cpuSeconds(pid), 0);

const urls = bed.brokers.map((broker) => jolokiaUrlFor(broker.jolokiaPort!));
// The bundled rules files' object name patterns: what the collector asks each agent for, in one POST.
const patterns = [...new Set(loadJmxRules([]).flatMap((set) => set.patterns))];
const bulk = patterns.map((mbean) => ({ type: 'read', mbean, config: { canonicalNaming: false, ignoreErrors: true } }));
const answerBytes = await Promise.all(
  urls.map(async (url) => (await (await fetch(`${url}/`, { method: 'POST', body: JSON.stringify(bulk) })).arrayBuffer()).byteLength),
);

process.stdout.write(`idle: the brokers' CPU for ${values.duration} with nothing reading their MBeans\n`);
let before = brokerCpu();
await sleep(windowMs);
const idleCpu = brokerCpu() - before;

const exporter = await startExporterProcess(
  [`--jmx.jolokia-url=${urls.join(',')}`, `--collector.jmx.interval=${INTERVAL_SECONDS}s`],
  {},
  COMPILED_MAIN,
);
process.stdout.write(`collecting: kafka-sonar reads them every ${INTERVAL_SECONDS} s for ${values.duration}\n`);
const cycles = new Map<number, number>();
const agentSeconds: number[] = [];
let series = 0;
let exporterCpuStart: number | undefined;
let cyclesAtStart = 0;
before = brokerCpu();
const end = Date.now() + windowMs;
let last = '';
while (Date.now() < end) {
  last = await (await fetch(`${exporter.url}/metrics`)).text();
  const scraped = parseExposition(last);
  const ended = valueOf(scraped, 'kafka_sonar_collector_last_success_timestamp_seconds', { collector: 'jmx' });
  const duration = valueOf(scraped, 'kafka_sonar_collector_duration_seconds', { collector: 'jmx' });
  if (ended !== undefined && duration !== undefined && ended > 0 && !cycles.has(ended)) {
    cycles.set(ended, duration);
    for (const entry of scraped) if (entry.name === 'kafka_jmx_scrape_duration_seconds') agentSeconds.push(entry.value);
    series = scraped.filter((entry) => entry.labels.broker !== undefined && !/^kafka_(jmx|sonar)_/.test(entry.name)).length;
  }
  exporterCpuStart ??= valueOf(scraped, 'process_cpu_seconds_total');
  if (cyclesAtStart === 0) cyclesAtStart = cycles.size;
  await sleep(1000);
}
const collectingCpu = brokerCpu() - before;
const exporterCpu = valueOf(parseExposition(last), 'process_cpu_seconds_total')! - (exporterCpuStart ?? 0);
await exporter.stop();

const sortedCycles = [...cycles.values()].sort((a, b) => a - b);
const sortedAgents = agentSeconds.sort((a, b) => a - b);
const counted = Math.max(1, cycles.size - cyclesAtStart);
const figures = {
  brokers: bed.brokers.length,
  partitions: TOPICS * PARTITIONS,
  patternsPerPost: patterns.length,
  answerKiBPerAgent: answerBytes.map((bytes) => Math.round(bytes / 1024)),
  seriesAllBrokers: series,
  cycles: cycles.size,
  cycleSeconds: { median: percentile(sortedCycles, 0.5), max: sortedCycles.at(-1) },
  agentAnswerSeconds: { median: percentile(sortedAgents, 0.5), p99: percentile(sortedAgents, 0.99), max: sortedAgents.at(-1) },
  brokersCpuSecondsIdle: idleCpu,
  brokersCpuSecondsCollected: collectingCpu,
  brokersCpuSecondsPerCycle: (collectingCpu - idleCpu) / counted,
  exporterCpuSecondsPerCycle: exporterCpu / counted,
};
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
