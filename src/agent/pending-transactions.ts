// Records of transactional producers, held from the Produce responses that took them until the producer's
// EndTxn says whether they are committed or aborted (the EndTxn goes to the transaction coordinator,
// often another broker and connection). Bounded: past `maxPending` transactions, the oldest is given up.

export interface HeldRecords {
  records: number;
  bytes: number;
  batches: number;
}

export interface EndedTransaction {
  /** The client that wrote the records (its metrics key). */
  readonly clientKey: string;
  /** Records per topic. */
  readonly topics: ReadonlyMap<string, HeldRecords>;
}

interface Pending {
  readonly clientKey: string;
  readonly topics: Map<string, HeldRecords>;
  readonly sinceMs: number;
}

export class PendingTransactions {
  readonly #pending = new Map<bigint, Pending>();
  readonly #maxPending: number;

  constructor(maxPending: number) {
    this.#maxPending = maxPending;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Holds records a producer wrote in its open transaction; returns a transaction given up to stay within the bound. */
  hold(producerId: bigint, clientKey: string, topic: string, held: HeldRecords, nowMs: number): EndedTransaction | undefined {
    let pending = this.#pending.get(producerId);
    let evicted: EndedTransaction | undefined;
    if (pending === undefined) {
      if (this.#pending.size >= this.#maxPending) {
        const [oldest, entry] = this.#pending.entries().next().value!;
        this.#pending.delete(oldest);
        evicted = entry;
      }
      pending = { clientKey, topics: new Map(), sinceMs: nowMs };
      this.#pending.set(producerId, pending);
    }
    const into = pending.topics.get(topic) ?? { records: 0, bytes: 0, batches: 0 };
    into.records += held.records;
    into.bytes += held.bytes;
    into.batches += held.batches;
    pending.topics.set(topic, into);
    return evicted;
  }

  /** The records of the producer's transaction, which its EndTxn ends; undefined when none were held. */
  end(producerId: bigint): EndedTransaction | undefined {
    const pending = this.#pending.get(producerId);
    this.#pending.delete(producerId);
    return pending;
  }

  /** Transactions held since before `beforeMs` (their EndTxn was not seen), removed. */
  expire(beforeMs: number): EndedTransaction[] {
    const expired: EndedTransaction[] = [];
    for (const [producerId, pending] of this.#pending) {
      if (pending.sinceMs >= beforeMs) break;
      this.#pending.delete(producerId);
      expired.push(pending);
    }
    return expired;
  }
}
