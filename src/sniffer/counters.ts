import { createFramingCounters, type FramingCounters } from './frame-assembler.ts';

/** Running totals of the sniffer (gauges marked): what it decoded, and what it could not. */
export interface SnifferCounters {
  framing: FramingCounters;
  /** Connections recognised as Kafka in clear text, and as TLS. */
  kafkaConnections: number;
  tlsConnections: number;
  /** Connections whose bytes were neither Kafka nor TLS (within the probe limit), then ignored. */
  otherConnections: number;
  /** Gauge: connections still being probed. */
  probingConnections: number;
  requests: number;
  responses: number;
  /** Request frames whose header did not decode (unknown API key, garbage): nothing to pair. */
  undecodableRequests: number;
  /** Request or response bodies that did not decode (the exchange is still reported, without detail). */
  undecodableBodies: number;
  responsesWithoutRequest: number;
  /** Requests answered (or given up) by outcome. */
  answered: number;
  noResponseExpected: number;
  unanswered: number;
  /** Pending requests given up because the per-connection limit was reached. */
  pendingOverflow: number;
  saslRawTokens: number;
  /** Compressed legacy (magic 0/1) wrappers counted as one record. */
  uncountedWrappers: number;
}

export function createSnifferCounters(): SnifferCounters {
  return {
    framing: createFramingCounters(),
    kafkaConnections: 0,
    tlsConnections: 0,
    otherConnections: 0,
    probingConnections: 0,
    requests: 0,
    responses: 0,
    undecodableRequests: 0,
    undecodableBodies: 0,
    responsesWithoutRequest: 0,
    answered: 0,
    noResponseExpected: 0,
    unanswered: 0,
    pendingOverflow: 0,
    saslRawTokens: 0,
    uncountedWrappers: 0,
  };
}
