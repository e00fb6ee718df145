// A Fetch response (any version, v0 to v17) parsed as its bytes pass, for frames too large to buffer whole:
// every field but the records is read, and each partition's records are counted from their batch headers.

import { AbortedTransactionFilter, type AbortedTransaction } from './aborted-transactions.ts';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, emptySummary, type RecordSetSummary } from './record-batch.ts';
import { bytes, int16, int32, int64, StreamedParse, streamedRecords, uuid, VersionedReaders, type Parser } from './stream-parser.ts';

const FIRST_FLEXIBLE_FETCH_VERSION = 12;
const FIRST_TOPIC_ID_FETCH_VERSION = 13;

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

function* fetchResponse(version: number): Parser<StreamedFetchResponse> {
  const read = new VersionedReaders(version >= FIRST_FLEXIBLE_FETCH_VERSION, 'fetch response');
  yield* bytes(4); // correlation id
  yield* read.taggedFields();
  const throttleTimeMs = version >= 1 ? yield* int32() : 0;
  const errorCode = version >= 7 ? yield* int16() : 0;
  const sessionId = version >= 7 ? yield* int32() : 0;
  const budget = { remaining: DEFAULT_MAX_DECOMPRESSED_BYTES };
  const partitions: StreamedPartition[] = [];
  const topicCount = yield* read.length();
  for (let topicIndex = 0; topicIndex < topicCount; topicIndex++) {
    const topic = version >= FIRST_TOPIC_ID_FETCH_VERSION ? { id: yield* uuid() } : { name: (yield* read.string()) ?? '' };
    const partitionCount = yield* read.length();
    for (let index = 0; index < partitionCount; index++) {
      const partitionIndex = yield* int32();
      const partitionError = yield* int16();
      const highWatermark = yield* int64();
      const lastStableOffset = version >= 4 ? yield* int64() : -1;
      if (version >= 5) yield* int64(); // log start offset
      const abortedTransactions: AbortedTransaction[] = [];
      const abortedCount = version >= 4 ? yield* read.length() : 0;
      for (let entry = 0; entry < abortedCount; entry++) {
        abortedTransactions.push({ producerId: BigInt(yield* int64()), firstOffset: yield* int64() });
        yield* read.taggedFields();
      }
      if (version >= 11) yield* int32(); // preferred read replica
      const recordsSize = yield* read.length();
      const filter = abortedTransactions.length > 0 ? new AbortedTransactionFilter(abortedTransactions) : undefined;
      const summary = recordsSize > 0 ? yield* streamedRecords(recordsSize, budget, filter) : emptySummary();
      yield* read.taggedFields();
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
    yield* read.taggedFields();
  }
  yield* read.taggedFields();
  return { throttleTimeMs, errorCode, sessionId, partitions };
}

/** A Fetch response's bytes (header included, size prefix excluded) parsed as they are pushed. */
export class FetchResponseStream extends StreamedParse<StreamedFetchResponse> {
  constructor(version: number) {
    super(fetchResponse(version));
  }
}
