import type { TcpSegment } from '../capture/tcp-segment.ts';
import type { ReassemblyCounters } from './counters.ts';
import { DirectionStream, type DirectionLimits } from './direction-stream.ts';

/** The side that sent some bytes. The client is the side that sent the SYN, when it was seen. */
export type Side = 'client' | 'server';

/** How the client and server sides were told apart. */
export type RoleEvidence = 'syn' | 'syn-ack' | 'port-heuristic';

export type CloseReason = 'fin' | 'rst' | 'port-reuse' | 'idle-timeout' | 'evicted' | 'end-of-input';

export interface Endpoint {
  address: string;
  port: number;
}

/** Per-connection receiver of the reassembled streams. */
export interface StreamHandler {
  data(from: Side, chunk: Buffer, timestampMicros: number): void;
  /** `byteCount` bytes of the stream were never captured; the stream continues after them. */
  gap(from: Side, byteCount: number, timestampMicros: number): void;
  closed(reason: CloseReason, timestampMicros: number): void;
}

/** What the reassembler knows about a connection when it starts. */
export interface ConnectionInfo {
  readonly id: number;
  readonly ipVersion: 4 | 6;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly roleEvidence: RoleEvidence;
  /** True when the roles come from a SYN or SYN-ACK; false when guessed (capture began mid-connection). */
  readonly initiatorKnown: boolean;
  readonly openedAtMicros: number;
  /** Whether `side`'s stream is known to begin at its first byte (its SYN was seen). */
  startKnown(side: Side): boolean;
}

export type ConnectionListener = (connection: ConnectionInfo) => StreamHandler | undefined;

/** One incarnation of a 5-tuple: both directions, their reassembly, and the close state. */
export class TcpConnection implements ConnectionInfo {
  readonly id: number;
  readonly ipVersion: 4 | 6;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly roleEvidence: RoleEvidence;
  readonly openedAtMicros: number;
  readonly clientStream: DirectionStream;
  readonly serverStream: DirectionStream;
  readonly #onClosed: (connection: TcpConnection) => void;
  #handler: StreamHandler | undefined;
  #closed = false;

  constructor(
    id: number,
    firstSegment: TcpSegment,
    limits: DirectionLimits,
    counters: ReassemblyCounters,
    onClosed: (connection: TcpConnection) => void,
  ) {
    this.id = id;
    this.#onClosed = onClosed;
    this.ipVersion = firstSegment.ipVersion;
    this.openedAtMicros = firstSegment.timestampMicros;
    const sender = { address: firstSegment.sourceAddress, port: firstSegment.sourcePort };
    const receiver = { address: firstSegment.destinationAddress, port: firstSegment.destinationPort };
    this.roleEvidence = roleEvidenceOf(firstSegment);
    const senderIsClient =
      this.roleEvidence === 'syn' || (this.roleEvidence === 'port-heuristic' && firstSegment.sourcePort >= firstSegment.destinationPort);
    this.client = senderIsClient ? sender : receiver;
    this.server = senderIsClient ? receiver : sender;
    this.clientStream = new DirectionStream(limits, counters, {
      data: (chunk, time) => this.#handler?.data('client', chunk, time),
      gap: (count, time) => this.#handler?.gap('client', count, time),
    });
    this.serverStream = new DirectionStream(limits, counters, {
      data: (chunk, time) => this.#handler?.data('server', chunk, time),
      gap: (count, time) => this.#handler?.gap('server', count, time),
    });
  }

  get initiatorKnown(): boolean {
    return this.roleEvidence !== 'port-heuristic';
  }

  get closed(): boolean {
    return this.#closed;
  }

  get hasPendingWork(): boolean {
    return this.clientStream.hasPendingWork || this.serverStream.hasPendingWork;
  }

  startKnown(side: Side): boolean {
    return (side === 'client' ? this.clientStream : this.serverStream).startKnown;
  }

  attach(handler: StreamHandler | undefined): void {
    this.#handler = handler;
  }

  isFromClient(segment: TcpSegment): boolean {
    return segment.sourcePort === this.client.port && segment.sourceAddress === this.client.address;
  }

  /**
   * A SYN that cannot belong to this connection: its side already has another initial
   * sequence number, or was already sending without one. Such a SYN opens a new connection.
   */
  isSynOfNewConnection(segment: TcpSegment): boolean {
    if (!segment.syn) return false;
    const stream = this.isFromClient(segment) ? this.clientStream : this.serverStream;
    if (stream.initialSequence !== undefined) return stream.initialSequence !== segment.sequence;
    return stream.started || this.#closed;
  }

  receive(segment: TcpSegment): void {
    const now = segment.timestampMicros;
    if (segment.rst) {
      this.close('rst', now);
      return;
    }
    const fromClient = this.isFromClient(segment);
    const sender = fromClient ? this.clientStream : this.serverStream;
    const receiver = fromClient ? this.serverStream : this.clientStream;
    if (segment.syn) sender.acceptSyn(segment.sequence);
    const dataSequence = segment.syn ? (segment.sequence + 1) >>> 0 : segment.sequence;
    sender.accept(dataSequence, segment.payload, segment.missingPayloadBytes, segment.fin, now);
    if (segment.ack) receiver.noteAcknowledged(segment.acknowledgment, now);
    this.expire(now);
  }

  expire(now: number): void {
    this.clientStream.expire(now);
    this.serverStream.expire(now);
    if (this.clientStream.finished && this.serverStream.finished) this.close('fin', now);
  }

  /** Delivers what is held (holes become gaps) and reports the close; later calls do nothing. */
  close(reason: CloseReason, now: number): void {
    if (this.#closed) return;
    this.clientStream.flush(now);
    this.serverStream.flush(now);
    this.#closed = true;
    this.#onClosed(this);
    this.#handler?.closed(reason, now);
  }
}

function roleEvidenceOf(segment: TcpSegment): RoleEvidence {
  if (segment.syn) return segment.ack ? 'syn-ack' : 'syn';
  return 'port-heuristic';
}
