// Which batches of a Fetch response a read_committed consumer drops: those of transactions the response's
// aborted transactions list names, from each one's first offset up to its abort marker (as Kafka's
// consumer decides it, batch by batch in offset order).

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: number;
}

export interface BatchIdentity {
  readonly producerId: bigint;
  readonly lastOffset: number;
  readonly transactional: boolean;
  readonly control: boolean;
  /** A control batch whose marker is ABORT. */
  readonly abortMarker: boolean;
}

export class AbortedTransactionFilter {
  readonly #upcoming: AbortedTransaction[];
  readonly #open = new Set<bigint>();

  constructor(aborted: readonly AbortedTransaction[]) {
    this.#upcoming = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** True for a data batch of an aborted transaction; feed every batch of the partition, in order. */
  isAborted(batch: BatchIdentity): boolean {
    if (batch.producerId < 0n) return false;
    while (this.#upcoming.length > 0 && this.#upcoming[0]!.firstOffset <= batch.lastOffset)
      this.#open.add(this.#upcoming.shift()!.producerId);
    if (batch.control) {
      if (batch.abortMarker) this.#open.delete(batch.producerId);
      return false;
    }
    return batch.transactional && this.#open.has(batch.producerId);
  }
}
