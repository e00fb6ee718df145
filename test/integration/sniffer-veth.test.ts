// The live agent capturing on a veth pair with MTU 1500, as on a real network card: the broker in
// the root namespace listens on the root end, real clients (kcat, Kafka's Java console tools,
// kafkajs, @platformatic/kafka) run inside a "client" network namespace and send records larger
// than a segment, so every request and response spans many 1514-byte frames. The agent's
// per-client records and topics must equal the ground truth (end offset deltas, and what each
// consumer read) exactly, with no truncated segment and no TCP gap.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { endOffsets } from '../fixtures/sniffer/record/offsets.ts';
import { startLoopbackCapture, type RunningCapture } from '../fixtures/sniffer/record/tcpdump.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { createTopic } from '../support/kafka-clients.ts';
import { NetnsLab, run, type Netns } from '../support/netns.ts';
import { scrape, sumsBy, waitForScrape, type Series } from '../support/scrape.ts';
import { kafkaToolMainClasses, runKafkaTool, testbedDown, testbedUp, uniqueName, type Testbed } from '../testbed/index.ts';
import type { NsProducerOptions } from './support/ns-producer.ts';

const NS_PRODUCER = fileURLToPath(new URL('./support/ns-producer.ts', import.meta.url));
/** Ethernet header + IPv4 + TCP with timestamps + MSS 1448: a full segment at MTU 1500. */
const FULL_FRAME = 14 + 20 + 32 + 1448;
/** One /24 of 10.203.0.0/16 for the root end, away from the fixed ones of netns.ts. */
const SUBNET = `10.203.${100 + (process.pid % 150)}`;
const ROOT_ADDRESS = `${SUBNET}.1`;
const CLIENT_ADDRESS = `${SUBNET}.2`;
const BED_NAME = `sniff-veth-${process.pid.toString(36)}`;

function total(series: readonly Series[], name: string): number | undefined {
  return series.filter((entry) => entry.name === name).reduce<number | undefined>((sum, entry) => (sum ?? 0) + entry.value, undefined);
}

function execIn(namespace: Netns, command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'ip',
      ['netns', 'exec', namespace.name, command, ...args],
      { timeout: 180_000, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${command} ${args.join(' ')} in ${namespace.name} failed: ${error.message.split('\n')[0]}\n${stderr}`));
        else resolve(stdout);
      },
    );
    child.stdin!.end(input);
  });
}

function countLines(output: string): number {
  return output.split('\n').filter((line) => line !== '').length;
}

function bigValue(index: number, size: number): string {
  return `${index} `.padEnd(size, String.fromCharCode(97 + (index % 26)));
}

/** Original lengths of the frames of a classic pcap file as tcpdump writes it. */
function pcapFrameLengths(file: string): number[] {
  const data = readFileSync(file);
  const magic = data.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  assert.ok(little || data.readUInt32BE(0) === 0xa1b2c3d4 || data.readUInt32BE(0) === 0xa1b23c4d, `${file} is a pcap file`);
  const read = (at: number) => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const lengths: number[] = [];
  for (let at = 24; at + 16 <= data.length; ) {
    const included = read(at + 8);
    lengths.push(read(at + 12));
    at += 16 + included;
  }
  return lengths;
}

describe('live capture on a veth pair with MTU 1500, clients in another network namespace', () => {
  let lab: NetnsLab | undefined;
  let client: Netns;
  let rootInterface: string;
  let bed: Testbed | undefined;
  let exporter: ExporterProcess | undefined;
  let tcpdump: RunningCapture | undefined;
  let frames: number[] = [];
  const workDir = mkdtempSync(join(tmpdir(), 'kafka-sonar-veth-'));
  const topics = {
    kcat: uniqueName('sniff-veth-kcat'),
    java: uniqueName('sniff-veth-java'),
    kafkajs: uniqueName('sniff-veth-kafkajs'),
    platformatic: uniqueName('sniff-veth-platformatic'),
  };
  const partitions: Record<string, number> = { [topics.kcat]: 3, [topics.java]: 2, [topics.kafkajs]: 2, [topics.platformatic]: 1 };
  /** Client id -> topic -> records the client itself says it produced. */
  const producers = new Map<string, Record<string, number>>();
  /** "clientId topic" -> records the consumer itself says it read. */
  const consumed = new Map<string, number>();
  const delta = new Map<string, number>();
  let producedBytes = 0;

  before(async () => {
    lab = await NetnsLab.create();
    client = await lab.namespace('client');
    const link = await lab.linkToRoot([`${ROOT_ADDRESS}/24`], client, [`${CLIENT_ADDRESS}/24`], { mtu: 1500 });
    rootInterface = link.aInterface;
    // No ethtool here: a GSO limit of one segment per packet on both ends keeps TSO super-packets
    // (up to 64 KiB, beyond the capture's 65535-byte snap length) off the wire, as on a card doing segmentation.
    await run('ip', ['link', 'set', 'dev', rootInterface, 'gso_max_segs', '1']);
    await run('ip', ['-n', client.name, 'link', 'set', 'dev', link.bInterface, 'gso_max_segs', '1']);
    for (const [where, details] of [
      ['root', (await run('ip', ['-d', 'link', 'show', rootInterface])).stdout],
      ['client', (await client.exec('ip', ['-d', 'link', 'show', link.bInterface])).stdout],
    ]) {
      assert.match(details!, /mtu 1500 /, `${where} end has MTU 1500`);
      assert.match(details!, /gso_max_segs 1 /, `${where} end sends one segment per packet`);
    }

    bed = await testbedUp({ mode: 'kraft', brokers: 1, name: BED_NAME, listenHost: ROOT_ADDRESS });
    assert.equal(bed.bootstrapServers, `${ROOT_ADDRESS}:${bed.brokers[0]!.port}`);
    for (const [topic, count] of Object.entries(partitions)) await createTopic(bed.bootstrapServers, topic, count, 1);
    const port = bed.brokers[0]!.port;

    exporter = await startExporterProcess([
      `--sniff.interface=${rootInterface}`,
      `--sniff.broker-ports=${port}`,
      `--kafka.server=${bed.bootstrapServers}`,
      // The default capture buffer (32 MiB): packed densely (TPACKET_V3), it holds a consumer's fetch responses
      // at MTU 1500. Immediate mode, one 64 KiB slot per packet, held 256 packets and dropped some.
      '--collector.cluster.interval=2s',
      '--collector.quorum.enabled=false',
      '--log.format=logfmt',
    ]);
    await waitForScrape(
      exporter.url,
      'capture up',
      (series) => series.some((entry) => entry.name === 'kafka_sonar_capture_up' && entry.value === 1),
      10_000,
    );
    tcpdump = await startLoopbackCapture(join(workDir, 'veth.pcap'), [port], { interface: rootInterface, bufferKib: 65_536 });

    const bootstrap = bed.bootstrapServers;
    const before = await endOffsets(bootstrap, partitions);

    // kcat: keyed records of 1.5 to 6 KB, then a consumer group reading to the end.
    const kcatRecords = Array.from({ length: 240 }, (_, index) => `key-${index}:${bigValue(index, 1_500 + (index % 10) * 500)}`);
    producedBytes += kcatRecords.reduce((sum, line) => sum + line.length, 0);
    await execIn(
      client,
      'kcat',
      ['-P', '-b', bootstrap, '-t', topics.kcat, '-K', ':', '-X', 'client.id=veth-kcat-producer'],
      kcatRecords.map((line) => `${line}\n`).join(''),
    );
    producers.set('veth-kcat-producer', { [topics.kcat]: kcatRecords.length });
    const kcatRead = await execIn(client, 'kcat', [
      '-b',
      bootstrap,
      '-G',
      uniqueName('veth-kcat-group'),
      '-e',
      '-q',
      '-X',
      'client.id=veth-kcat-consumer',
      '-X',
      'auto.offset.reset=earliest',
      topics.kcat,
    ]);
    consumed.set(`veth-kcat-consumer ${topics.kcat}`, countLines(kcatRead));

    // Kafka's Java console producer and consumer, run inside the namespace.
    const prefix = ['ip', 'netns', 'exec', client.name];
    const javaRecords = Array.from({ length: 150 }, (_, index) => bigValue(index, 3_000));
    producedBytes += javaRecords.length * 3_000;
    const producedByJava = await runKafkaTool(
      bed,
      kafkaToolMainClasses(bed).consoleProducer,
      [
        '--bootstrap-server',
        bootstrap,
        '--topic',
        topics.java,
        '--command-property',
        'client.id=veth-java-producer',
        '--command-property',
        'linger.ms=20',
      ],
      { input: javaRecords.map((line) => `${line}\n`).join(''), commandPrefix: prefix, timeoutMs: 120_000 },
    );
    assert.equal(producedByJava.code, 0, producedByJava.stderr);
    producers.set('veth-java-producer', { [topics.java]: javaRecords.length });
    const readByJava = await runKafkaTool(
      bed,
      kafkaToolMainClasses(bed).consoleConsumer,
      [
        '--bootstrap-server',
        bootstrap,
        '--topic',
        topics.java,
        '--from-beginning',
        '--max-messages',
        String(javaRecords.length),
        '--timeout-ms',
        '30000',
        '--group',
        uniqueName('veth-java-group'),
        '--command-property',
        'client.id=veth-java-consumer',
      ],
      { commandPrefix: prefix, timeoutMs: 120_000 },
    );
    assert.equal(readByJava.code, 0, readByJava.stderr);
    consumed.set(`veth-java-consumer ${topics.java}`, countLines(readByJava.stdout));

    // kafkajs and @platformatic/kafka, each in its own Node process inside the namespace.
    for (const options of [
      { library: 'kafkajs', bootstrap, topic: topics.kafkajs, clientId: 'veth-kafkajs', count: 137, size: 2_500 },
      { library: 'platformatic', bootstrap, topic: topics.platformatic, clientId: 'veth-platformatic', count: 120, size: 4_000, batch: 30 },
    ] satisfies NsProducerOptions[]) {
      const output = await execIn(client, process.execPath, [NS_PRODUCER, JSON.stringify(options)]);
      const { produced } = JSON.parse(output.trim().split('\n').at(-1)!) as { produced: number };
      producers.set(options.clientId, { [options.topic]: produced });
      producedBytes += options.count * options.size;
    }

    const afterOffsets = await endOffsets(bootstrap, partitions);
    for (const topic of Object.keys(partitions)) delta.set(topic, afterOffsets[topic]! - before[topic]!);
  });

  after(async () => {
    await tcpdump?.stop().catch(() => undefined);
    await exporter?.stop();
    await lab?.destroy();
    await testbedDown({ name: BED_NAME });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('the clients really went over the veth pair, in frames of at most 1514 bytes, and many full ones', async () => {
    await tcpdump!.stop();
    tcpdump = undefined;
    frames = pcapFrameLengths(join(workDir, 'veth.pcap'));
    const largest = Math.max(...frames);
    const full = frames.filter((length) => length === FULL_FRAME).length;
    assert.ok(largest <= FULL_FRAME, `largest frame on the wire ${largest} bytes, above MTU 1500`);
    // Each record is larger than a segment: produced bytes alone fill at least that many full frames.
    assert.ok(
      full >= Math.floor(producedBytes / 1448 / 2),
      `${full} full-size frames for ${producedBytes} bytes produced (${frames.length} frames in all)`,
    );
  });

  it('counts exactly the records each topic received (end offset delta), per producing client', async () => {
    const expected = new Map<string, number>();
    for (const [clientId, byTopic] of producers) {
      for (const [topic, count] of Object.entries(byTopic)) {
        assert.equal(delta.get(topic), count, `${clientId}: client and end offsets agree on ${topic}`);
        expected.set(`${clientId} ${topic}`, count);
      }
    }
    const series = await waitForScrape(
      exporter!.url,
      'produced records',
      (all) => {
        const seen = sumsBy(all, 'kafka_client_produce_records_total', 'client_id', 'topic');
        return [...expected].every(([key, count]) => seen.get(key) === count);
      },
      30_000,
      /kafka_client_produce_records_total/,
    );
    const seen = sumsBy(series, 'kafka_client_produce_records_total', 'client_id', 'topic');
    assert.deepEqual(
      new Map([...seen].filter(([key]) => delta.has(key.split(' ')[1]!))),
      expected,
      'no other client produced to these topics',
    );
  });

  it('counts exactly the records each consumer received', async () => {
    assert.equal(consumed.get(`veth-kcat-consumer ${topics.kcat}`), delta.get(topics.kcat), 'kcat read the whole topic');
    assert.equal(consumed.get(`veth-java-consumer ${topics.java}`), delta.get(topics.java), 'the console consumer read the whole topic');
    const series = await waitForScrape(
      exporter!.url,
      'fetched records',
      (all) => {
        const seen = sumsBy(all, 'kafka_client_fetch_records_total', 'client_id', 'topic');
        return [...consumed].every(([key, count]) => seen.get(key) === count);
      },
      30_000,
      /kafka_client_fetch_records_total/,
    );
    const fetched = sumsBy(series, 'kafka_client_fetch_records_total', 'client_id', 'topic');
    assert.deepEqual(
      new Map([...fetched].filter(([key]) => delta.has(key.split(' ')[1]!))),
      consumed,
      'no other client fetched records of these topics',
    );
    assert.equal(total(series, 'kafka_client_replication_fetch_records_total') ?? 0, 0, 'one broker: no replication');
  });

  it('tells producers and consumers apart, and serves them per topic', async () => {
    const { series } = await scrape(exporter!.url);
    const roles = [...sumsBy(series, 'kafka_client_info', 'client_id', 'role').keys()];
    for (const clientId of producers.keys())
      assert.ok(roles.includes(`${clientId} producer`), `${clientId} is a producer: ${roles.join(', ')}`);
    for (const key of consumed.keys())
      assert.ok(roles.includes(`${key.split(' ')[0]} consumer`), `${key.split(' ')[0]} is a consumer: ${roles.join(', ')}`);
    const byTopic = (await (await fetch(`${exporter!.url}/topics/${topics.kcat}/clients`)).json()) as {
      producers: { clientId: string }[];
      consumers: { clientId: string }[];
    };
    assert.deepEqual(
      byTopic.producers.map((entry) => entry.clientId),
      ['veth-kcat-producer'],
    );
    assert.deepEqual(
      byTopic.consumers.map((entry) => entry.clientId),
      ['veth-kcat-consumer'],
    );
    const listed = (await (await fetch(`${exporter!.url}/clients?role=producer&topic=${topics.platformatic}`)).json()) as {
      connections: { clientId: string; recordsProduced: number }[];
    };
    assert.deepEqual([...new Set(listed.connections.map((entry) => entry.clientId))], ['veth-platformatic']);
    assert.equal(
      listed.connections.reduce((sum, entry) => sum + entry.recordsProduced, 0),
      delta.get(topics.platformatic),
    );
  });

  it('lost nothing with the default capture buffer: no drop, no truncated segment, no TCP gap, no resync, every packet decoded', async () => {
    const { series } = await scrape(exporter!.url);
    assert.deepEqual(
      series.filter((entry) => entry.name === 'kafka_sonar_capture_up').map((entry) => [entry.labels.source, entry.value]),
      [[rootInterface, 1]],
    );
    assert.equal(total(series, 'kafka_sonar_capture_truncated_packets_total'), 0, 'truncated segments');
    assert.equal(total(series, 'kafka_sonar_sniffer_tcp_gaps_total'), 0, 'TCP gaps');
    assert.equal(total(series, 'kafka_sonar_sniffer_tcp_gap_bytes_total'), 0, 'TCP gap bytes');
    assert.equal(total(series, 'kafka_sonar_sniffer_resyncs_total'), 0, 'resyncs');
    assert.equal(total(series, 'kafka_sonar_sniffer_undecodable_frames_total'), 0, 'undecodable Kafka frames');
    assert.equal(total(series, 'kafka_sonar_capture_undecodable_packets_total') ?? 0, 0, 'undecodable packets');
    assert.equal(total(series, 'kafka_sonar_capture_dropped_packets_total'), 0, 'packets dropped by the kernel or the interface');
    // The agent saw the same small frames as tcpdump: on average no larger than a full segment, and about as many.
    const packets = total(series, 'kafka_sonar_capture_packets_total')!;
    const bytes = total(series, 'kafka_sonar_capture_bytes_total')!;
    assert.ok(bytes / packets <= FULL_FRAME, `${bytes} bytes in ${packets} packets`);
    assert.ok(frames.length > 0 && packets >= frames.length * 0.9, `agent saw ${packets} packets, tcpdump ${frames.length}`);
  });
});
