// Idempotent producers number their batches per partition: a batch sent again with a sequence already
// seen is a retry, one that skips ahead leaves a gap (batches the capture or the broker never got).
// Bounded: past `maxPartitions` (producer, partition) pairs, the oldest is forgotten.

import type { ProducedSequence } from '../sniffer/events.ts';

const SEQUENCE_SPAN = 2 ** 31;

export type SequenceOutcome = 'next' | 'retry' | 'gap' | 'first';

export class ProducerSequences {
  readonly #expected = new Map<string, { epoch: number; next: number }>();
  readonly #maxPartitions: number;

  constructor(maxPartitions: number) {
    this.#maxPartitions = maxPartitions;
  }

  /** How a batch's sequence follows the producer's previous batches on the partition. */
  observe(sequence: ProducedSequence): SequenceOutcome {
    const key = `${sequence.producerId}\u0000${sequence.topic}\u0000${sequence.partition}`;
    const known = this.#expected.get(key);
    const next = (sequence.baseSequence + sequence.records) % SEQUENCE_SPAN;
    if (known === undefined || known.epoch !== sequence.producerEpoch) {
      if (known === undefined && this.#expected.size >= this.#maxPartitions) this.#expected.delete(this.#expected.keys().next().value!);
      this.#expected.set(key, { epoch: sequence.producerEpoch, next });
      return 'first';
    }
    // Sequences wrap at 2^31: "ahead" is the shorter way round.
    const ahead = (sequence.baseSequence - known.next + SEQUENCE_SPAN) % SEQUENCE_SPAN;
    if (ahead === 0) {
      known.next = next;
      return 'next';
    }
    if (ahead < SEQUENCE_SPAN / 2) {
      known.next = next;
      return 'gap';
    }
    return 'retry';
  }
}
