// What the extractors learn about one request/response pair, before it becomes an Exchange event.
// Only attribution is kept here (names, counts, ids): never a decoded body or a SASL token.

import type { ExchangeDetails, Role, TopicTraffic } from '../events.ts';
import type { FetchScope } from '../fetch-sessions.ts';
import type { TopicResolver } from '../topic-resolver.ts';

/** A topic as a message names it: by name (most versions) or by id (Produce v13, Fetch v13+, ...). */
export interface TopicRef {
  readonly name?: string | null | undefined;
  readonly id?: string | undefined;
}

/** The topic's name: as the message named it, else as the resolver knows its id, else the id itself. */
export function topicName(ref: TopicRef, resolver: TopicResolver): string {
  return ref.name ?? (ref.id !== undefined ? (resolver.name(ref.id) ?? ref.id) : '');
}

interface TopicEntry {
  name: string | undefined;
  id: string | undefined;
  /** What the entry is keyed by: its name, or (without a name) its id ('' when none). */
  keyName: string | undefined;
  keyId: string;
  partitions: Set<number>;
  records: number;
  bytes: number;
  batches: number;
}

/** Topics, partitions and record counts of an exchange, keyed by however the messages named them. */
export class TopicTally {
  readonly #topics = new Map<string, TopicEntry>();
  /** The entry the last add() went to. */
  #last: TopicEntry | undefined;

  add(ref: TopicRef, partition?: number, records = 0, bytes = 0, batches = 0): void {
    const name = ref.name ?? undefined;
    let entry = this.#last;
    // Consecutive calls mostly name the same topic (every partition of it): no key string, no lookup.
    if (
      entry === undefined ||
      (name !== undefined ? entry.keyName !== name : entry.keyName !== undefined || entry.keyId !== (ref.id ?? ''))
    ) {
      const key = name !== undefined ? name : `id:${ref.id ?? ''}`;
      entry = this.#topics.get(key);
      if (entry === undefined) {
        entry = {
          name,
          id: ref.id,
          keyName: name,
          keyId: name !== undefined ? '' : (ref.id ?? ''),
          partitions: new Set(),
          records: 0,
          bytes: 0,
          batches: 0,
        };
        this.#topics.set(key, entry);
      }
      // A name that looks like an id key ('id:...') may have found an entry keyed by id: do not cache that.
      this.#last = entry.keyName === name && (name !== undefined || entry.keyId === (ref.id ?? '')) ? entry : undefined;
    }
    if (partition !== undefined) entry.partitions.add(partition);
    entry.records += records;
    entry.bytes += bytes;
    entry.batches += batches;
  }

  get records(): number {
    let total = 0;
    for (const entry of this.#topics.values()) total += entry.records;
    return total;
  }

  get bytes(): number {
    let total = 0;
    for (const entry of this.#topics.values()) total += entry.bytes;
    return total;
  }

  /** Topics named by id get their name from the resolver when it knows it (and merge with the same topic named by name). */
  traffic(resolver: TopicResolver): TopicTraffic[] {
    if (this.#topics.size <= 1) {
      // The common case (one topic) without the merging below; the result is the same.
      const entry = this.#last ?? this.#topics.values().next().value;
      if (entry === undefined) return [];
      const name = entry.name ?? (entry.id !== undefined ? resolver.name(entry.id) : undefined);
      return [
        {
          topic: name ?? entry.id ?? '',
          topicId: entry.id,
          resolved: name !== undefined,
          partitions: entry.partitions.size <= 1 ? [...entry.partitions] : [...entry.partitions].sort((a, b) => a - b),
          records: entry.records,
          bytes: entry.bytes,
          batches: entry.batches,
        },
      ];
    }
    const merged = new Map<
      string,
      { topicId: string | undefined; resolved: boolean; partitions: Set<number>; records: number; bytes: number; batches: number }
    >();
    for (const entry of this.#topics.values()) {
      const name = entry.name ?? (entry.id !== undefined ? resolver.name(entry.id) : undefined);
      const topic = name ?? entry.id ?? '';
      const into = merged.get(topic);
      if (into === undefined) {
        merged.set(topic, {
          topicId: entry.id,
          resolved: name !== undefined,
          partitions: new Set(entry.partitions),
          records: entry.records,
          bytes: entry.bytes,
          batches: entry.batches,
        });
        continue;
      }
      into.topicId ??= entry.id;
      for (const partition of entry.partitions) into.partitions.add(partition);
      into.records += entry.records;
      into.bytes += entry.bytes;
      into.batches += entry.batches;
    }
    return [...merged].map(([topic, entry]) => ({
      topic,
      topicId: entry.topicId,
      resolved: entry.resolved,
      partitions: [...entry.partitions].sort((a, b) => a - b),
      records: entry.records,
      bytes: entry.bytes,
      batches: entry.batches,
    }));
  }
}

export interface PartitionErrorRef {
  readonly topic: TopicRef;
  readonly partition: number;
  readonly errorCode: number;
}

/** What a Produce request carried for one partition, to tell apart later what the broker took. */
export interface ProducedPartition {
  readonly topic: TopicRef;
  readonly partition: number;
  readonly records: number;
  readonly bytes: number;
  readonly batches: number;
  /** Idempotent producers: the producer id (-1n for others), epoch and base sequence of the first batch. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export class ExchangeFacts {
  role: Role | undefined;
  readonly topics = new TopicTally();
  readonly producedPartitions: ProducedPartition[] = [];
  /** Fetch requests: where each listed partition is fetched from (topic key, partition). */
  readonly fetchOffsets = new Map<string, number>();
  /** Fetch responses: records of aborted transactions, per topic and partition answered. */
  readonly fetchAborted: { readonly topic: TopicRef; readonly records: number }[] = [];
  /** Fetch responses to consumers: the records left to read on each partition answered. */
  readonly fetchLags: { readonly topic: TopicRef; readonly partition: number; readonly lag: number }[] = [];
  readonly details: ExchangeDetails = {};
  readonly partitionErrors: PartitionErrorRef[] = [];
  /** False for requests that get no response (Produce with acks=0). */
  expectsResponse = true;
  /** Fetch requests: the session and the partitions they cover, for the response. */
  fetch: { sessionId: number; scope: FetchScope } | undefined;
  /** A request whose first SASL token named this user: it becomes the principal once the broker accepts. */
  saslUser: string | undefined;
  problem: string | undefined;
  /** How long the broker says it throttled the client (quota) before or after this response; undefined for none. */
  throttleMs: number | undefined;

  constructor(role: Role | undefined) {
    this.role = role;
  }
}
