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

interface TopicEntry {
  name: string | undefined;
  id: string | undefined;
  partitions: Set<number>;
  records: number;
  bytes: number;
  batches: number;
}

/** Topics, partitions and record counts of an exchange, keyed by however the messages named them. */
export class TopicTally {
  readonly #topics = new Map<string, TopicEntry>();

  add(ref: TopicRef, partition?: number, records = 0, bytes = 0, batches = 0): void {
    const name = ref.name ?? undefined;
    const key = name !== undefined ? name : `id:${ref.id ?? ''}`;
    let entry = this.#topics.get(key);
    if (entry === undefined) {
      entry = { name, id: ref.id, partitions: new Set(), records: 0, bytes: 0, batches: 0 };
      this.#topics.set(key, entry);
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
    const merged = new Map<string, { topicId: string | undefined; resolved: boolean; partitions: Set<number>; records: number; bytes: number; batches: number }>();
    for (const entry of this.#topics.values()) {
      const name = entry.name ?? (entry.id !== undefined ? resolver.name(entry.id) : undefined);
      const topic = name ?? entry.id ?? '';
      const into = merged.get(topic);
      if (into === undefined) {
        merged.set(topic, { topicId: entry.id, resolved: name !== undefined, partitions: new Set(entry.partitions), records: entry.records, bytes: entry.bytes, batches: entry.batches });
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

export class ExchangeFacts {
  role: Role | undefined;
  readonly topics = new TopicTally();
  readonly details: ExchangeDetails = {};
  readonly partitionErrors: PartitionErrorRef[] = [];
  /** False for requests that get no response (Produce with acks=0). */
  expectsResponse = true;
  /** Fetch requests: the session and the partitions they cover, for the response. */
  fetch: { sessionId: number; scope: FetchScope } | undefined;
  /** A request whose first SASL token named this user: it becomes the principal once the broker accepts. */
  saslUser: string | undefined;
  problem: string | undefined;

  constructor(role: Role | undefined) {
    this.role = role;
  }
}
