// A Fetch response (any version, v0 to v17) parsed as its bytes pass, for frames too large to buffer whole: every field
// but the records is read, and each partition's records are counted from their batch headers while the
// batch bodies are skipped, so memory stays bounded by a batch header, not the frame. A parser written as
// a generator: it yields how many bytes it needs next (to read, or to skip) and the driver feeds them.

import { AbortedTransactionFilter, type AbortedTransaction } from './aborted-transactions.ts';
import { DecodeError } from './decode-error.ts';
import {
  addBatch,
  countUnheldLegacyEntry,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  emptySummary,
  LOG_OVERHEAD,
  streamedBatchBytes,
  type DecompressionBudget,
  type RecordSetSummary,
} from './record-batch.ts';

const FIRST_FLEXIBLE_FETCH_VERSION = 12;
const FIRST_TOPIC_ID_FETCH_VERSION = 13;
/** Bytes after the offset and length fields up to the end of a magic 2 batch header. */
const V2_HEADER_REST = 49;
const EMPTY = Buffer.alloc(0);

export interface StreamedPartition {
  readonly topic: { readonly name?: string; readonly id?: string };
  readonly partitionIndex: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly abortedTransactions: readonly AbortedTransaction[];
  readonly records: RecordSetSummary;
}

export interface StreamedFetchResponse {
  readonly throttleTimeMs: number;
  readonly errorCode: number;
  readonly sessionId: number;
  readonly partitions: readonly StreamedPartition[];
}

type Need = { readonly read: number } | { readonly skip: number };
type Parser<T> = Generator<Need, T, Buffer>;

function* bytes(count: number): Parser<Buffer> {
  return count === 0 ? EMPTY : yield { read: count };
}

function* skip(count: number): Parser<void> {
  if (count > 0) yield { skip: count };
}

function* int16(): Parser<number> {
  return (yield* bytes(2)).readInt16BE(0);
}

function* int32(): Parser<number> {
  return (yield* bytes(4)).readInt32BE(0);
}

function* int64(): Parser<number> {
  return Number((yield* bytes(8)).readBigInt64BE(0));
}

function* uvarint(): Parser<number> {
  let value = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    const byte = (yield* bytes(1))[0]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
  throw new DecodeError('fetch response', 0, 'unsigned varint longer than 5 bytes');
}

function* taggedFields(): Parser<void> {
  const count = yield* uvarint();
  for (let field = 0; field < count; field++) {
    yield* uvarint();
    yield* skip(yield* uvarint());
  }
}

/** An array or nullable bytes length: int32 (-1 for null), or compact (0 for null, else length + 1). */
function* length(flexible: boolean): Parser<number> {
  return flexible ? (yield* uvarint()) - 1 : yield* int32();
}

function* topicName(flexible: boolean): Parser<string> {
  const size = flexible ? (yield* uvarint()) - 1 : yield* int16();
  return size < 0 ? '' : (yield* bytes(size)).toString('utf8');
}

/** The batches of one partition's records, counted from their headers as they pass. */
function* records(size: number, budget: DecompressionBudget, aborted: AbortedTransactionFilter | undefined): Parser<RecordSetSummary> {
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

function* fetchResponse(version: number): Parser<StreamedFetchResponse> {
  const flexible = version >= FIRST_FLEXIBLE_FETCH_VERSION;
  yield* int32(); // correlation id
  if (flexible) yield* taggedFields();
  const throttleTimeMs = version >= 1 ? yield* int32() : 0;
  const errorCode = version >= 7 ? yield* int16() : 0;
  const sessionId = version >= 7 ? yield* int32() : 0;
  const budget = { remaining: DEFAULT_MAX_DECOMPRESSED_BYTES };
  const partitions: StreamedPartition[] = [];
  const topicCount = yield* length(flexible);
  for (let topicIndex = 0; topicIndex < topicCount; topicIndex++) {
    const topic =
      version >= FIRST_TOPIC_ID_FETCH_VERSION ? { id: (yield* bytes(16)).toString('base64url') } : { name: yield* topicName(flexible) };
    const partitionCount = yield* length(flexible);
    for (let index = 0; index < partitionCount; index++) {
      const partitionIndex = yield* int32();
      const partitionError = yield* int16();
      const highWatermark = yield* int64();
      const lastStableOffset = version >= 4 ? yield* int64() : -1;
      if (version >= 5) yield* int64(); // log start offset
      const abortedTransactions: AbortedTransaction[] = [];
      const abortedCount = version >= 4 ? yield* length(flexible) : 0;
      for (let entry = 0; entry < abortedCount; entry++) {
        abortedTransactions.push({ producerId: BigInt(yield* int64()), firstOffset: yield* int64() });
        if (flexible) yield* taggedFields();
      }
      if (version >= 11) yield* int32(); // preferred read replica
      const recordsSize = yield* length(flexible);
      const filter = abortedTransactions.length > 0 ? new AbortedTransactionFilter(abortedTransactions) : undefined;
      const summary = recordsSize > 0 ? yield* records(recordsSize, budget, filter) : emptySummary();
      if (flexible) yield* taggedFields();
      partitions.push({
        topic,
        partitionIndex,
        errorCode: partitionError,
        highWatermark,
        lastStableOffset,
        abortedTransactions,
        records: summary,
      });
    }
    if (flexible) yield* taggedFields();
  }
  if (flexible) yield* taggedFields();
  return { throttleTimeMs, errorCode, sessionId, partitions };
}

/**
 * Feeds a Fetch response's bytes (header included, size prefix excluded) to the parser, in chunks of any
 * size. Never throws: a malformed response ends the parse with `error` set.
 */
export class FetchResponseStream {
  readonly #parser: Parser<StreamedFetchResponse>;
  #need: Need | undefined;
  #held: Buffer[] = [];
  #heldBytes = 0;
  #skipped = 0;
  result: StreamedFetchResponse | undefined;
  error: string | undefined;

  constructor(version: number) {
    this.#parser = fetchResponse(version);
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
