/** One link-layer frame read from a capture file or stream. */
export interface CapturedPacket {
  /**
   * Microseconds since the Unix epoch, an integer. Sub-microsecond digits of nanosecond
   * captures are truncated: a float64 cannot hold epoch nanoseconds exactly, and
   * microseconds are finer than anything the consumers measure.
   */
  timestampMicros: number;
  linkType: number;
  capturedLength: number;
  originalLength: number;
  /** The captured bytes. Never overwritten later, so it may be kept; it may share memory with a larger input chunk. */
  data: Buffer;
  /** pcapng interface index within its section; 0 for classic pcap. */
  interfaceId: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** Where and how the input ended in the middle of something. */
export interface TruncatedTail {
  /** Input offset where the incomplete item starts. */
  offset: number;
  /** What was being read: 'file header', 'packet record', 'block'... */
  item: string;
  bytesAvailable: number;
  /** Bytes the item needs, when its header was complete enough to tell. */
  bytesExpected: number | undefined;
}

export interface CaptureSummary {
  format: CaptureFormat | undefined;
  packets: number;
  bytesRead: number;
  /** Set when the input ended inside a header, record or block (the partial item is ignored). */
  truncated: TruncatedTail | undefined;
}
