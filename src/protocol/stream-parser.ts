// Parsers of messages too large to buffer whole, written as generators: a parser yields how many bytes it
// needs next (to read, or to skip) and `StreamedParse` feeds it chunks of any size as they pass. The
// readers below are the protocol's primitive types; `streamedRecords` counts a record set from its batch
// headers while the batch bodies are skipped, so memory stays bounded by a batch header, not the message.

import type { AbortedTransactionFilter } from './aborted-transactions.ts';
import { DecodeError } from './decode-error.ts';
import {
  addBatch,
  countUnheldLegacyEntry,
  emptySummary,
  LOG_OVERHEAD,
  streamedBatchBytes,
  type DecompressionBudget,
  type RecordSetSummary,
} from './record-batch.ts';

/** Bytes after the offset and length fields up to the end of a magic 2 batch header. */
const V2_HEADER_REST = 49;
const UUID_BYTES = 16;
const EMPTY = Buffer.alloc(0);

type Need = { readonly read: number } | { readonly skip: number };
export type Parser<T> = Generator<Need, T, Buffer>;

export function* bytes(count: number): Parser<Buffer> {
  return count === 0 ? EMPTY : yield { read: count };
}

export function* skip(count: number): Parser<void> {
  if (count > 0) yield { skip: count };
}

export function* int16(): Parser<number> {
  return (yield* bytes(2)).readInt16BE(0);
}

export function* int32(): Parser<number> {
  return (yield* bytes(4)).readInt32BE(0);
}

export function* int64(): Parser<number> {
  return Number((yield* bytes(8)).readBigInt64BE(0));
}

/** A topic id as the decoder writes it. */
export function* uuid(): Parser<string> {
  return (yield* bytes(UUID_BYTES)).toString('base64url');
}

function* uvarint(what: string): Parser<number> {
  let value = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    const byte = (yield* bytes(1))[0]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
  throw new DecodeError(what, 0, 'unsigned varint longer than 5 bytes');
}

/** Readers of the types whose encoding differs between flexible and older versions. */
export class VersionedReaders {
  readonly #flexible: boolean;
  readonly #what: string;

  /** `what` names the message in errors. */
  constructor(flexible: boolean, what: string) {
    this.#flexible = flexible;
    this.#what = what;
  }

  *taggedFields(): Parser<void> {
    if (!this.#flexible) return;
    const count = yield* uvarint(this.#what);
    for (let field = 0; field < count; field++) {
      yield* uvarint(this.#what);
      yield* skip(yield* uvarint(this.#what));
    }
  }

  /** An array or nullable bytes length: int32 (-1 for null), or compact (0 for null, else length + 1). */
  *length(): Parser<number> {
    return this.#flexible ? (yield* uvarint(this.#what)) - 1 : yield* int32();
  }

  /** A string or nullable string; null when absent. */
  *string(): Parser<string | null> {
    const size = this.#flexible ? (yield* uvarint(this.#what)) - 1 : yield* int16();
    return size < 0 ? null : (yield* bytes(size)).toString('utf8');
  }
}

/** The batches of one partition's records (`size` bytes), counted from their headers as they pass. */
export function* streamedRecords(size: number, budget: DecompressionBudget, aborted?: AbortedTransactionFilter): Parser<RecordSetSummary> {
  const summary = emptySummary();
  let left = size;
  while (left >= LOG_OVERHEAD) {
    const head = yield* bytes(LOG_OVERHEAD);
    left -= LOG_OVERHEAD;
    const batchLength = head.readInt32BE(8);
    if (batchLength < 0 || batchLength > left) {
      // A negative length is malformed; a longer one is the trailing batch the broker cut short.
      if (batchLength < 0) summary.error = new DecodeError('record batch', size - left, `negative batch length ${batchLength}`);
      else summary.partialBytes = left + LOG_OVERHEAD;
      yield* skip(left);
      return summary;
    }
    const first = yield* bytes(Math.min(batchLength, V2_HEADER_REST));
    const start = Buffer.concat([head, first]);
    const needed = streamedBatchBytes(start, batchLength);
    left -= batchLength;
    if (needed === undefined) {
      yield* skip(batchLength - first.length);
      countUnheldLegacyEntry(summary, batchLength);
      continue;
    }
    const known = needed > first.length ? Buffer.concat([start, yield* bytes(needed - first.length)]) : start;
    yield* skip(batchLength - Math.max(needed, first.length));
    const error = addBatch(known, 0, batchLength, summary, budget, aborted);
    if (error) {
      summary.error = error;
      yield* skip(left);
      return summary;
    }
    summary.bytes += LOG_OVERHEAD + batchLength;
  }
  summary.partialBytes += left;
  yield* skip(left);
  return summary;
}

/** Feeds a message's bytes to a parser in chunks of any size. Never throws: a malformed message ends the parse with `error` set. */
export class StreamedParse<T> {
  readonly #parser: Parser<T>;
  #need: Need | undefined;
  #held: Buffer[] = [];
  #heldBytes = 0;
  #skipped = 0;
  result: T | undefined;
  error: string | undefined;

  constructor(parser: Parser<T>) {
    this.#parser = parser;
    this.#step(EMPTY);
  }

  get done(): boolean {
    return this.result !== undefined || this.error !== undefined;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && this.#need !== undefined) {
      const need = this.#need;
      if ('skip' in need) {
        const take = Math.min(need.skip - this.#skipped, chunk.length - at);
        this.#skipped += take;
        at += take;
        if (this.#skipped === need.skip) {
          this.#skipped = 0;
          this.#step(EMPTY);
        }
        continue;
      }
      const take = Math.min(need.read - this.#heldBytes, chunk.length - at);
      // Copied: the chunk is only valid during the call.
      this.#held.push(Buffer.from(chunk.subarray(at, at + take)));
      this.#heldBytes += take;
      at += take;
      if (this.#heldBytes === need.read) {
        const bytes = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held, need.read);
        this.#held = [];
        this.#heldBytes = 0;
        this.#step(bytes);
      }
    }
  }

  #step(input: Buffer): void {
    try {
      const next = this.#parser.next(input);
      if (next.done) {
        this.result = next.value;
        this.#need = undefined;
      } else {
        this.#need = next.value;
      }
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.#need = undefined;
    }
  }
}
