// Produces `count` records of `size` bytes with kafkajs or @platformatic/kafka and a given client id,
// then prints {"produced": n} as JSON. Run by tests as a separate process, e.g. inside a network
// namespace: ip netns exec <ns> node test/integration/support/ns-producer.ts '<json options>'.
import { Producer, stringSerializers } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';

export interface NsProducerOptions {
  library: 'kafkajs' | 'platformatic';
  bootstrap: string;
  topic: string;
  clientId: string;
  count: number;
  /** Bytes of each record's value. */
  size: number;
  /** Records per send (one produce request each); 20 by default. */
  batch?: number;
}

async function produce(options: NsProducerOptions): Promise<number> {
  const batch = options.batch ?? 20;
  const messages = (from: number) =>
    Array.from({ length: Math.min(batch, options.count - from) }, (_, index) => ({
      key: `key-${from + index}`,
      value: `${from + index} `.padEnd(options.size, String.fromCharCode(97 + ((from + index) % 26))),
    }));
  let produced = 0;
  if (options.library === 'kafkajs') {
    const producer = new Kafka({ clientId: options.clientId, brokers: options.bootstrap.split(','), logLevel: logLevel.NOTHING }).producer({
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      for (let sent = 0; sent < options.count; sent += batch) {
        const chunk = messages(sent);
        await producer.send({ topic: options.topic, messages: chunk, acks: -1 });
        produced += chunk.length;
      }
    } finally {
      await producer.disconnect();
    }
    return produced;
  }
  const producer = new Producer({
    clientId: options.clientId,
    bootstrapBrokers: options.bootstrap.split(','),
    serializers: stringSerializers,
  });
  try {
    for (let sent = 0; sent < options.count; sent += batch) {
      const chunk = messages(sent);
      await producer.send({ messages: chunk.map((message) => ({ topic: options.topic, ...message })) });
      produced += chunk.length;
    }
  } finally {
    await producer.close();
  }
  return produced;
}

const options = JSON.parse(process.argv[2] ?? '{}') as NsProducerOptions;
process.stdout.write(JSON.stringify({ produced: await produce(options) }) + '\n');
