import type { TcpSegment } from '../../../../src/capture/tcp-segment.ts';
import type { CloseReason, ConnectionInfo, Side } from '../../../../src/tcp/connection.ts';
import { Reassembler, type ReassemblerOptions } from '../../../../src/tcp/reassembly.ts';

export const CLIENT = { address: '10.0.0.1', port: 40000 };
export const SERVER = { address: '10.0.0.2', port: 9092 };

export interface SegmentFields {
  from?: Side;
  client?: { address: string; port: number };
  server?: { address: string; port: number };
  time?: number;
  sequence: number;
  acknowledgment?: number;
  syn?: boolean;
  fin?: boolean;
  rst?: boolean;
  ack?: boolean;
  payload?: Buffer | string;
  missing?: number;
}

/** A decoded segment between CLIENT and SERVER (or the given endpoints), sent by `from`. */
export function segment(fields: SegmentFields): TcpSegment {
  const client = fields.client ?? CLIENT;
  const server = fields.server ?? SERVER;
  const [source, destination] = (fields.from ?? 'client') === 'client' ? [client, server] : [server, client];
  const payload = typeof fields.payload === 'string' ? Buffer.from(fields.payload) : (fields.payload ?? Buffer.alloc(0));
  return {
    timestampMicros: fields.time ?? 0,
    ipVersion: 4,
    sourceAddress: source.address,
    sourcePort: source.port,
    destinationAddress: destination.address,
    destinationPort: destination.port,
    sequence: fields.sequence >>> 0,
    acknowledgment: (fields.acknowledgment ?? 0) >>> 0,
    syn: fields.syn ?? false,
    fin: fields.fin ?? false,
    rst: fields.rst ?? false,
    ack: fields.ack ?? false,
    psh: false,
    window: 65535,
    payload,
    missingPayloadBytes: fields.missing ?? 0,
  };
}

export type StreamEvent =
  | { type: 'data'; from: Side; bytes: string; time: number }
  | { type: 'gap'; from: Side; bytes: number; time: number }
  | { type: 'closed'; reason: CloseReason; time: number };

export interface RecordedConnection {
  info: ConnectionInfo;
  events: StreamEvent[];
  /** Concatenated data per side, with each gap shown as `[gap N]`. */
  text: Record<Side, string>;
  bytes: Record<Side, Buffer[]>;
}

/** A reassembler that records every event of every connection. */
export function recordingReassembler(options: ReassemblerOptions = {}): {
  reassembler: Reassembler;
  connections: RecordedConnection[];
} {
  const connections: RecordedConnection[] = [];
  const reassembler = new Reassembler((info) => {
    const recorded: RecordedConnection = { info, events: [], text: { client: '', server: '' }, bytes: { client: [], server: [] } };
    connections.push(recorded);
    return {
      data(from, chunk, time) {
        recorded.events.push({ type: 'data', from, bytes: chunk.toString('latin1'), time });
        recorded.text[from] += chunk.toString('latin1');
        recorded.bytes[from].push(chunk);
      },
      gap(from, bytes, time) {
        recorded.events.push({ type: 'gap', from, bytes, time });
        recorded.text[from] += `[gap ${bytes}]`;
      },
      closed(reason, time) {
        recorded.events.push({ type: 'closed', reason, time });
      },
    };
  }, options);
  return { reassembler, connections };
}
