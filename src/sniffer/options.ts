import type { ReassemblerOptions } from '../tcp/reassembly.ts';

export interface SnifferOptions {
  /** Broker listener ports (any number); without them the broker side is learned from the traffic. */
  brokerPorts?: readonly number[];
  /** Largest frame buffered whole (default 8 MiB); larger frames are skipped by length after their headers. */
  maxFrameBytes?: number;
  /** Bytes held per direction while hunting for a frame start after lost bytes (default 64 KiB). */
  maxHuntBytes?: number;
  /** Bytes held per connection while telling whether it is Kafka and which side is the broker (default 64 KiB). */
  maxProbeBytes?: number;
  /** Requests awaiting a response per connection (default 1024). */
  maxPendingRequests?: number;
  /** Fetch sessions remembered per connection (default 16). */
  maxFetchSessions?: number;
  /** Topic ids remembered with their names (default 200 000). */
  maxTopicIds?: number;
  /** Connections tracked at once, idle timeouts and reassembly buffers. */
  reassembly?: ReassemblerOptions;
}

export interface SnifferLimits {
  maxFrameBytes: number;
  maxHuntBytes: number;
  maxProbeBytes: number;
  maxPendingRequests: number;
  maxFetchSessions: number;
  /** Bytes of a skipped frame kept for its headers. */
  prefixBytes: number;
}

export function snifferLimits(options: SnifferOptions): SnifferLimits {
  return {
    maxFrameBytes: options.maxFrameBytes ?? 8 * 1024 * 1024,
    maxHuntBytes: options.maxHuntBytes ?? 64 * 1024,
    maxProbeBytes: options.maxProbeBytes ?? 64 * 1024,
    maxPendingRequests: options.maxPendingRequests ?? 1024,
    maxFetchSessions: options.maxFetchSessions ?? 16,
    prefixBytes: 4096,
  };
}
