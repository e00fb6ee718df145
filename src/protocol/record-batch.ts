// Counts batches and records in the `records` bytes of a Produce request or Fetch response partition,
// reading only batch headers: nothing is decompressed or copied.
//
// Formats (both start with offset int64 + length int32, and have the magic byte at offset 16):
//  - magic 2 RecordBatch: the header carries the record count, compression, transactional and control flags.
//  - magic 0/1 legacy message sets: one message per entry. A compressed entry is a wrapper whose inner
//    messages are inside the compressed value: it is decompressed (gzip, snappy, lz4) within a byte
//    budget and its inner messages counted; past the budget, or when the value does not decompress, the
//    wrapper counts as ONE record, `uncountedWrappers` says how many and `approximate` is set.

import { DecodeError } from './decode-error.ts';
import type { AbortedTransactionFilter } from './aborted-transactions.ts';
import { CodecError, gunzipBounded, unlz4Bounded, unsnappyBounded } from './legacy-codecs.ts';

export const COMPRESSION_NONE = 0;
export const COMPRESSION_GZIP = 1;
export const COMPRESSION_SNAPPY = 2;
export const COMPRESSION_LZ4 = 3;
export const COMPRESSION_ZSTD = 4;
const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export const LOG_OVERHEAD = 12; // offset int64 + length int32
const MAGIC_OFFSET = 16;
const V2_HEADER_SIZE = 61;
const V2_ATTRIBUTES_OFFSET = 21;
const V2_LAST_OFFSET_DELTA_OFFSET = 23;
const V2_PRODUCER_ID_OFFSET = 43;
const V2_PRODUCER_EPOCH_OFFSET = 51;
const V2_BASE_SEQUENCE_OFFSET = 53;
const CONTROL_TYPE_ABORT = 0;
const V2_RECORD_COUNT_OFFSET = 57;
const V2_COMPRESSION_MASK = 0x07;
const V2_TRANSACTIONAL_FLAG = 0x10;
const V2_CONTROL_FLAG = 0x20;
const LEGACY_ATTRIBUTES_OFFSET = 17;
const LEGACY_COMPRESSION_MASK = 0x07;
/** crc + magic + attributes + key length + value length (magic 0); magic 1 adds a timestamp. */
const LEGACY_V0_MIN_SIZE = 14;
const LEGACY_V1_MIN_SIZE = 22;
/** Where the key length of a legacy message starts: after offset, size, crc, magic, attributes (and the v1 timestamp). */
const LEGACY_V0_KEY_OFFSET = 18;
const LEGACY_V1_KEY_OFFSET = 26;
/** Decompressed bytes one record set may produce while counting legacy wrappers. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;

/** What may still be decompressed; share one across the partitions of a frame to bound the frame. */
export interface DecompressionBudget {
  remaining: number;
}

const LEGACY_DECOMPRESSORS: Record<number, (data: Buffer, maxBytes: number) => Buffer> = {
  [COMPRESSION_GZIP]: gunzipBounded,
  [COMPRESSION_SNAPPY]: unsnappyBounded,
  [COMPRESSION_LZ4]: unlz4Bounded,
};

export interface RecordSetSummary {
  /** Magic 2 batches plus legacy top-level messages (Kafka treats each of those as a batch too). */
  batches: number;
  /** Data records; control records are not included. */
  records: number;
  controlBatches: number;
  controlRecords: number;
  /** Data records (counted in `records` too) of aborted transactions, which a read_committed consumer drops. */
  abortedRecords: number;
  transactionalBatches: number;
  /** The producer id of the transactional batches; -1n when there are none. */
  transactionalProducerId: bigint;
  /** The idempotent producer of the first batch, its epoch and base sequence; producerId -1n when it has none. */
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** Bit n is set when some batch used compression codec n (see COMPRESSION_*). */
  compressionCodecs: number;
  /** Bit n is set when some batch had magic n. */
  magics: number;
  /** Bytes covered by the complete batches counted. */
  bytes: number;
  /** The offset after the last record of the complete batches (where a consumer fetches next); -1 without one. */
  nextOffset: number;
  /** Bytes of a trailing batch cut short (Fetch responses may end that way); not counted. */
  partialBytes: number;
  /** True when a compressed legacy (magic 0/1) wrapper was counted as a single record. */
  approximate: boolean;
  /** Compressed legacy wrappers counted as one record: over the decompression budget, or not decompressible. */
  uncountedWrappers: number;
  /** Set when a malformed batch stopped the count; the counts cover the batches before it. */
  error: DecodeError | null;
}

export function emptySummary(): RecordSetSummary {
  return {
    batches: 0,
    records: 0,
    controlBatches: 0,
    controlRecords: 0,
    abortedRecords: 0,
    transactionalBatches: 0,
    transactionalProducerId: -1n,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    compressionCodecs: 0,
    magics: 0,
    bytes: 0,
    nextOffset: -1,
    partialBytes: 0,
    approximate: false,
    uncountedWrappers: 0,
    error: null,
  };
}

export function compressionCodecNames(mask: number): string[] {
  const names: string[] = [];
  for (let codec = 0; codec < 8; codec++) {
    if (mask & (1 << codec)) names.push(CODEC_NAMES[codec] ?? `codec-${codec}`);
  }
  return names;
}

/** Reads a zigzag varint (the record fields' encoding) at `at`; undefined past `end`. */
function readVarint(buf: Buffer, at: number, end: number): { value: number; next: number } | undefined {
  let raw = 0;
  for (let shift = 0, index = at; index < end && shift <= 28; shift += 7, index++) {
    const byte = buf[index]!;
    raw |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: (raw >>> 1) ^ -(raw & 1), next: index + 1 };
  }
  return undefined;
}

/** Whether an uncompressed control batch's first record is an ABORT marker (its key: version int16, type int16). */
function isAbortMarker(buf: Buffer, at: number, end: number): boolean {
  const recordLength = readVarint(buf, at + V2_HEADER_SIZE, end);
  if (!recordLength) return false;
  let cursor = recordLength.next + 1; // past the record's attributes byte
  for (let field = 0; field < 2; field++) {
    // timestamp delta, offset delta
    const skipped = readVarint(buf, cursor, end);
    if (!skipped) return false;
    cursor = skipped.next;
  }
  const keyLength = readVarint(buf, cursor, end);
  if (!keyLength || keyLength.value < 4 || keyLength.next + 4 > end) return false;
  return buf.readInt16BE(keyLength.next + 2) === CONTROL_TYPE_ABORT;
}

function countV2Batch(
  buf: Buffer,
  at: number,
  length: number,
  summary: RecordSetSummary,
  aborted: AbortedTransactionFilter | undefined,
): DecodeError | null {
  if (LOG_OVERHEAD + length < V2_HEADER_SIZE) {
    return new DecodeError('record batch', at, `batch length ${length} is shorter than the v2 header`);
  }
  const attributes = buf.readInt16BE(at + V2_ATTRIBUTES_OFFSET);
  const recordCount = buf.readInt32BE(at + V2_RECORD_COUNT_OFFSET);
  if (recordCount < 0) return new DecodeError('record batch', at, `negative record count ${recordCount}`);
  summary.compressionCodecs |= 1 << (attributes & V2_COMPRESSION_MASK);
  if (attributes & V2_TRANSACTIONAL_FLAG) {
    summary.transactionalBatches++;
    summary.transactionalProducerId = buf.readBigInt64BE(at + V2_PRODUCER_ID_OFFSET);
  }
  const control = (attributes & V2_CONTROL_FLAG) !== 0;
  if (summary.batches === 0 && !control) {
    summary.producerId = buf.readBigInt64BE(at + V2_PRODUCER_ID_OFFSET);
    summary.producerEpoch = buf.readInt16BE(at + V2_PRODUCER_EPOCH_OFFSET);
    summary.baseSequence = buf.readInt32BE(at + V2_BASE_SEQUENCE_OFFSET);
  }
  if (control) {
    summary.controlBatches++;
    summary.controlRecords += recordCount;
  } else {
    summary.records += recordCount;
  }
  if (aborted) {
    const batch = {
      producerId: buf.readBigInt64BE(at + V2_PRODUCER_ID_OFFSET),
      lastOffset: Number(buf.readBigInt64BE(at)) + buf.readInt32BE(at + V2_LAST_OFFSET_DELTA_OFFSET),
      transactional: (attributes & V2_TRANSACTIONAL_FLAG) !== 0,
      control,
      abortMarker: control && (attributes & V2_COMPRESSION_MASK) === COMPRESSION_NONE && isAbortMarker(buf, at, at + LOG_OVERHEAD + length),
    };
    if (aborted.isAborted(batch)) summary.abortedRecords += recordCount;
  }
  return null;
}

function countLegacyMessage(
  buf: Buffer,
  at: number,
  length: number,
  magic: number,
  summary: RecordSetSummary,
  budget: DecompressionBudget,
): DecodeError | null {
  const minimum = magic === 0 ? LEGACY_V0_MIN_SIZE : LEGACY_V1_MIN_SIZE;
  if (length < minimum) {
    return new DecodeError('legacy message', at, `message size ${length} is below the magic ${magic} minimum ${minimum}`);
  }
  const codec = buf[at + LEGACY_ATTRIBUTES_OFFSET]! & LEGACY_COMPRESSION_MASK;
  summary.compressionCodecs |= 1 << codec;
  if (codec === COMPRESSION_NONE) {
    summary.records++;
    return null;
  }
  const inner = innerMessageCount(buf, at, LOG_OVERHEAD + length, magic, codec, budget);
  if (inner === undefined) {
    summary.records++;
    summary.uncountedWrappers++;
    summary.approximate = true;
  } else {
    summary.records += inner;
  }
  return null;
}

/** The messages inside a compressed wrapper; undefined when its value does not decompress within the budget. */
function innerMessageCount(
  buf: Buffer,
  at: number,
  size: number,
  magic: number,
  codec: number,
  budget: DecompressionBudget,
): number | undefined {
  const end = at + size;
  let cursor = at + (magic === 0 ? LEGACY_V0_KEY_OFFSET : LEGACY_V1_KEY_OFFSET);
  const keyLength = buf.readInt32BE(cursor);
  cursor += 4 + Math.max(0, keyLength);
  if (cursor + 4 > end) return undefined;
  const valueLength = buf.readInt32BE(cursor);
  cursor += 4;
  const decompress = LEGACY_DECOMPRESSORS[codec];
  if (!decompress || valueLength < 0 || cursor + valueLength > end || budget.remaining <= 0) return undefined;
  let messages: Buffer;
  try {
    messages = decompress(buf.subarray(cursor, cursor + valueLength), budget.remaining);
  } catch (error) {
    if (error instanceof CodecError) return undefined;
    throw error;
  }
  budget.remaining -= messages.length;
  let count = 0;
  for (let entry = 0; entry + LOG_OVERHEAD <= messages.length; count++) {
    const entryLength = messages.readInt32BE(entry + 8);
    if (entryLength < 0 || entry + LOG_OVERHEAD + entryLength > messages.length) return count === 0 ? undefined : count;
    entry += LOG_OVERHEAD + entryLength;
  }
  return count;
}

/** Control batches and legacy entries up to these sizes are read whole when streamed (an abort marker, a compressed wrapper). */
const STREAMED_CONTROL_BATCH_LIMIT = 4096;
const STREAMED_LEGACY_ENTRY_LIMIT = 1 << 20;

/**
 * For a batch met in a stream, given its first bytes (`start`: its offset and length fields and up to the
 * 49 after them): how many bytes after the offset and length fields addBatch needs to count it. A magic 2
 * data batch needs its header only; a control batch or a legacy entry needs its whole bytes; undefined for
 * a legacy entry too large to hold (countUnheldLegacyEntry counts it).
 */
export function streamedBatchBytes(start: Buffer, length: number): number | undefined {
  const magic = start.length > MAGIC_OFFSET ? start.readInt8(MAGIC_OFFSET) : -1;
  if (magic === 2) {
    const control = start.length >= V2_ATTRIBUTES_OFFSET + 2 && (start.readInt16BE(V2_ATTRIBUTES_OFFSET) & V2_CONTROL_FLAG) !== 0;
    return control && length <= STREAMED_CONTROL_BATCH_LIMIT ? length : Math.min(length, V2_HEADER_SIZE - LOG_OVERHEAD);
  }
  if (magic === 0 || magic === 1) return length <= STREAMED_LEGACY_ENTRY_LIMIT ? length : undefined;
  return start.length - LOG_OVERHEAD;
}

/** A legacy entry of `length` bytes too large to hold while streaming: one record, its inner messages uncounted. */
export function countUnheldLegacyEntry(summary: RecordSetSummary, length: number): void {
  summary.records++;
  summary.batches++;
  summary.uncountedWrappers++;
  summary.approximate = true;
  summary.bytes += LOG_OVERHEAD + length;
}

/**
 * Counts one complete batch (magic 2) or legacy entry starting at `at`, `length` bytes after its offset and
 * length fields. `buf` may hold less than the whole of a magic 2 data batch: its 61-byte header is enough
 * (control batches and legacy entries need their bytes). Updates `summary`; a malformed batch is returned.
 */
export function addBatch(
  buf: Buffer,
  at: number,
  length: number,
  summary: RecordSetSummary,
  budget: DecompressionBudget,
  aborted: AbortedTransactionFilter | undefined,
): DecodeError | null {
  const magic = length > MAGIC_OFFSET - LOG_OVERHEAD ? buf.readInt8(at + MAGIC_OFFSET) : -1;
  let error: DecodeError | null;
  if (magic === 2) error = countV2Batch(buf, at, length, summary, aborted);
  else if (magic === 0 || magic === 1) error = countLegacyMessage(buf, at, length, magic, summary, budget);
  else error = new DecodeError('record batch', at, magic < 0 ? `batch length ${length} leaves no magic byte` : `unknown magic ${magic}`);
  if (error) return error;
  summary.magics |= 1 << magic;
  summary.batches++;
  // A v2 batch ends at its base offset plus its last offset delta; a legacy entry (a compressed
  // wrapper included) carries the offset of its last message.
  const lastOffset = Number(buf.readBigInt64BE(at)) + (magic === 2 ? buf.readInt32BE(at + V2_LAST_OFFSET_DELTA_OFFSET) : 0);
  summary.nextOffset = lastOffset + 1;
  return null;
}

/**
 * Summarizes a record set (`records` field). Never throws; a malformed batch is reported in `error`
 * and a truncated trailing batch in `partialBytes`.
 */
export function summarizeRecords(
  records: Buffer | null,
  offset = 0,
  end = records ? records.length : 0,
  budget: DecompressionBudget = { remaining: DEFAULT_MAX_DECOMPRESSED_BYTES },
  aborted?: AbortedTransactionFilter,
): RecordSetSummary {
  const summary = emptySummary();
  if (!records) return summary;
  if (!Number.isInteger(offset) || !Number.isInteger(end) || offset < 0 || end > records.length || offset > end) {
    summary.error = new DecodeError('record set', offset, `[${offset}, ${end}) is outside ${records.length} bytes`);
    return summary;
  }
  let at = offset;
  while (at < end) {
    const remaining = end - at;
    if (remaining < LOG_OVERHEAD) break;
    const length = records.readInt32BE(at + 8);
    if (length < 0) {
      summary.error = new DecodeError('record batch', at, `negative batch length ${length}`);
      break;
    }
    if (remaining < LOG_OVERHEAD + length) break;
    const error = addBatch(records, at, length, summary, budget, aborted);
    if (error) {
      summary.error = error;
      break;
    }
    at += LOG_OVERHEAD + length;
  }
  summary.bytes = at - offset;
  if (!summary.error) summary.partialBytes = end - at;
  return summary;
}
