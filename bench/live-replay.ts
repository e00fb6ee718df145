/**
 * npm run bench:live:replay (and the second phase of npm run bench:live) — the live agent's own capacity.
 *
 * Why: the first phase of bench:live drives a real broker with Kafka's ProducerPerformance, but on a
 * 2-core machine the broker and the producer's JVM top out near 40 MB/s, far below the agent's limit.
 * This phase feeds the agent traffic the machine can generate much faster, still made of a real
 * producer's bytes.
 *
 * Method: ProducerPerformance writes about 46 MB of 1 KiB records (acks=1, linger.ms=5, batch.size=65536)
 * to the 1-broker test bed while tcpdump captures the broker port; the capture is read back with the
 * project's reader and TCP reassembly, and the producer's Produce requests are kept with their
 * responses, their records counted by the project's decoder and checked against the broker's end
 * offsets (bench/replay/recording.ts). Then, for each link, a sink process stands in for the broker
 * (answers each request with the recorded response) and a blaster process stands in for the producer
 * (sends the recorded requests in a loop over one TCP connection, or BENCH_LIVE_REPLAY_CONNECTIONS,
 * with fresh correlation ids, paced at a target rate of record bytes, MB = 10^6 bytes), while the real
 * `kafka-sonar` process captures the link with --sniff.broker-ports=<sink port>, agent only (no
 * --kafka.server). Rates rise (25, 50, 100, 150, 200, 300, 400 MB/s; BENCH_LIVE_REPLAY_RATES) for
 * BENCH_LIVE_REPLAY_SECONDS (10) each, after an unmeasured warm-up.
 *
 * A step is loss-free when the agent's counters moved by no TCP gap, truncated or undecodable packet,
 * resync, undecodable frame, unanswered request or kernel drop (when it reports drops), and it counted
 * exactly the Produce requests and records the blaster sent. The run stops at the first lossy step or
 * when the blaster reaches less than 90 % of the target.
 *
 * Links: loopback (lo: 64 KiB packets), then a veth pair with MTU 1500 between two network namespaces
 * (packets of at most 1514 bytes, as on Ethernet). Each prints one line per step and a summary: the
 * highest loss-free rate in MB/s of records and Produce requests/s, captured MB/s, the agent's CPU
 * seconds per GB captured and share of a core, whether 200 MB/s was met and what limited it.
 *
 * The target is one core: the agent is bound to CPU 1, the sink, the blaster and the kernel's TCP work
 * for them to CPU 0 (BENCH_LIVE_REPLAY_PIN=0: no binding). Packets dropped before the agent read them
 * (kafka_sonar_capture_dropped_packets_total) count as loss; when the default capture buffer dropped
 * any, the link is measured again with --sniff.buffer-size=256 MiB, which tells a buffer too small
 * for the agent's pauses from an agent too slow for the rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExporterProcess } from '../test/support/exporter-process.ts';
import { scrape, waitForScrape, type Series } from '../test/support/scrape.ts';
import { testbedDown, testbedUp, type Testbed } from '../test/testbed/index.ts';
import { captureLosses, clientTotals as totalsOfClient, countedBetween, droppedPackets, type AgentCounters } from './agent-metrics.ts';
import { blast, type BlastResult } from './replay/blaster.ts';
import { pinnedTo, pinProcess } from './replay/child-process.ts';
import { loopbackLink, vethLink, type ReplayLink } from './replay/links.ts';
import { recordProducer, type Recording } from './replay/recording.ts';
import { startSink } from './replay/sink.ts';

export const BED_NAME = 'bench-live';
export const CLIENT_ID = 'bench-live-replay';
const RECORD_SIZE = 1024;
const RECORDED_RECORDS = 45_000;
const PRODUCER_PROPERTIES = ['acks=1', 'linger.ms=5', 'batch.size=65536', 'compression.type=none'];
const RATES_MB = (process.env.BENCH_LIVE_REPLAY_RATES ?? '25,50,100,150,200,300,400').split(',').map(Number);
const STEP_SECONDS = Number(process.env.BENCH_LIVE_REPLAY_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_LIVE_REPLAY_CONNECTIONS ?? 1);
export const TARGET_MB = 200;
const REACHED_SHARE = 0.9;
/** An unmeasured first run lets the agent's JIT settle. */
const WARMUP_SECONDS = 3;
const SETTLE_MS = 15_000;

/** The agent on a core of its own, the traffic on the other: neither steals the other's time. */
export const PINNED = availableParallelism() >= 2 && process.env.BENCH_LIVE_REPLAY_PIN !== '0';
export const GENERATOR_CPU = 0;
export const AGENT_CPU = 1;

/** The agent's capture buffer: its default first, and a larger one when the kernel dropped packets with it. */
export interface BufferSetting {
  readonly description: string;
  readonly args: readonly string[];
}

export const DEFAULT_BUFFER: BufferSetting = { description: 'default --sniff.buffer-size (32 MiB)', args: [] };
/**
 * The capture buffer holds bytes (TPACKET_V3 blocks), on lo twice: the kernel keeps the outgoing copy
 * of each packet too. 32 MiB is about 0.1 s of lo traffic at 300 MB/s; with 256 MiB, what remains is
 * the agent's speed.
 */
export const LARGE_BUFFER: BufferSetting = {
  description: '--sniff.buffer-size=256 MiB',
  args: [`--sniff.buffer-size=${256 * 1024 * 1024}`],
};

interface StepResult {
  targetMB: number;
  sent: BlastResult;
  blasterMBps: number;
  reached: boolean;
  delta: AgentCounters;
  /** undefined when the agent does not report kernel drops. */
  drops: number | undefined;
  agentRecords: number;
  agentRequests: number;
  agentProduceRequests: number;
  unanswered: number;
  lossFree: boolean;
  why: string[];
}

export const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const clientTotals = (series: readonly Series[]) => totalsOfClient(series, CLIENT_ID);

/** What the agent should have counted for the replayed client since it started: everything the blaster sent. */
export interface Expected {
  records: number;
  requests: number;
}

/**
 * Scrapes until the agent counted everything sent so far, or SETTLE_MS passed. It lags while it works
 * through its capture buffer, publishes the client metrics once a second, and may hold a new
 * connection's exchanges for up to 6 s while it looks for the connection's address behind NAT.
 */
export async function settledScrape(agent: ExporterProcess, expected: Expected): Promise<Series[]> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const series = (await scrape(agent.url)).series;
    const now = clientTotals(series);
    if ((now.records >= expected.records && now.requests >= expected.requests) || Date.now() > deadline) return series;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function blastAt(
  link: ReplayLink,
  recording: Recording,
  port: number,
  megabytesPerSecond: number,
  seconds: number,
): Promise<BlastResult> {
  return blast(
    { recordingIndex: recording.file, host: link.sinkHost, port, megabytesPerSecond, seconds, connections: CONNECTIONS },
    link.launchBlaster,
  );
}

/** One step: a blast at `targetMB`, judged by the agent's counters from `beforeSeries` (the previous step settled) on. */
async function step(
  link: ReplayLink,
  recording: Recording,
  agent: ExporterProcess,
  port: number,
  targetMB: number,
  beforeSeries: Series[],
  expected: Expected,
): Promise<{ result: StepResult; series: Series[] }> {
  const sent = await blastAt(link, recording, port, targetMB, STEP_SECONDS);
  expected.records += sent.records;
  expected.requests += sent.requests;
  const series = await settledScrape(agent, expected);
  const { delta, drops, client } = countedBetween(beforeSeries, series, CLIENT_ID);
  const { records: agentRecords, requests: agentRequests, produceRequests: agentProduceRequests, unanswered } = client;

  const why = captureLosses(delta, drops);
  if (unanswered > 0) why.push(`${unanswered} unanswered requests`);
  if (agentRecords !== sent.records) why.push(`records ${agentRecords} seen of ${sent.records}`);
  if (agentProduceRequests !== sent.requests || agentRequests !== sent.requests)
    why.push(`requests ${agentRequests} (${agentProduceRequests} Produce) seen of ${sent.requests}`);
  if (sent.responses !== sent.requests) why.push(`the sink answered ${sent.responses} of ${sent.requests} requests`);
  const blasterMBps = sent.recordBytes / 1e6 / sent.seconds;
  const result: StepResult = {
    targetMB,
    sent,
    blasterMBps,
    reached: blasterMBps >= targetMB * REACHED_SHARE,
    delta,
    drops,
    agentRecords,
    agentRequests,
    agentProduceRequests,
    unanswered,
    lossFree: why.length === 0,
    why,
  };
  return { result, series };
}

function printStep(result: StepResult): void {
  const { delta, sent } = result;
  const gb = delta.bytes / 1e9;
  console.log(
    [
      `  target ${String(result.targetMB).padStart(3)} MB/s:`,
      `blaster ${fixed(result.blasterMBps)} MB/s${result.reached ? '' : ' (target not reached)'}, ${fixed(sent.requests / sent.seconds, 0)} Produce req/s, ${sent.records} records;`,
      `agent ${result.agentRecords} records, ${result.agentRequests}/${sent.requests} requests;`,
      `captured ${delta.packets} packets (avg ${fixed(delta.packets > 0 ? delta.bytes / delta.packets : 0, 0)} B) ${fixed(delta.bytes / 1e6 / sent.seconds)} MB/s,`,
      `dropped ${result.drops ?? '?'};`,
      `CPU ${fixed(delta.cpuSeconds, 2)} s (${fixed(gb > 0 ? delta.cpuSeconds / gb : 0, 2)} s/GB, ${fixed((delta.cpuSeconds / sent.seconds) * 100, 0)} % of a core);`,
      result.lossFree ? 'loss-free' : `LOSS: ${result.why.join(', ')}`,
    ].join(' '),
  );
}

function printSummary(label: string, results: readonly StepResult[]): void {
  const best = results.filter((result) => result.lossFree).at(-1);
  const lossy = results.find((result) => !result.lossFree);
  const unreached = results.find((result) => !result.reached);
  if (best) {
    const { delta, sent } = best;
    const secondsPerGB = delta.cpuSeconds / (delta.bytes / 1e9);
    console.log(
      `  highest loss-free rate: ${fixed(best.blasterMBps)} MB/s of records, ${fixed(sent.requests / sent.seconds, 0)} Produce requests/s ` +
        `(${fixed(delta.bytes / 1e6 / sent.seconds)} MB/s captured, ${fixed(delta.packets / sent.seconds / 1000)} k packets/s of ${fixed(delta.bytes / delta.packets, 0)} B on average); ` +
        `agent CPU ${fixed(secondsPerGB, 2)} s/GB captured, ${fixed((delta.cpuSeconds / sent.seconds) * 100, 0)} % of a core ` +
        `(projected: one core keeps up with ~${fixed(1000 / secondsPerGB, 0)} MB/s captured at that cost)`,
    );
  } else {
    console.log('  no loss-free step');
  }
  const met = results.some((result) => result.lossFree && result.reached && result.targetMB >= TARGET_MB);
  const limit = lossy
    ? `the agent lost traffic at ${lossy.targetMB} MB/s (${lossy.why.join(', ')})${lossy.reached ? '' : `, the blaster reaching ${fixed(lossy.blasterMBps)} MB/s`}`
    : unreached
      ? `the blaster reached only ${fixed(unreached.blasterMBps)} MB/s of the ${unreached.targetMB} MB/s asked (the agent lost nothing)`
      : `none up to the highest rate asked, ${results.at(-1)!.targetMB} MB/s (the agent lost nothing)`;
  console.log(`  ${label}: target ${TARGET_MB} MB/s with zero loss: ${met ? 'met' : 'NOT met'}; limit: ${limit}`);
}

/** The link with its sink and blaster bound to the generators' CPU when pinning. */
function generatorsPinned(link: ReplayLink): ReplayLink {
  return PINNED
    ? { ...link, launchSink: pinnedTo(GENERATOR_CPU, link.launchSink), launchBlaster: pinnedTo(GENERATOR_CPU, link.launchBlaster) }
    : link;
}

/** The agent capturing the link for the sink's port, pinned when pinning, once its capture is up; with that scrape's series. */
export async function startCapturingAgent(
  link: ReplayLink,
  sinkPort: number,
  buffer: BufferSetting,
): Promise<{ agent: ExporterProcess; up: Series[] }> {
  const agent = await link.startAgent([
    `--sniff.interface=${link.captureInterface}`,
    `--sniff.broker-ports=${sinkPort}`,
    ...buffer.args,
    '--log.level=warn',
    '--log.format=logfmt',
  ]);
  try {
    if (PINNED) await pinProcess(agent.child.pid!, AGENT_CPU);
    const up = await waitForScrape(
      agent.url,
      'capture up',
      (series) => series.some((entry) => entry.name === 'kafka_sonar_capture_up' && entry.value === 1),
      10_000,
    );
    return { agent, up };
  } catch (error) {
    await agent.stop();
    throw error;
  }
}

/** The rising steps on one link with one capture buffer; the results up to the first lossy or unreached step. */
async function measureLink(unpinned: ReplayLink, recording: Recording, buffer: BufferSetting): Promise<StepResult[]> {
  const link = generatorsPinned(unpinned);
  const sink = await startSink(recording.file, link.sinkHost, link.launchSink);
  let agent: ExporterProcess | undefined;
  try {
    let up: Series[];
    ({ agent, up } = await startCapturingAgent(link, sink.port, buffer));
    console.log(
      `\n${link.description}, ${buffer.description}: sink port ${sink.port}, ${STEP_SECONDS} s per step, ${CONNECTIONS} TCP connection(s), ` +
        `${PINNED ? `agent on CPU ${AGENT_CPU}, sink and blaster on CPU ${GENERATOR_CPU}` : 'no CPU pinning'}${droppedPackets(up) === undefined ? '; kernel drops: not reported' : ''}`,
    );
    const warmUp = await blastAt(link, recording, sink.port, RATES_MB[0]!, WARMUP_SECONDS);
    const expected: Expected = { records: warmUp.records, requests: warmUp.requests };
    let series = await settledScrape(agent, expected);
    const results: StepResult[] = [];
    for (const targetMB of RATES_MB) {
      const measured = await step(link, recording, agent, sink.port, targetMB, series, expected);
      series = measured.series;
      results.push(measured.result);
      printStep(measured.result);
      if (!measured.result.lossFree || !measured.result.reached) break;
    }
    printSummary(`${link.captureInterface}, ${buffer.description}`, results);
    return results;
  } finally {
    await agent?.stop();
    await sink.stop();
  }
}

function describeRecording(recording: Recording): string {
  const { requests, records } = recording.frames;
  const frameBytes = requests.reduce((sum, frame) => sum + frame.length, 0);
  return (
    `recorded ${requests.length} Produce requests of ProducerPerformance (${PRODUCER_PROPERTIES.join(', ')}), ` +
    `${recording.brokerRecords} records of ${RECORD_SIZE} B in ${fixed(recording.producerSeconds)} s, ` +
    `${fixed(records.reduce((sum, count) => sum + count, 0) / requests.length)} records and ${fixed(frameBytes / requests.length / 1000)} kB per request; ` +
    'records decoded = broker end offset delta'
  );
}

/** ProducerPerformance's Produce requests and responses on the 1-broker `bed`, recorded into `dir` for the blaster and the sink. */
export function recordReplayProducer(bed: Testbed, dir: string): Promise<Recording> {
  return recordProducer(bed, dir, {
    clientId: CLIENT_ID,
    records: RECORDED_RECORDS,
    recordSize: RECORD_SIZE,
    producerProperties: PRODUCER_PROPERTIES,
  });
}

/** The replay phase on a running 1-broker test bed (the recording's source). */
export async function runReplayPhase(bed: Testbed): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sonar-bench-replay-'));
  try {
    const recording = await recordReplayProducer(bed, dir);
    console.log(describeRecording(recording));
    for (const makeLink of [loopbackLink, vethLink]) {
      const link = await makeLink();
      try {
        const results = await measureLink(link, recording, DEFAULT_BUFFER);
        if (results.some((result) => (result.drops ?? 0) > 0)) await measureLink(link, recording, LARGE_BUFFER);
      } finally {
        await link.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const started = Date.now();
  const bed = await testbedUp({ mode: 'kraft', brokers: 1, name: BED_NAME });
  try {
    await runReplayPhase(bed);
    console.log(`bench took ${fixed((Date.now() - started) / 1000, 0)} s`);
  } finally {
    await testbedDown({ name: BED_NAME });
  }
}
