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
 * FIN. Then tcpreplay sends that capture from the blaster's end of a new link of the same kind,
 * looping it with --unique-ip (every loop's addresses are new, so every loop is a new connection from
 * its SYN), and the real `kafka-sonar` agent captures the other end (--sniff.broker-ports=<the sink's
 * port>, agent only). Rates rise (100, 200, 300, 400 MB/s of records,
 * BENCH_LIVE_TCPREPLAY_RATES) for about STEP_SECONDS each; tcpreplay's own elapsed time gives the rate.
 *
 * A step is loss-free when the agent's counters moved by no TCP gap, truncated or undecodable packet,
 * resync, undecodable frame, unanswered request or kernel drop, and it counted exactly the records and
 * Produce requests of the recorded blast times the loops. The agent is bound to CPU 1 and tcpreplay to
 * CPU 0 (BENCH_LIVE_REPLAY_PIN=0: no binding). Needs root, tcpreplay (apt-get install tcpreplay) and Java.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../src/capture/capture-reader.ts';
import { startLoopbackCapture } from '../test/fixtures/sniffer/record/tcpdump.ts';
import { run } from '../test/support/netns.ts';
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
  startCapturingAgent,
  type BufferSetting,
  type Expected,
} from './live-replay.ts';
import { vethLink, type ReplayLink } from './replay/links.ts';
import type { Recording } from './replay/recording.ts';
import { startSink } from './replay/sink.ts';

const RATES_MB = (process.env.BENCH_LIVE_TCPREPLAY_RATES ?? '100,200,300,400').split(',').map(Number);
const STEP_SECONDS = Number(process.env.BENCH_LIVE_TCPREPLAY_SECONDS ?? 10);
/** The recorded blast: slow enough for the sender on one core, long enough for a few thousand requests. */
const RECORD_MB_PER_SECOND = 25;
const RECORD_SECONDS = 4;
const REACHED_SHARE = 0.9;

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

/** `use` of a fresh veth link, closed after. */
async function withVethLink<T>(use: (link: ReplayLink) => Promise<T>): Promise<T> {
  const link = await vethLink();
  try {
    return await use(link);
  } finally {
    await link.close();
  }
}

async function recordWire(link: ReplayLink, recording: Recording, dir: string): Promise<WireCapture> {
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

/** A step at 400 MB/s asked took 13 s: a run far past its STEP_SECONDS has hung. */
const REPLAY_TIMEOUT_MS = 120_000;

/**
 * `loops` of the capture put on the link from the blaster's end by tcpreplay. Its --unique-ip changes
 * the addresses from the second loop of a run on, so every run's first loop would repeat an earlier
 * run's connection exactly (addresses, ports, sequence numbers), which a real network never does: each
 * run replays its own copy of the capture, addresses randomized by tcprewrite from the run's `seed`.
 */
async function replayLoops(link: ReplayLink, wire: WireCapture, seed: number, megabitsPerSecond: number, loops: number): Promise<Replayed> {
  const file = `${wire.file}.seed${seed}.pcap`;
  await run('tcprewrite', [`--seed=${seed}`, `--infile=${wire.file}`, `--outfile=${file}`]);
  try {
    const command = [
      ...(link.senderNamespace === undefined ? [] : ['ip', 'netns', 'exec', link.senderNamespace]),
      ...(PINNED ? ['taskset', '-c', String(GENERATOR_CPU)] : []),
      'tcpreplay',
      `--intf1=${link.senderInterface}`,
      `--mbps=${megabitsPerSecond}`,
      `--loop=${loops}`,
      '--unique-ip',
      '--preload-pcap',
      file,
    ];
    const { stdout, stderr } = await run(command[0]!, command.slice(1), { timeoutMs: REPLAY_TIMEOUT_MS });
    return parseTcpreplay(`${stdout}${stderr}`);
  } finally {
    rmSync(file, { force: true });
  }
}

interface Step {
  targetMB: number;
  recordsMBps: number;
  lossFree: boolean;
  why: string[];
}

/** The rising steps on `link` with one capture buffer; the results up to the first lossy or unreached step. */
async function measure(link: ReplayLink, wire: WireCapture, buffer: BufferSetting): Promise<Step[]> {
  const { agent } = await startCapturingAgent(link, wire.sinkPort, buffer);
  try {
    console.log(
      `\n${link.description}, tcpreplay on ${link.senderInterface}, ${buffer.description}; ` +
        `${PINNED ? `agent on CPU ${AGENT_CPU}, tcpreplay on CPU ${GENERATOR_CPU}` : 'no CPU pinning'}`,
    );
    const packetBytesPerRecordByte = wire.packetBytes / wire.recordBytes;
    const expected: Expected = { records: 0, requests: 0 };
    // An unmeasured warm-up loop lets the agent's JIT settle.
    await replayLoops(link, wire, 1, Math.round(50 * 8 * packetBytesPerRecordByte), 1);
    expected.records += wire.records;
    expected.requests += wire.requests;
    let series = await settledScrape(agent, expected);
    const steps: Step[] = [];
    for (const [index, targetMB] of RATES_MB.entries()) {
      const loops = Math.max(1, Math.round((targetMB * 1e6 * STEP_SECONDS) / wire.recordBytes));
      const before = series;
      const replayed = await replayLoops(link, wire, index + 2, Math.round(targetMB * 8 * packetBytesPerRecordByte), loops);
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
      console.log(
        [
          `  target ${String(targetMB).padStart(3)} MB/s: tcpreplay ${loops} loops in ${fixed(replayed.seconds, 2)} s, ${fixed(recordsMBps)} MB/s of records${reached ? '' : ' (target not reached)'},`,
          `${fixed(replayed.packets / replayed.seconds / 1000)} k packets/s;`,
          `agent ${records} records, ${produceRequests} Produce requests; captured ${delta.packets} packets ${fixed(capturedMBps)} MB/s, dropped ${drops ?? '?'};`,
          `CPU ${fixed(delta.cpuSeconds, 2)} s (${fixed(gb > 0 ? delta.cpuSeconds / gb : 0, 2)} s/GB, ${fixed((delta.packets > 0 ? delta.cpuSeconds / delta.packets : 0) * 1e6, 2)} µs/packet, ${fixed((delta.cpuSeconds / replayed.seconds) * 100, 0)} % of a core);`,
          why.length === 0 ? 'loss-free' : `LOSS: ${why.join(', ')}`,
        ].join(' '),
      );
      steps.push({ targetMB, recordsMBps, lossFree: why.length === 0 && reached, why: reached ? why : [...why, 'rate not reached'] });
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
    await agent.stop();
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
    const wire = await withVethLink((link) => recordWire(link, recording, dir));
    console.log(
      `recorded at MTU 1500: ${wire.requests} Produce requests, ${wire.records} records (${fixed(wire.recordBytes / 1e6)} MB of records) ` +
        `in ${wire.packets} packets of ${fixed(wire.packetBytes / wire.packets, 0)} B on average (${fixed(wire.packetBytes / 1e6)} MB); ` +
        `every loop of it is ${wire.records} records for the agent to count`,
    );
    // Replayed on a link of its own: its interfaces' MAC addresses are not the recorded ones, so, like a
    // sniffer's view of other hosts' traffic, the packets are captured but not taken in by the stack there.
    await withVethLink(async (link) => {
      const steps = await measure(link, wire, DEFAULT_BUFFER);
      if (steps.some((step) => step.why.some((reason) => reason.includes('dropped before')))) await measure(link, wire, LARGE_BUFFER);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const started = Date.now();
  await main();
  console.log(`bench took ${fixed((Date.now() - started) / 1000, 0)} s`);
}
