// A kafkajs producer in two phases, run by tests as a separate process (e.g. inside a network
// namespace): it connects and produces `warmup` records to `warmupTopic` (which opens its
// connections), prints {"phase":"ready"}, waits for a line on stdin, then produces `count` records of
// `size` bytes to `topic` over the same connections and prints {"produced": n}.
//   ip netns exec <ns> node test/integration/support/ns-paced-producer.ts '<json options>'
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';

export interface PacedProducerOptions {
  bootstrap: string;
  clientId: string;
  warmupTopic: string;
  warmup: number;
  topic: string;
  count: number;
  /** Bytes of each record's value. */
  size: number;
  /** Records per send (one produce request each); 20 by default. */
  batch?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as PacedProducerOptions;
const batch = options.batch ?? 20;
const producer = new Kafka({ clientId: options.clientId, brokers: options.bootstrap.split(','), logLevel: logLevel.NOTHING }).producer({
  allowAutoTopicCreation: false,
  idempotent: true,
  maxInFlightRequests: 1,
});

async function produce(topic: string, count: number): Promise<number> {
  let produced = 0;
  for (let sent = 0; sent < count; sent += batch) {
    const messages = Array.from({ length: Math.min(batch, count - sent) }, (_, index) => ({
      key: `key-${sent + index}`,
      value: `${sent + index} `.padEnd(options.size, String.fromCharCode(97 + ((sent + index) % 26))),
    }));
    await producer.send({ topic, messages, acks: -1 });
    produced += messages.length;
  }
  return produced;
}

await producer.connect();
try {
  await produce(options.warmupTopic, options.warmup);
  process.stdout.write(JSON.stringify({ phase: 'ready' }) + '\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  process.stdout.write(JSON.stringify({ produced: await produce(options.topic, options.count) }) + '\n');
} finally {
  await producer.disconnect();
}
