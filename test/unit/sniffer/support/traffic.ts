// TCP conversations for tests: a client and a broker exchanging byte streams as TCP segments, and a
// sniffer run over them that records every event.

import type { TcpSegment } from '../../../../src/capture/tcp-segment.ts';
import type { CloseReason, Endpoint, Side } from '../../../../src/tcp/connection.ts';
import type { ConnectionView, Exchange, SnifferListener } from '../../../../src/sniffer/events.ts';
import type { SnifferOptions } from '../../../../src/sniffer/options.ts';
import { Sniffer } from '../../../../src/sniffer/sniffer.ts';
import { segment } from '../../tcp/support/segments.ts';

export const CLIENT: Endpoint = { address: '10.0.0.5', port: 51404 };
export const BROKER: Endpoint = { address: '10.0.0.14', port: 9092 };

export class TcpConversation {
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly segments: TcpSegment[] = [];
  readonly #next: Record<Side, number> = { client: 1000, server: 5_000_000 };
  #time: number;

  /** `handshake: false` starts as if the capture began in the middle of the connection. */
  constructor(options: { client?: Endpoint; server?: Endpoint; handshake?: boolean; startMicros?: number } = {}) {
    this.client = options.client ?? CLIENT;
    this.server = options.server ?? BROKER;
    this.#time = options.startMicros ?? 1_700_000_000_000_000;
    if (options.handshake ?? true) {
      this.#push('client', { syn: true, sequence: this.#next.client - 1 });
      this.#push('server', { syn: true, ack: true, sequence: this.#next.server - 1, acknowledgment: this.#next.client });
    }
  }

  /** Sends `bytes` from one side in segments of at most `mss` bytes, `stepMicros` apart. */
  send(from: Side, bytes: Buffer, options: { mss?: number; stepMicros?: number } = {}): this {
    const mss = options.mss ?? 1448;
    for (let at = 0; at < bytes.length; at += mss) {
      const payload = bytes.subarray(at, at + mss);
      this.#push(from, { ack: true, payload, sequence: this.#next[from] }, options.stepMicros);
      this.#next[from] += payload.length;
    }
    return this;
  }

  /** `byteCount` bytes from one side that the capture never saw (a capture drop). */
  lose(from: Side, byteCount: number): this {
    this.#next[from] += byteCount;
    return this;
  }

  /** Both sides send FIN. */
  close(): this {
    for (const from of ['client', 'server'] as const) {
      this.#push(from, { fin: true, ack: true, sequence: this.#next[from] });
      this.#next[from] += 1;
    }
    return this;
  }

  #push(from: Side, fields: Omit<Parameters<typeof segment>[0], 'from' | 'client' | 'server' | 'time'>, stepMicros = 100): void {
    this.#time += stepMicros;
    const other: Side = from === 'client' ? 'server' : 'client';
    this.segments.push(
      segment({ from, client: this.client, server: this.server, time: this.#time, acknowledgment: this.#next[other], ...fields }),
    );
  }
}

export interface SniffRecord {
  exchanges: Exchange[];
  opened: ConnectionView[];
  closed: { connection: ConnectionView; reason: CloseReason }[];
  resolved: [string, string][];
  sniffer: Sniffer;
}

/** Runs a sniffer over segments (then ends the input) and records every event. */
export function sniff(segments: Iterable<TcpSegment>, options: SnifferOptions = {}): SniffRecord {
  const record: Omit<SniffRecord, 'sniffer'> = { exchanges: [], opened: [], closed: [], resolved: [] };
  const listener: SnifferListener = {
    exchange: (exchange) => record.exchanges.push(exchange),
    connectionOpened: (connection) => record.opened.push(connection),
    connectionClosed: (connection, reason) => record.closed.push({ connection, reason }),
    topicResolved: (id, name) => record.resolved.push([id, name]),
  };
  const sniffer = new Sniffer(listener, options);
  for (const tcp of segments) sniffer.push(tcp);
  sniffer.finish();
  return { ...record, sniffer };
}
