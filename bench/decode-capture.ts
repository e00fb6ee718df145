// Records the benchmark capture of bench/decode.ts: real, mixed Kafka traffic on a one-broker KRaft
// test bed, captured with tcpdump on loopback (needs root, Java and the test bed's downloads).
//
// While tcpdump runs, all at once: kafka-producer-perf-test with lz4 (acks=1) and without compression
// (acks=all), a transactional kafka-producer-perf-test with zstd, kcat producing gzip, and
// kafka-consumer-perf-test in a classic group and in a KIP-848 group, and kcat consuming; so the
// capture holds long-lived connections of producers, consumers, group coordination and transactions.

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClient, createTopic } from '../test/support/kafka-clients.ts';
import { startLoopbackCapture } from '../test/fixtures/sniffer/record/tcpdump.ts';
import { kafkaToolMainClasses, runKafkaTool, testbedDown, testbedUp, type Testbed } from '../test/testbed/index.ts';
import { runCommand } from '../test/testbed/processes.ts';

const BED = 'bench-decode';

interface Traffic {
  topic: string;
  partitions: number;
  records: number;
  recordSize: number;
  /** Records per second: paced so that tcpdump keeps up on a small machine. */
  throughput: number;
}

const LZ4: Traffic = { topic: 'bench-lz4', partitions: 3, records: 700_000, recordSize: 512, throughput: 40_000 };
const PLAIN: Traffic = { topic: 'bench-plain', partitions: 2, records: 220_000, recordSize: 1024, throughput: 12_000 };
const TRANSACTIONS: Traffic = { topic: 'bench-tx', partitions: 1, records: 60_000, recordSize: 256, throughput: 3_500 };
const GZIP: Traffic = { topic: 'bench-gzip', partitions: 1, records: 100_000, recordSize: 200, throughput: 0 };
/** Batches of up to 1 MB on 16 partitions: produce requests and fetch responses of up to 16 MB. */
export const LARGE: Traffic = { topic: 'bench-large', partitions: 16, records: 400_000, recordSize: 1000, throughput: 100_000 };

async function tool(bed: Testbed, mainClass: string, args: string[]): Promise<void> {
  const result = await runKafkaTool(bed, mainClass, args, { timeoutMs: 600_000 });
  if (result.code !== 0) throw new Error(`${mainClass} exited with ${result.code}: ${result.stderr.slice(-2000)}`);
}

async function kcat(args: string[], input?: string): Promise<void> {
  const result = await runCommand('kcat', args, { ...(input === undefined ? {} : { input }), timeoutMs: 600_000 });
  if (result.code !== 0) throw new Error(`kcat exited with ${result.code}: ${result.stderr.slice(-2000)}`);
}

function consumerConfig(name: string, properties: Record<string, string>): string {
  const file = join(tmpdir(), `kafka-sonar-bench-${name}.properties`);
  writeFileSync(
    file,
    Object.entries(properties)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n') + '\n',
  );
  return file;
}

function producerPerf(bed: Testbed, traffic: Traffic, properties: string[], extra: string[] = []): Promise<void> {
  return tool(bed, kafkaToolMainClasses(bed).producerPerformance, [
    '--topic',
    traffic.topic,
    '--num-records',
    String(traffic.records),
    '--record-size',
    String(traffic.recordSize),
    '--throughput',
    String(traffic.throughput),
    ...extra,
    '--producer-props',
    `bootstrap.servers=${bed.bootstrapServers}`,
    ...properties,
  ]);
}

function consumerPerf(bed: Testbed, traffic: Traffic, group: string, properties: Record<string, string>): Promise<void> {
  return tool(bed, kafkaToolMainClasses(bed).consumerPerformance, [
    '--bootstrap-server',
    bed.bootstrapServers,
    '--topic',
    traffic.topic,
    '--messages',
    String(traffic.records),
    '--group',
    group,
    '--timeout',
    '120000',
    '--command-config',
    consumerConfig(group, { 'auto.offset.reset': 'earliest', ...properties }),
  ]);
}

/** Records the traffic into `path`; returns how many packets the kernel dropped (0 in a clean run). */
export async function recordBenchCapture(path: string): Promise<number> {
  process.env.KAFKA_SONAR_TESTBED_DIR ??= join(tmpdir(), 'kafka-sonar-bench-testbed');
  await testbedDown({ name: BED });
  const bed = await testbedUp({ mode: 'kraft', brokers: 1, name: BED });
  try {
    for (const traffic of [LZ4, PLAIN, TRANSACTIONS, GZIP]) await createTopic(bed.bootstrapServers, traffic.topic, traffic.partitions, 1);
    const gzipInput = Array.from({ length: GZIP.records }, (_, i) => `gzip record ${i} ${'kafka '.repeat(30)}\n`).join('');
    const capture = await startLoopbackCapture(path, [bed.brokers[0]!.port], { bufferKib: 262_144, failOnDrops: false });
    let dropped = 0;
    try {
      await Promise.all([
        producerPerf(bed, LZ4, ['client.id=bench-perf-lz4', 'compression.type=lz4', 'acks=1', 'linger.ms=10']),
        producerPerf(bed, PLAIN, ['client.id=bench-perf-plain', 'compression.type=none', 'acks=all', 'linger.ms=5']),
        producerPerf(
          bed,
          TRANSACTIONS,
          ['client.id=bench-perf-tx', 'compression.type=zstd'],
          ['--transactional-id', 'bench-tx', '--transaction-duration-ms', '200'],
        ),
        kcat(['-P', '-b', bed.bootstrapServers, '-t', GZIP.topic, '-z', 'gzip', '-X', 'client.id=bench-kcat-gzip'], gzipInput),
        consumerPerf(bed, LZ4, 'bench-classic', { 'client.id': 'bench-consumer-classic', 'group.protocol': 'classic' }),
        consumerPerf(bed, PLAIN, 'bench-kip848', { 'client.id': 'bench-consumer-kip848', 'group.protocol': 'consumer' }),
        consumerPerf(bed, TRANSACTIONS, 'bench-tx-readers', { 'client.id': 'bench-consumer-tx', 'isolation.level': 'read_committed' }),
        kcat([
          '-C',
          '-b',
          bed.bootstrapServers,
          '-t',
          GZIP.topic,
          '-o',
          'beginning',
          '-c',
          String(GZIP.records),
          '-q',
          '-X',
          'client.id=bench-kcat-reader',
        ]),
      ]);
    } finally {
      dropped = await capture.stop();
    }
    return dropped;
  } finally {
    await testbedDown({ name: BED });
  }
}

/** The catching-up consumer's quota: unthrottled, it reads faster than tcpdump keeps up with on loopback. */
const CATCH_UP_BYTES_PER_SECOND = 30_000_000;

async function limitConsumerRate(bootstrapServers: string, clientId: string, bytesPerSecond: number): Promise<void> {
  const admin = adminClient(bootstrapServers);
  try {
    await admin.alterClientQuotas({
      entries: [
        {
          entities: [{ entityType: 'client-id', entityName: clientId }],
          ops: [{ key: 'consumer_byte_rate', value: bytesPerSecond, remove: false }],
        },
      ],
    });
  } finally {
    await admin.close();
  }
}

/**
 * Records a capture dominated by frames over 8 MiB into `path`: kafka-producer-perf-test writing 1 MB
 * batches to 16 partitions in one request per broker, then kafka-consumer-perf-test catching up on them
 * with the Java client's default fetch sizes (under a byte-rate quota, so its responses are throttled too). Returns how many packets the kernel dropped.
 */
export async function recordLargeFrameCapture(path: string): Promise<number> {
  process.env.KAFKA_SONAR_TESTBED_DIR ??= join(tmpdir(), 'kafka-sonar-bench-testbed');
  await testbedDown({ name: BED });
  const bed = await testbedUp({ mode: 'kraft', brokers: 1, name: BED });
  try {
    await createTopic(bed.bootstrapServers, LARGE.topic, LARGE.partitions, 1);
    await limitConsumerRate(bed.bootstrapServers, 'bench-large-consumer', CATCH_UP_BYTES_PER_SECOND);
    const capture = await startLoopbackCapture(path, [bed.brokers[0]!.port], { bufferKib: 262_144, failOnDrops: false });
    let dropped = 0;
    try {
      await producerPerf(bed, LARGE, [
        'client.id=bench-large-producer',
        'acks=1',
        'batch.size=1000000',
        'linger.ms=500',
        'max.request.size=33554432',
        // Spread over every partition, so their batches fill together and leave in one request.
        'partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner',
        'buffer.memory=134217728',
      ]);
      await consumerPerf(bed, LARGE, 'bench-large-readers', { 'client.id': 'bench-large-consumer' });
    } finally {
      dropped = await capture.stop();
    }
    return dropped;
  } finally {
    await testbedDown({ name: BED });
  }
}
