// Public API of the sniffer: push TCP segments (or a whole capture) in, get typed events out.

export { Sniffer } from './sniffer.ts';
export { sniffCapture, type SniffCaptureOptions, type SniffResult } from './sniff-capture.ts';
export type { SnifferOptions } from './options.ts';
export type { SnifferCounters } from './counters.ts';
export type { FramingCounters } from './frame-assembler.ts';
export type {
  ClientSoftware,
  ConnectionStats,
  ConnectionView,
  DirectionEvidence,
  ErrorCount,
  Exchange,
  ExchangeDetails,
  ExchangeOutcome,
  PartitionError,
  Role,
  SaslState,
  SnifferListener,
  TopicTraffic,
} from './events.ts';
export { ClientSummary, type ClientSummaryRow } from './client-summary.ts';
export type { TopicFeeder } from './topic-resolver.ts';
