// The embedded "consumer" protocol of classic groups: JoinGroup carries each member's subscription,
// SyncGroup each member's assignment, as opaque bytes (ConsumerProtocolSubscription and
// ConsumerProtocolAssignment, never flexible). Only the topic names are read.

import { Reader } from '../protocol/index.ts';

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

const MAX_TOPICS = 100_000;

function readTopicPartitions(reader: Reader): TopicPartitions[] {
  const count = reader.arrayLength();
  if (count > MAX_TOPICS) throw reader.error('assignment', `${count} topics`);
  const topics: TopicPartitions[] = [];
  for (let i = 0; i < count; i++) {
    const topic = reader.string();
    const partitionCount = reader.arrayLength();
    const partitions: number[] = [];
    for (let p = 0; p < partitionCount; p++) partitions.push(reader.int32());
    topics.push({ topic, partitions });
  }
  return topics;
}

/** Subscribed topic names in a JoinGroup protocol's metadata; undefined when it does not parse. */
export function subscriptionTopics(metadata: Buffer): string[] | undefined {
  try {
    const reader = new Reader(metadata);
    reader.int16();
    const count = reader.arrayLength();
    if (count > MAX_TOPICS) return undefined;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) topics.push(reader.string());
    return topics;
  } catch {
    return undefined;
  }
}

/** Assigned partitions in a SyncGroup assignment; undefined when it does not parse (or is empty). */
export function assignedPartitions(assignment: Buffer): TopicPartitions[] | undefined {
  if (assignment.length === 0) return undefined;
  try {
    const reader = new Reader(assignment);
    reader.int16();
    return readTopicPartitions(reader);
  } catch {
    return undefined;
  }
}
