// What of a Produce request the broker took: its partitions answered without error (all of them with
// acks=0, which has no answer), apart from those answered with an error or never answered.

import { errorCodeName } from '../protocol/error-codes.ts';
import type { Exchange, ExchangeOutcome, RejectedRecords } from './events.ts';
import { topicName, type PartitionErrorRef, type ProducedPartition, type TopicRef } from './extract/exchange-facts.ts';
import type { TopicResolver } from './topic-resolver.ts';

export const UNANSWERED = 'UNANSWERED';

const sameTopic = (a: TopicRef, b: TopicRef): boolean =>
  a.name !== undefined && a.name !== null && b.name !== undefined && b.name !== null ? a.name === b.name : a.id === b.id;

/** The partitions of a Produce request the broker did not take, named as the resolver knows their topics. */
export function rejectedRecords(
  carried: readonly ProducedPartition[],
  errors: readonly PartitionErrorRef[],
  outcome: ExchangeOutcome,
  resolver: TopicResolver,
): RejectedRecords[] {
  if (outcome === 'no-response' || carried.length === 0) return [];
  const rejected: RejectedRecords[] = [];
  for (const entry of carried) {
    const error =
      outcome === 'unanswered'
        ? UNANSWERED
        : errors.find((candidate) => candidate.partition === entry.partition && sameTopic(candidate.topic, entry.topic));
    if (error === undefined) continue;
    rejected.push({
      topic: topicName(entry.topic, resolver),
      partition: entry.partition,
      error: typeof error === 'string' ? error : errorCodeName(error.errorCode),
      records: entry.records,
      bytes: entry.bytes,
      batches: entry.batches,
    });
  }
  return rejected;
}

export interface TopicCount {
  records: number;
  bytes: number;
  batches: number;
}

/** Records, bytes and batches per topic that the broker took from a Produce request. */
export function acceptedByTopic(exchange: Exchange): Map<string, TopicCount> {
  const accepted = new Map<string, TopicCount>();
  for (const topic of exchange.topics) accepted.set(topic.topic, { records: topic.records, bytes: topic.bytes, batches: topic.batches });
  for (const entry of exchange.rejected) {
    const count = accepted.get(entry.topic);
    if (count === undefined) continue;
    count.records -= entry.records;
    count.bytes -= entry.bytes;
    count.batches -= entry.batches;
  }
  return accepted;
}

/** All the records the broker took from a Produce request. */
export function acceptedRecords(exchange: Exchange): number {
  let records = exchange.records;
  for (const entry of exchange.rejected) records -= entry.records;
  return records;
}
