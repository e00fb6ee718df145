/**
 * npm run bench:decode [-- --large | --churn [SIZE_MB]] — throughput of the whole sniffer pipeline on one core.
 *
 * Default: records /tmp/kafka-sonar-bench-decode.pcap once (not committed; needs root and Java, about
 * a minute): over 1 GB of real mixed traffic from a one-broker test bed (see decode-capture.ts).
 * --large: records /tmp/kafka-sonar-bench-large.pcap instead, dominated by produce requests and fetch
 * responses over 8 MiB (see recordLargeFrameCapture); its records are 400,000 produced and 400,000 fetched.
 * --churn: builds /tmp/kafka-sonar-bench-churn-<SIZE_MB>mb.pcap (default 1100) from the recorded
 * fixtures of test/fixtures/sniffer instead: every fixture merged on one timeline and replayed again
 * and again, each replica's client on its own address, 16 replicas interleaved packet by packet. Its
 * connections are short (connect, authenticate, a few requests, close), the worst case per byte.
 *
 * First the start-up of the command as a user runs it (the compiled package, dist/: `kafka-sonar --help`
 * and `kafka-sonar replay` of the small demo capture, whole process, median of 9). Then times `tcpdump -r
 * FILE -w /dev/null` (the raw-read baseline) and the sniffer (read, decode link/IP/TCP, reassemble, frame,
 * decode Kafka, pair, attribute) in a child process, so that the peak RSS reported is the sniffer's own,
 * and, whole process over several runs (median): `tcpdump -r`, `kafka-sonar replay FILE --summary` and
 * tshark's Kafka dissector, side by side with the ratios the targets name.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../src/capture/capture-reader.ts';
import { sniffCapture } from '../src/sniffer/sniff-capture.ts';
import { LAUNCHER } from '../test/support/exporter-process.ts';

const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'sniffer');
const INTERLEAVED = 16;
const ETHERNET_HEADER = 14;
const LINKTYPE_ETHERNET = 1;

interface TemplatePacket {
  micros: number;
  frame: Buffer;
  /** Where the client's IPv4 address sits in the frame. */
  clientAddressAt: number;
}

/** Every packet of every fixture, each fixture's clock starting at 0, merged by time. */
async function template(): Promise<TemplatePacket[]> {
  const packets: TemplatePacket[] = [];
  for (const file of readdirSync(FIXTURES).filter((name) => name.endsWith('.json'))) {
    const truth = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { capture: string; brokerPorts: number[] };
    let start: number | undefined;
    for await (const packet of readCapture(join(FIXTURES, truth.capture))) {
      if (packet.linkType !== LINKTYPE_ETHERNET) throw new Error(`${truth.capture}: link type ${packet.linkType}, expected Ethernet`);
      const ip = ETHERNET_HEADER;
      const tcp = ip + (packet.data[ip]! & 0x0f) * 4;
      const sourcePort = packet.data.readUInt16BE(tcp);
      start ??= packet.timestampMicros;
      packets.push({
        micros: packet.timestampMicros - start,
        frame: Buffer.from(packet.data),
        clientAddressAt: truth.brokerPorts.includes(sourcePort) ? ip + 16 : ip + 12,
      });
    }
  }
  return packets.sort((a, b) => a.micros - b.micros);
}

async function buildCapture(path: string, targetBytes: number): Promise<void> {
  const packets = await template();
  const span = packets.at(-1)!.micros + 1_000_000;
  const out = createWriteStream(`${path}.partial`, { highWaterMark: 4 << 20 });
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262_144, 16);
  header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  out.write(header);
  let written = header.length;
  const base = 1_700_000_000_000_000;
  for (let batch = 0; written < targetBytes; batch++) {
    let pending: Buffer[] = [];
    for (const packet of packets) {
      for (let copy = 0; copy < INTERLEAVED; copy++) {
        const replica = batch * INTERLEAVED + copy;
        const frame = Buffer.from(packet.frame);
        // The client of each replica gets its own address (10.0.0.0/8), so every connection is new.
        frame.writeUInt32BE((0x0a000000 | (replica + 1)) >>> 0, packet.clientAddressAt);
        const micros = base + batch * span + packet.micros;
        const record = Buffer.alloc(16);
        record.writeUInt32LE(Math.floor(micros / 1e6), 0);
        record.writeUInt32LE(micros % 1e6, 4);
        record.writeUInt32LE(frame.length, 8);
        record.writeUInt32LE(frame.length, 12);
        pending.push(record, frame);
        written += record.length + frame.length;
      }
      if (pending.length >= 4096) {
        if (!out.write(Buffer.concat(pending))) await once(out, 'drain');
        pending = [];
      }
    }
    out.write(Buffer.concat(pending));
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${path}.partial`, path);
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The child: decodes the capture and prints one JSON line of figures. */
async function measure(path: string, maxFrameBytes: number | undefined): Promise<void> {
  let exchanges = 0;
  let records = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = await sniffCapture(
    path,
    {
      exchange: (exchange) => {
        exchanges++;
        records += exchange.records;
      },
    },
    maxFrameBytes === undefined ? {} : { maxFrameBytes },
  );
  const elapsed = seconds(start);
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(
    `${JSON.stringify({ elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6, packets: result.capture.packets, exchanges, records, maxRssKb: process.resourceUsage().maxRSS, counters: result.sniffer })}\n`,
  );
}

const ROOT = join(import.meta.dirname, '..');
const COMMAND = join(ROOT, 'dist', 'cli', 'main.js');

interface RunSeconds {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Wall seconds of `runs` whole runs of a command, its output discarded: minimum, median and maximum. */
function timedRuns(command: string, args: readonly string[], runs: number): RunSeconds {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(seconds(started));
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.toString()}`);
  }
  times.sort((a, b) => a - b);
  return { min: times[0]!, median: times[Math.floor(times.length / 2)]!, max: times.at(-1)! };
}

/** Whole runs of the compiled command, as a user runs it. */
function commandSeconds(args: readonly string[], runs: number): RunSeconds {
  if (!existsSync(COMMAND)) throw new Error(`${COMMAND} is missing: run npm run build`);
  // As a user runs the installed command: through its launcher.
  return timedRuns(LAUNCHER, args, runs);
}

/** The broker's port: the one port every packet of the capture's first ones has on a side. */
function brokerPort(path: string): number {
  const lines = spawnSync('tcpdump', ['-nn', '-r', path, '-c', '50'], { encoding: 'utf8' }).stdout.trim().split('\n');
  const portSets = lines.map((line) => new Set([...line.matchAll(/\.(\d+)[ :]/g)].map((match) => Number(match[1]))));
  const port = [...(portSets[0] ?? [])].find((candidate) => portSets.every((ports) => ports.has(candidate)));
  if (port === undefined) throw new Error(`${path}: no port common to its first packets`);
  return port;
}

function printStartup(): void {
  const demo = join(ROOT, 'examples', 'demo-traffic.pcap');
  for (const [label, args] of [
    ['kafka-sonar --help', ['--help']],
    ['kafka-sonar replay demo', ['replay', demo, '--summary']],
  ] as const) {
    const { min, median, max } = commandSeconds(args, 9);
    const ms = (value: number): string => (value * 1000).toFixed(0);
    process.stdout.write(
      `start-up          ${label}: median ${ms(median)} ms (min ${ms(min)}, max ${ms(max)}); target < 150 ms: ${median < 0.15 ? 'met' : 'MISSED'}\n`,
    );
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--measure')
    return measure(process.argv[3]!, process.argv[4] === undefined ? undefined : Number(process.argv[4]));
  printStartup();
  let path: string;
  if (process.argv[2] === '--churn') {
    const sizeMb = Number(process.argv[3] ?? 1100);
    path = `/tmp/kafka-sonar-bench-churn-${sizeMb}mb.pcap`;
    if (!existsSync(path)) {
      process.stdout.write(`building ${path} from the fixtures...\n`);
      await buildCapture(path, sizeMb * 1e6);
    }
  } else {
    const large = process.argv[2] === '--large';
    path = large ? '/tmp/kafka-sonar-bench-large.pcap' : '/tmp/kafka-sonar-bench-decode.pcap';
    if (!existsSync(path)) {
      process.stdout.write(`recording ${path} from a test bed (about a minute)...\n`);
      // Imported here only: the measuring child should not load the test bed and client libraries.
      const { recordBenchCapture, recordLargeFrameCapture } = await import('./decode-capture.ts');
      const dropped = await (large ? recordLargeFrameCapture : recordBenchCapture)(`${path}.partial`);
      renameSync(`${path}.partial`, path);
      if (dropped > 0) process.stdout.write(`tcpdump: ${dropped} packets dropped by the kernel (the sniffer sees them as gaps)\n`);
    }
  }
  const bytes = statSync(path).size;
  const mb = bytes / 1e6;

  const raw = timedRuns('tcpdump', ['-r', path, '-w', '/dev/null'], WHOLE_RUNS);
  const rawSeconds = raw.median;

  const figures = measureInChild(path, undefined);
  const sonarMbps = mb / figures.elapsed;
  const rawMbps = mb / rawSeconds;
  const rssMb = figures.maxRssKb / 1024;
  // The same capture with every frame over 64 KiB never buffered whole: fetch responses decoded as they pass.
  const streamed = measureInChild(path, STREAMED_FRAME_LIMIT);
  const lines = [
    `capture           ${path}: ${mb.toFixed(0)} MB, ${figures.packets} packets, ${figures.counters.kafkaConnections} Kafka connections`,
    `tcpdump -r        ${rawSeconds.toFixed(2)} s  ${rawMbps.toFixed(0)} MB/s  (raw-read baseline)`,
    `kafka-sonar       ${figures.elapsed.toFixed(2)} s  ${sonarMbps.toFixed(0)} MB/s  ${(figures.packets / figures.elapsed / 1e3).toFixed(0)} k packets/s  ${(
      (100 * sonarMbps) / rawMbps
    ).toFixed(
      0,
    )}% of tcpdump  peak RSS ${rssMb.toFixed(0)} MB  (CPU ${figures.cpuSeconds.toFixed(2)} s: user + system of the decoding process)`,
    `streamed          ${streamed.elapsed.toFixed(2)} s  ${(mb / streamed.elapsed).toFixed(0)} MB/s  peak RSS ${(streamed.maxRssKb / 1024).toFixed(0)} MB with --sniff.max-frame-size=64KiB: ${streamed.counters.framing.oversizeFrames} frames decoded as they passed, ${streamed.records} records (${streamed.records === figures.records ? 'the same' : `NOT the same as ${figures.records}`})`,
    `decoded           ${figures.exchanges} exchanges, ${figures.records} records; ${figures.counters.undecodableRequests + figures.counters.undecodableBodies} undecodable, ${figures.counters.responsesWithoutRequest} responses without request; ${figures.counters.framing.oversizeFrames} frames over the default --sniff.max-frame-size (8 MiB) decoded as they passed`,
    `targets           >= 300 MB/s: ${sonarMbps >= 300 ? 'met' : 'MISSED'}; net >= 50% of tcpdump: ${sonarMbps >= rawMbps / 2 ? 'met' : 'MISSED'}; RSS < 200 MB: ${rssMb < 200 ? 'met' : 'MISSED'}`,
  ];
  const wholeProcess = commandSeconds(['replay', path, '--summary'], WHOLE_RUNS);
  const port = brokerPort(path);
  const tshark = timedRuns(
    'tshark',
    ['-r', path, '-d', `tcp.port==${port},kafka`, '-Y', 'kafka', '-T', 'fields', '-e', 'kafka.api_key'],
    WHOLE_RUNS,
  );
  const run = (label: string, timing: RunSeconds, note: string): string =>
    `  ${label.padEnd(58)} ${timing.median.toFixed(2)} s (${timing.min.toFixed(2)}-${timing.max.toFixed(2)})  ${(mb / timing.median).toFixed(0).padStart(5)} MB/s  ${note}`;
  const shareOfTcpdump = rawSeconds / wholeProcess.median;
  const timesTshark = tshark.median / wholeProcess.median;
  lines.push(
    `whole process, median of ${WHOLE_RUNS} runs on the page-cached file:`,
    run('tcpdump -r FILE -w /dev/null', raw, ''),
    run(
      'kafka-sonar replay FILE --summary',
      wholeProcess,
      `${(100 * shareOfTcpdump).toFixed(0)}% of tcpdump (target >= 50%: ${shareOfTcpdump >= 0.5 ? 'met' : 'MISSED'})`,
    ),
    run(
      `tshark -d tcp.port==${port},kafka -Y kafka -e kafka.api_key`,
      tshark,
      `kafka-sonar is ${timesTshark.toFixed(1)}x faster (target >= 5x: ${timesTshark >= 5 ? 'met' : 'MISSED'})`,
    ),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

const STREAMED_FRAME_LIMIT = 65_536;
const WHOLE_RUNS = 3;

interface MeasuredFigures {
  elapsed: number;
  cpuSeconds: number;
  packets: number;
  exchanges: number;
  records: number;
  maxRssKb: number;
  counters: {
    undecodableRequests: number;
    undecodableBodies: number;
    responsesWithoutRequest: number;
    kafkaConnections: number;
    framing: { oversizeFrames: number };
  };
}

/** The sniffer over the capture in a child process, so that its peak RSS is its own. */
function measureInChild(path: string, maxFrameBytes: number | undefined): MeasuredFigures {
  const args = [import.meta.filename, '--measure', path, ...(maxFrameBytes === undefined ? [] : [String(maxFrameBytes)])];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`decoding failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as MeasuredFigures;
}

await main();
