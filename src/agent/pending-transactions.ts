// Records of transactional producers, held from the Produce responses that took them until the producer's
// EndTxn says whether they are committed or aborted. The EndTxn goes to the transaction coordinator, often
// another connection, and connections' exchanges may reach the agent out of capture order (a new
// connection's are held while its address settles): so each record and each EndTxn carries its capture
// time, and a record belongs to the first EndTxn of its producer captured after it, whichever arrives first.
// Bounded: past `maxHeld` held entries the oldest is given up; EndTxns are remembered for `rememberMs`.

export interface HeldRecords {
  records: number;
  bytes: number;
  batches: number;
}

export interface SettledRecords {
  /** The client that wrote the records (its metrics key). */
  readonly clientKey: string;
  readonly topic: string;
  readonly held: HeldRecords;
  /** False when its transaction was aborted; true when committed, or given up. */
  readonly committed: boolean;
}

interface HeldEntry {
  readonly clientKey: string;
  readonly topic: string;
  readonly held: HeldRecords;
  readonly atMicros: number;
  readonly sinceMs: number;
}

interface EndMark {
  readonly atMicros: number;
  readonly committed: boolean;
  readonly seenMs: number;
}

/** EndTxns remembered per producer: a few transactions' worth of reordering. */
const ENDS_PER_PRODUCER = 8;

export class PendingTransactions {
  readonly #held = new Map<bigint, HeldEntry[]>();
  readonly #ends = new Map<bigint, EndMark[]>();
  readonly #maxHeld: number;
  #heldCount = 0;

  constructor(maxHeld: number) {
    this.#maxHeld = maxHeld;
  }

  /** Records held now. */
  get size(): number {
    return this.#heldCount;
  }

  /**
   * Records a producer wrote (captured at `atMicros`) in a transaction: settled at once when its EndTxn is
   * already known, else held. Returns what is settled, the records given up to stay within the bound included.
   */
  hold(
    producerId: bigint,
    entry: { clientKey: string; topic: string; held: HeldRecords; atMicros: number },
    nowMs: number,
  ): SettledRecords[] {
    const end = this.#ends.get(producerId)?.find((mark) => mark.atMicros > entry.atMicros);
    if (end !== undefined) return [{ ...entry, committed: end.committed }];
    const settled: SettledRecords[] = [];
    if (this.#heldCount >= this.#maxHeld) settled.push(...this.#giveUpOldest());
    const list = this.#held.get(producerId) ?? [];
    list.push({ ...entry, sinceMs: nowMs });
    this.#held.set(producerId, list);
    this.#heldCount++;
    return settled;
  }

  /** The producer's EndTxn, captured at `atMicros`: settles the records it held from before then. */
  end(producerId: bigint, atMicros: number, committed: boolean, nowMs: number): SettledRecords[] {
    const marks = this.#ends.get(producerId) ?? [];
    marks.push({ atMicros, committed, seenMs: nowMs });
    marks.sort((a, b) => a.atMicros - b.atMicros);
    if (marks.length > ENDS_PER_PRODUCER) marks.shift();
    this.#ends.set(producerId, marks);
    if (this.#ends.size > this.#maxHeld) this.#ends.delete(this.#ends.keys().next().value!);
    const list = this.#held.get(producerId);
    if (list === undefined) return [];
    const settled = list.filter((entry) => entry.atMicros < atMicros);
    const kept = list.filter((entry) => entry.atMicros >= atMicros);
    if (kept.length > 0) this.#held.set(producerId, kept);
    else this.#held.delete(producerId);
    this.#heldCount -= settled.length;
    return settled.map(({ clientKey, topic, held }) => ({ clientKey, topic, held, committed }));
  }

  /** Records held since before `beforeMs` (their EndTxn was not seen) are given up; older EndTxns forgotten. */
  expire(beforeMs: number): SettledRecords[] {
    const settled: SettledRecords[] = [];
    for (const [producerId, list] of this.#held) {
      const old = list.filter((entry) => entry.sinceMs < beforeMs);
      if (old.length === 0) continue;
      const kept = list.filter((entry) => entry.sinceMs >= beforeMs);
      if (kept.length > 0) this.#held.set(producerId, kept);
      else this.#held.delete(producerId);
      this.#heldCount -= old.length;
      for (const { clientKey, topic, held } of old) settled.push({ clientKey, topic, held, committed: true });
    }
    for (const [producerId, marks] of this.#ends) {
      const recent = marks.filter((mark) => mark.seenMs >= beforeMs);
      if (recent.length > 0) this.#ends.set(producerId, recent);
      else this.#ends.delete(producerId);
    }
    return settled;
  }

  #giveUpOldest(): SettledRecords[] {
    const [producerId, list] = this.#held.entries().next().value!;
    this.#held.delete(producerId);
    this.#heldCount -= list.length;
    return list.map(({ clientKey, topic, held }) => ({ clientKey, topic, held, committed: true }));
  }
}
