/** Real Kafka clients (kafkajs, @platformatic/kafka) driving traffic and admin actions in tests. */
import { Admin, Consumer, type MessagesStream } from '@platformatic/kafka';
import { Kafka, logLevel, type Consumer as KafkajsConsumer } from 'kafkajs';
import { waitUntil } from './wait.ts';

export function adminClient(bootstrapServers: string): Admin {
  return new Admin({ clientId: 'sonar-test-admin', bootstrapBrokers: bootstrapServers.split(','), retries: 5, timeout: 15_000 });
}

export async function createTopic(
  bootstrapServers: string,
  topic: string,
  partitions: number,
  replicas: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const admin = adminClient(bootstrapServers);
  try {
    await admin.createTopics({
      topics: [topic],
      partitions,
      replicas,
      configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
    });
  } finally {
    await admin.close();
  }
}

function kafkajs(bootstrapServers: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrapServers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 200 },
  });
}

/** In-sync replica counts of a topic's partitions, by partition number, as kafkajs reads them from the cluster metadata. */
export async function kafkaInSyncCounts(bootstrapServers: string, topic: string): Promise<number[]> {
  const admin = kafkajs(bootstrapServers, 'sonar-test-metadata').admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return [...topics[0]!.partitions].sort((a, b) => a.partitionId - b.partitionId).map((partition) => partition.isr.length);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Produces `count` messages spread over the topic's partitions with kafkajs. Idempotent, so a retry
 * after a timeout on a busy machine cannot write a message twice and the log holds exactly `count`.
 */
export async function produceMessages(
  bootstrapServers: string,
  topic: string,
  count: number,
  clientId = 'sonar-test-producer',
): Promise<void> {
  const producer = kafkajs(bootstrapServers, clientId).producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const batchSize = 100;
    for (let sent = 0; sent < count; sent += batchSize) {
      const messages = Array.from({ length: Math.min(batchSize, count - sent) }, (_, index) => ({
        key: `key-${sent + index}`,
        value: `value-${sent + index}`,
      }));
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** One record per timestamp (CreateTime as the producer sets it, in ms) to one partition, in order, with kafkajs. */
export async function produceWithTimestamps(
  bootstrapServers: string,
  topic: string,
  timestamps: readonly number[],
  partition = 0,
): Promise<void> {
  const producer = kafkajs(bootstrapServers, 'sonar-test-timestamps').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const messages = timestamps.map((timestamp, index) => ({ partition, value: `record-${index}`, timestamp: String(timestamp) }));
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

/** Commits offsets for a group that has no members, as kafka-consumer-groups --reset-offsets does, with kafkajs's admin client. */
export async function commitGroupOffsets(
  bootstrapServers: string,
  groupId: string,
  topic: string,
  partitions: readonly { partition: number; offset: number }[],
): Promise<void> {
  const admin = kafkajs(bootstrapServers, 'sonar-test-offsets').admin();
  await admin.connect();
  try {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: partitions.map(({ partition, offset }) => ({ partition, offset: String(offset) })),
    });
  } finally {
    await admin.disconnect();
  }
}

export interface RunningConsumer {
  consumed(): number;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

async function waitForCount(consumed: () => number, count: number, timeoutMs: number, what: string): Promise<void> {
  await waitUntil(`${what} to consume ${count} messages`, () => consumed() >= count, {
    timeoutMs,
    intervalMs: 100,
    lastSeen: () => `${consumed()} consumed`,
  });
}

/** A classic consumer group member (kafkajs) that commits after every batch. */
export async function startClassicConsumer(bootstrapServers: string, topic: string, groupId: string): Promise<RunningConsumer> {
  const consumer: KafkajsConsumer = kafkajs(bootstrapServers, `${groupId}-client`).consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  await consumer.run({
    autoCommit: true,
    eachMessage: async () => {
      count++;
    },
  });
  return {
    consumed: () => count,
    waitFor: (target, timeoutMs = 60_000) => waitForCount(() => count, target, timeoutMs, `classic group ${groupId}`),
    pause: () => consumer.pause([{ topic }]),
    resume: () => consumer.resume([{ topic }]),
    stop: () => consumer.disconnect(),
  };
}

/** A KIP-848 consumer group member (@platformatic/kafka with the consumer group protocol). */
export async function startKip848Consumer(bootstrapServers: string, topic: string, groupId: string): Promise<RunningConsumer> {
  const consumer = new Consumer({
    clientId: `${groupId}-client`,
    groupId,
    bootstrapBrokers: bootstrapServers.split(','),
    groupProtocol: 'consumer',
    autocommit: 200,
    maxWaitTime: 500,
  });
  const stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> = await consumer.consume({
    topics: [topic],
    mode: 'committed',
    fallbackMode: 'earliest',
  });
  let count = 0;
  stream.on('data', () => {
    count++;
  });
  stream.on('error', () => undefined);
  return {
    consumed: () => count,
    waitFor: (target, timeoutMs = 60_000) => waitForCount(() => count, target, timeoutMs, `KIP-848 group ${groupId}`),
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    async stop() {
      await stream.close();
      await consumer.close();
    },
  };
}
