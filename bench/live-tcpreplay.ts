/**
 * npm run bench:live:tcpreplay — the live agent at MTU 1500, fed by tcpreplay instead of a TCP sender.
 *
 * Why: bench:live:replay sends real TCP over a veth pair with MTU 1500, and its sender, not the agent,
 * is the limit there (one core of Node and the kernel's TCP reach about 36 MB/s). Passive capture
 * needs no TCP endpoint at all: the agent only sees packets. So this bench records those packets once
 * and has tcpreplay (Debian's, written in C, packets preloaded in memory) put them on a link as fast
 * as asked.
 *
 * Method: ProducerPerformance's Produce requests and responses are recorded from the 1-broker test bed
 * and checked against the broker's end offsets (as in bench:live:replay). The blaster sends them to the
 * sink over the veth pair with MTU 1500 (gso_max_segs 1: packets of at most 1514 bytes, as a network
 * card puts on the wire) for RECORD_SECONDS, with tcpdump recording both directions from the SYN to the
 * FIN. Then, in a network namespace of its own, tcpreplay sends that capture out of one end of another
 * veth pair, looping it with --unique-ip (every loop's addresses are new, so every loop is a new
 * connection from its SYN), and the real `kafka-sonar` agent captures the other end
 * (--sniff.broker-ports=<the sink's port>, agent only). Rates rise (100, 200, 300, 400 MB/s of records,
 * BENCH_LIVE_TCPREPLAY_RATES) for about STEP_SECONDS each; tcpreplay's own elapsed time gives the rate.
 *
 * A step is loss-free when the agent's counters moved by no TCP gap, truncated or undecodable packet,
 * resync, undecodable frame, unanswered request or kernel drop, and it counted exactly the records and
 * Produce requests of the recorded blast times the loops. The agent is bound to CPU 1 and tcpreplay to
 * CPU 0 (BENCH_LIVE_REPLAY_PIN=0: no binding). Needs root, tcpreplay (apt-get install tcpreplay) and Java.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../src/capture/capture-reader.ts';
import { startExporterInNamespace } from '../test/integration/support/netns-exporter.ts';
import { startLoopbackCapture } from '../test/fixtures/sniffer/record/tcpdump.ts';
import { NetnsLab, run } from '../test/support/netns.ts';
import type { ExporterProcess } from '../test/support/exporter-process.ts';
import { waitForScrape, type Series } from '../test/support/scrape.ts';
import { testbedDown, testbedUp } from '../test/testbed/index.ts';
import { captureLosses, countedBetween } from './agent-metrics.ts';
import {
  AGENT_CPU,
  BED_NAME,
  blastAt,
  CLIENT_ID,
  DEFAULT_BUFFER,
  GENERATOR_CPU,
  LARGE_BUFFER,
  PINNED,
  TARGET_MB,
  fixed,
  recordReplayProducer,
  settledScrape,
  type BufferSetting,
  type Expected,
} from './live-replay.ts';
import { pinProcess } from './replay/child-process.ts';
import { vethLink } from './replay/links.ts';
import type { Recording } from './replay/recording.ts';
import { startSink } from './replay/sink.ts';

const RATES_MB = (process.env.BENCH_LIVE_TCPREPLAY_RATES ?? '100,200,300,400').split(',').map(Number);
const STEP_SECONDS = Number(process.env.BENCH_LIVE_TCPREPLAY_SECONDS ?? 10);
/** The recorded blast: slow enough for the sender on one core, long enough for a few thousand requests. */
const RECORD_MB_PER_SECOND = 25;
const RECORD_SECONDS = 4;
const REACHED_SHARE = 0.9;
const AGENT_PORT = 9464;
const SCRAPE_SUBNET = `10.204.${250 + (process.pid % 5)}`;

/** One recorded blast at MTU 1500, both directions, SYN to FIN, and what it carried. */
interface WireCapture {
  readonly file: string;
  readonly sinkPort: number;
  readonly records: number;
  readonly requests: number;
  readonly recordBytes: number;
  readonly packets: number;
  /** Bytes of the packets as captured (link layer included): what tcpreplay puts on the wire per loop. */
  readonly packetBytes: number;
}

async function recordWire(recording: Recording, dir: string): Promise<WireCapture> {
  const link = await vethLink();
  try {
    const sink = await startSink(recording.file, link.sinkHost, link.launchSink);
    try {
      const file = join(dir, 'mtu1500.pcap');
      const capture = await startLoopbackCapture(file, [sink.port], {
        interface: link.captureInterface,
        namespace: link.captureNamespace,
        bufferKib: 262_144,
      });
      const sent = await blastAt(link, recording, sink.port, RECORD_MB_PER_SECOND, RECORD_SECONDS);
      await capture.stop();
      if (sent.responses !== sent.requests)
        throw new Error(`the sink answered ${sent.responses} of ${sent.requests} requests while recording`);
      let packets = 0;
      let packetBytes = 0;
      let largest = 0;
      for await (const packet of readCapture(file)) {
        packets++;
        packetBytes += packet.data.length;
        largest = Math.max(largest, packet.data.length);
      }
      if (largest > 1514) throw new Error(`the recorded capture holds a packet of ${largest} bytes: the link is not at MTU 1500`);
      return {
        file,
        sinkPort: sink.port,
        records: sent.records,
        requests: sent.requests,
        recordBytes: sent.recordBytes,
        packets,
        packetBytes,
      };
    } finally {
      await sink.stop();
    }
  } finally {
    await link.close();
  }
}

interface Replayed {
  readonly packets: number;
  readonly seconds: number;
  readonly failed: number;
}

/** tcpreplay's summary: "Actual: N packets (B bytes) sent in S seconds" and "Failed packets: F". */
function parseTcpreplay(output: string): Replayed {
  const actual = /Actual: (\d+) packets \(\d+ bytes\) sent in ([\d.]+) seconds/.exec(output);
  const failed = /Failed packets:\s+(\d+)/.exec(output);
  if (!actual || !failed) throw new Error(`tcpreplay's summary was not understood:\n${output}`);
  return { packets: Number(actual[1]), seconds: Number(actual[2]), failed: Number(failed[1]) };
}

/**
 * tcpreplay's --unique-ip changes the addresses from the second loop of a run on, so every run's first
 * loop would repeat an earlier run's connection exactly (addresses, ports, sequence numbers), which a
 * real network never does: each run gets its own copy of the capture with addresses randomized by
 * tcprewrite from the run's own seed.
 */
async function withOwnAddresses<T>(wire: WireCapture, seed: number, use: (file: string) => Promise<T>): Promise<T> {
  const file = `${wire.file}.seed${seed}.pcap`;
  await run('tcprewrite', [`--seed=${seed}`, `--infile=${wire.file}`, `--outfile=${file}`]);
  try {
    return await use(file);
  } finally {
    rmSync(file, { force: true });
  }
}

async function tcpreplay(
  namespace: string,
  device: string,
  wire: WireCapture,
  seed: number,
  megabitsPerSecond: number,
  loops: number,
): Promise<Replayed> {
  return await withOwnAddresses(wire, seed, (file) => replayFile(namespace, device, file, megabitsPerSecond, loops));
}

function replayFile(namespace: string, device: string, file: string, megabitsPerSecond: number, loops: number): Promise<Replayed> {
  const args = [
    'netns',
    'exec',
    namespace,
    'tcpreplay',
    `--intf1=${device}`,
    `--mbps=${megabitsPerSecond}`,
    `--loop=${loops}`,
    '--unique-ip',
    '--preload-pcap',
    file,
  ];
  const command = PINNED ? ['taskset', '-c', String(GENERATOR_CPU), 'ip', ...args] : ['ip', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`tcpreplay exited with ${code}:\n${output}`));
      else {
        try {
          resolve(parseTcpreplay(output));
        } catch (error) {
          reject(error);
        }
      }
    });
  });
}

interface Step {
  targetMB: number;
  loops: number;
  replayed: Replayed;
  recordsMBps: number;
  lossFree: boolean;
  why: string[];
  line: string;
}

async function measure(wire: WireCapture, buffer: BufferSetting): Promise<Step[]> {
  const lab = await NetnsLab.create();
  let agent: ExporterProcess | undefined;
  try {
    const agentSide = await lab.namespace('agent');
    const wireSide = await lab.namespace('wire');
    const data = await lab.link(agentSide, [], wireSide, [], { mtu: 1500 });
    await lab.linkToRoot([`${SCRAPE_SUBNET}.1/24`], agentSide, [`${SCRAPE_SUBNET}.2/24`]);
    agent = await startExporterInNamespace(agentSide.name, { host: `${SCRAPE_SUBNET}.2`, port: AGENT_PORT }, [
      `--sniff.interface=${data.aInterface}`,
      `--sniff.broker-ports=${wire.sinkPort}`,
      ...buffer.args,
      '--log.level=warn',
      '--log.format=logfmt',
    ]);
    if (PINNED) await pinProcess(agent.child.pid!, AGENT_CPU);
    let series: Series[] = await waitForScrape(
      agent.url,
      'capture up',
      (entries) => entries.some((entry) => entry.name === 'kafka_sonar_capture_up' && entry.value === 1),
      10_000,
    );
    console.log(
      `\nveth pair (MTU 1500) in a network namespace, tcpreplay on ${data.bInterface}, the agent capturing ${data.aInterface}, ${buffer.description}; ` +
        `${PINNED ? `agent on CPU ${AGENT_CPU}, tcpreplay on CPU ${GENERATOR_CPU}` : 'no CPU pinning'}`,
    );
    const packetBytesPerRecordByte = wire.packetBytes / wire.recordBytes;
    const expected: Expected = { records: 0, requests: 0 };
    // An unmeasured warm-up loop lets the agent's JIT settle.
    await tcpreplay(wireSide.name, data.bInterface, wire, 1, Math.round(50 * 8 * packetBytesPerRecordByte), 1);
    expected.records += wire.records;
    expected.requests += wire.requests;
    series = await settledScrape(agent, expected);
    const steps: Step[] = [];
    for (const [index, targetMB] of RATES_MB.entries()) {
      const loops = Math.max(1, Math.round((targetMB * 1e6 * STEP_SECONDS) / wire.recordBytes));
      const before = series;
      const replayed = await tcpreplay(
        wireSide.name,
        data.bInterface,
        wire,
        index + 2,
        Math.round(targetMB * 8 * packetBytesPerRecordByte),
        loops,
      );
      expected.records += wire.records * loops;
      expected.requests += wire.requests * loops;
      series = await settledScrape(agent, expected);
      const { delta, drops, client } = countedBetween(before, series, CLIENT_ID);
      const { records, produceRequests, unanswered } = client;
      const why = captureLosses(delta, drops);
      if (replayed.failed > 0) why.push(`tcpreplay failed to send ${replayed.failed} packets`);
      if (unanswered > 0) why.push(`${unanswered} unanswered requests`);
      if (records !== wire.records * loops) why.push(`records ${records} seen of ${wire.records * loops}`);
      if (produceRequests !== wire.requests * loops) why.push(`Produce requests ${produceRequests} seen of ${wire.requests * loops}`);
      if (delta.packets < wire.packets * loops) why.push(`${delta.packets} packets captured of ${wire.packets * loops}`);
      const recordsMBps = (wire.recordBytes * loops) / 1e6 / replayed.seconds;
      const capturedMBps = delta.bytes / 1e6 / replayed.seconds;
      const gb = delta.bytes / 1e9;
      const reached = recordsMBps >= targetMB * REACHED_SHARE;
      const line = [
        `  target ${String(targetMB).padStart(3)} MB/s: tcpreplay ${loops} loops in ${fixed(replayed.seconds, 2)} s, ${fixed(recordsMBps)} MB/s of records${reached ? '' : ' (target not reached)'},`,
        `${fixed(replayed.packets / replayed.seconds / 1000)} k packets/s;`,
        `agent ${records} records, ${produceRequests} Produce requests; captured ${delta.packets} packets ${fixed(capturedMBps)} MB/s, dropped ${drops ?? '?'};`,
        `CPU ${fixed(delta.cpuSeconds, 2)} s (${fixed(gb > 0 ? delta.cpuSeconds / gb : 0, 2)} s/GB, ${fixed((delta.packets > 0 ? delta.cpuSeconds / delta.packets : 0) * 1e6, 2)} µs/packet, ${fixed((delta.cpuSeconds / replayed.seconds) * 100, 0)} % of a core);`,
        why.length === 0 ? 'loss-free' : `LOSS: ${why.join(', ')}`,
      ].join(' ');
      console.log(line);
      steps.push({
        targetMB,
        loops,
        replayed,
        recordsMBps,
        lossFree: why.length === 0 && reached,
        why: reached ? why : [...why, 'rate not reached'],
        line,
      });
      if (why.length > 0 || !reached) break;
    }
    const best = steps.filter((step) => step.lossFree).at(-1);
    const met = steps.some((step) => step.lossFree && step.targetMB >= TARGET_MB);
    const stop = steps.find((step) => !step.lossFree);
    console.log(
      `  ${buffer.description}: target ${TARGET_MB} MB/s of records at MTU 1500 with zero loss: ${met ? 'met' : 'NOT met'}; ` +
        `highest loss-free rate ${best ? `${fixed(best.recordsMBps)} MB/s` : 'none'}; ` +
        (stop
          ? `stopped at ${stop.targetMB} MB/s: ${stop.why.join(', ')}`
          : `no loss up to the highest rate asked, ${RATES_MB.at(-1)} MB/s`),
    );
    return steps;
  } finally {
    await agent?.stop();
    await lab.destroy();
  }
}

async function main(): Promise<void> {
  await run('tcpreplay', ['--version']).catch(() => {
    throw new Error('bench:live:tcpreplay needs tcpreplay: apt-get install -y tcpreplay');
  });
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sonar-bench-tcpreplay-'));
  try {
    const bed = await testbedUp({ mode: 'kraft', brokers: 1, name: BED_NAME });
    let recording: Recording;
    try {
      recording = await recordReplayProducer(bed, dir);
    } finally {
      await testbedDown({ name: BED_NAME });
    }
    const wire = await recordWire(recording, dir);
    console.log(
      `recorded at MTU 1500: ${wire.requests} Produce requests, ${wire.records} records (${fixed(wire.recordBytes / 1e6)} MB of records) ` +
        `in ${wire.packets} packets of ${fixed(wire.packetBytes / wire.packets, 0)} B on average (${fixed(wire.packetBytes / 1e6)} MB); ` +
        `every loop of it is ${wire.records} records for the agent to count`,
    );
    const steps = await measure(wire, DEFAULT_BUFFER);
    if (steps.some((step) => step.why.some((reason) => reason.includes('dropped before')))) await measure(wire, LARGE_BUFFER);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const started = Date.now();
  await main();
  console.log(`bench took ${fixed((Date.now() - started) / 1000, 0)} s`);
}
