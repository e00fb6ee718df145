// A Produce request body (any version, v0 to v13) parsed as its bytes pass, for frames too large to buffer
// whole: every field but the records is read, and each partition's records are counted from their batch headers.

import { DEFAULT_MAX_DECOMPRESSED_BYTES, emptySummary, type RecordSetSummary } from './record-batch.ts';
import { int16, int32, StreamedParse, streamedRecords, uuid, VersionedReaders, type Parser } from './stream-parser.ts';

const FIRST_TRANSACTIONAL_PRODUCE_VERSION = 3;
const FIRST_FLEXIBLE_PRODUCE_VERSION = 9;
const FIRST_TOPIC_ID_PRODUCE_VERSION = 13;

export interface StreamedProducePartition {
  readonly topic: { readonly name?: string; readonly id?: string };
  readonly partitionIndex: number;
  /** Bytes of the partition's record set. */
  readonly size: number;
  readonly records: RecordSetSummary;
}

export interface StreamedProduceRequest {
  /** Undefined before v3, which has no transactional id. */
  readonly transactionalId: string | null | undefined;
  readonly acks: number;
  readonly timeoutMs: number;
  readonly partitions: readonly StreamedProducePartition[];
}

function* produceRequestBody(version: number): Parser<StreamedProduceRequest> {
  const read = new VersionedReaders(version >= FIRST_FLEXIBLE_PRODUCE_VERSION, 'produce request');
  const transactionalId = version >= FIRST_TRANSACTIONAL_PRODUCE_VERSION ? yield* read.string() : undefined;
  const acks = yield* int16();
  const timeoutMs = yield* int32();
  const budget = { remaining: DEFAULT_MAX_DECOMPRESSED_BYTES };
  const partitions: StreamedProducePartition[] = [];
  const topicCount = yield* read.length();
  for (let topicIndex = 0; topicIndex < topicCount; topicIndex++) {
    const topic = version >= FIRST_TOPIC_ID_PRODUCE_VERSION ? { id: yield* uuid() } : { name: (yield* read.string()) ?? '' };
    const partitionCount = yield* read.length();
    for (let index = 0; index < partitionCount; index++) {
      const partitionIndex = yield* int32();
      const size = yield* read.length();
      const records = size > 0 ? yield* streamedRecords(size, budget) : emptySummary();
      yield* read.taggedFields();
      partitions.push({ topic, partitionIndex, size: Math.max(0, size), records });
    }
    yield* read.taggedFields();
  }
  yield* read.taggedFields();
  return { transactionalId, acks, timeoutMs, partitions };
}

/** A Produce request's body (the bytes after its header) parsed as they are pushed. */
export class ProduceRequestStream extends StreamedParse<StreamedProduceRequest> {
  constructor(version: number) {
    super(produceRequestBody(version));
  }
}
