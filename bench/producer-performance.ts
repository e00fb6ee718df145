// Kafka's ProducerPerformance (kafka-producer-perf-test) on a test bed, for the live benchmarks.
import { once } from 'node:events';
import { kafkaToolMainClasses, spawnKafkaTool, type Testbed } from '../test/testbed/index.ts';

export interface ProducerPerformanceOptions {
  topic: string;
  clientId: string;
  records: number;
  recordSize: number;
  /** Records per second; -1 for as fast as it can. */
  recordsPerSecond: number;
  /** Producer properties besides bootstrap.servers and client.id ("acks=1", ...). */
  properties: readonly string[];
  /** The producer is killed when it has not sent everything after this long. */
  limitMs: number;
}

export interface ProducerRun {
  stdout: string;
  finished: boolean;
  milliseconds: number;
}

/** ProducerPerformance to completion (with --print-metrics), or killed after options.limitMs. */
export async function runProducerPerformance(bed: Testbed, options: ProducerPerformanceOptions): Promise<ProducerRun> {
  const child = await spawnKafkaTool(bed, kafkaToolMainClasses(bed).producerPerformance, [
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--record-size',
    String(options.recordSize),
    '--throughput',
    String(options.recordsPerSecond),
    '--print-metrics',
    '--producer-props',
    `bootstrap.servers=${bed.bootstrapServers}`,
    `client.id=${options.clientId}`,
    ...options.properties,
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const started = Date.now();
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const timer = setTimeout(() => child.kill('SIGKILL'), options.limitMs);
  const [code] = await exited;
  clearTimeout(timer);
  const milliseconds = Date.now() - started;
  if (code !== 0 && code !== null)
    throw new Error(`ProducerPerformance exited with ${code}:\n${stderr.trim().split('\n').slice(-20).join('\n')}`);
  return { stdout, finished: code === 0, milliseconds };
}

/** The final summary line: "N records sent, R records/sec (M MB/sec), ..."; MB there is MiB. */
export function producerSummary(stdout: string): { records: number; recordsPerSecond: number } | undefined {
  const lines = [...stdout.matchAll(/^(\d+) records sent, ([\d.]+) records\/sec .*percentile/gm)];
  const last = lines.at(-1);
  return last ? { records: Number(last[1]), recordsPerSecond: Number(last[2]) } : undefined;
}

export function producerRequestTotal(stdout: string, clientId: string): number | undefined {
  const match = new RegExp(`^producer-metrics:request-total:\\{client-id=${clientId}\\}\\s*:\\s*([\\d.]+)`, 'm').exec(stdout);
  return match ? Number(match[1]) : undefined;
}
