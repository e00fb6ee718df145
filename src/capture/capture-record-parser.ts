import type { CaptureFormat, CapturedPacket, TruncatedTail } from './captured-packet.ts';

/** A sans-I/O reader of one capture format, pulling records from a shared ByteQueue. */
export interface CaptureRecordParser {
  readonly format: CaptureFormat;
  /** The next packet if it is complete in the queue; consumes non-packet records on the way. Throws CaptureFormatError. */
  next(): CapturedPacket | undefined;
  /** Describes the incomplete item left in the queue when the input has ended, if any. */
  truncatedTail(): TruncatedTail | undefined;
}

/** Largest record or block accepted by default: far above any real snaplen (256 KiB) or GRO packet. */
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
