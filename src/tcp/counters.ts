/** Running totals of the reassembler (counters only grow; gauges are marked). */
export interface ReassemblyCounters {
  /** TCP segments pushed. */
  packets: number;
  /** Captured payload bytes pushed. */
  payloadBytes: number;
  /** Bytes handed to data() callbacks. */
  deliveredBytes: number;
  /** Segments that arrived ahead of a hole. */
  outOfOrderSegments: number;
  /** Bytes dropped because they were already delivered or buffered (retransmissions, overlaps; the first copy wins). */
  duplicateBytes: number;
  /** gap() callbacks and the bytes they reported (capture drops and snap-length truncation). */
  gaps: number;
  gapBytes: number;
  /** Segments more than 2^30 away from the expected sequence number: ignored. */
  outOfWindowSegments: number;
  /** Bytes sent after their side's FIN: ignored. */
  bytesAfterFin: number;
  /** Pure ACK, RST or FIN segments of flows not being tracked: ignored (they start no connection). */
  segmentsWithoutConnection: number;
  /** Segments of a connection already closed (late ACKs, retransmissions): ignored. */
  segmentsAfterClose: number;
  connectionsOpened: number;
  connectionsClosed: number;
  /** Flows dropped to make room when the flow table was full. */
  flowsEvicted: number;
  /** Open flows dropped after their idle timeout. */
  flowsExpired: number;
  /** Gauge: connections open now. */
  flowsOpen: number;
  /** Gauge: flow-table entries, including closed connections kept briefly to absorb late packets. */
  flowsTracked: number;
  /** Gauge: out-of-order bytes held across all flows. */
  bufferedBytes: number;
  /** Most out-of-order bytes one direction has held at once. */
  peakBufferedBytesPerDirection: number;
}

export function createReassemblyCounters(): ReassemblyCounters {
  return {
    packets: 0,
    payloadBytes: 0,
    deliveredBytes: 0,
    outOfOrderSegments: 0,
    duplicateBytes: 0,
    gaps: 0,
    gapBytes: 0,
    outOfWindowSegments: 0,
    bytesAfterFin: 0,
    segmentsWithoutConnection: 0,
    segmentsAfterClose: 0,
    connectionsOpened: 0,
    connectionsClosed: 0,
    flowsEvicted: 0,
    flowsExpired: 0,
    flowsOpen: 0,
    flowsTracked: 0,
    bufferedBytes: 0,
    peakBufferedBytesPerDirection: 0,
  };
}
