import type { TcpSegment } from '../capture/tcp-segment.ts';
import { TcpConnection, type CloseReason, type ConnectionListener } from './connection.ts';
import { createReassemblyCounters, type ReassemblyCounters } from './counters.ts';
import type { DirectionLimits } from './direction-stream.ts';
import { FlowTable, flowKey } from './flow-table.ts';

export interface ReassemblerOptions {
  /** Connections tracked at once; when full, the least recently active one is evicted. */
  maxFlows?: number;
  /** Packet time without traffic after which an open connection is dropped. */
  idleTimeoutMicros?: number;
  /** Packet time a closed connection is remembered, so late ACKs and retransmissions start nothing new. */
  closedLingerMicros?: number;
  maxBufferedBytesPerDirection?: number;
  maxBufferedSegmentsPerDirection?: number;
  /** Packet time after which a hole with data waiting behind it is declared a gap. */
  holeTimeoutMicros?: number;
  /** Packet time after the peer acknowledged bytes never captured before they are declared a gap. */
  ackedHoleGraceMicros?: number;
  /** How often (in packet time) timeouts are checked for connections that received no packet. */
  sweepIntervalMicros?: number;
}

export const DEFAULT_REASSEMBLER_OPTIONS: Readonly<Required<ReassemblerOptions>> = Object.freeze({
  maxFlows: 65_536,
  idleTimeoutMicros: 10 * 60 * 1_000_000,
  closedLingerMicros: 10 * 1_000_000,
  maxBufferedBytesPerDirection: 1024 * 1024,
  maxBufferedSegmentsPerDirection: 1024,
  holeTimeoutMicros: 1_000_000,
  ackedHoleGraceMicros: 50_000,
  sweepIntervalMicros: 100_000,
});

interface FlowEntry {
  key: string;
  connection: TcpConnection;
  lastSeenMicros: number;
}

/**
 * Turns TCP segments of any number of flows into ordered byte streams per connection and
 * direction. All timing (timeouts, idle expiry) follows the packet timestamps, never the wall
 * clock, so a replay gives the same result every time.
 */
export class Reassembler {
  readonly #options: Required<ReassemblerOptions>;
  readonly #limits: DirectionLimits;
  readonly #onConnection: ConnectionListener;
  readonly #counters = createReassemblyCounters();
  readonly #openFlows: FlowTable<FlowEntry>;
  /** Closed connections, oldest close first. */
  readonly #closedFlows: FlowTable<FlowEntry>;
  readonly #flowsWithPendingWork = new Set<FlowEntry>();
  /**
   * The open flow of the last segment (and its 4-tuple): consecutive segments mostly belong to the same
   * connection, which then needs no key string and no table lookup. It is always the most recently
   * touched entry of #openFlows, so the LRU order needs no update either.
   */
  #last: FlowEntry | undefined;
  #lastSourceAddress = '';
  #lastSourcePort = -1;
  #lastDestinationAddress = '';
  #lastDestinationPort = -1;
  #nextConnectionId = 1;
  #clock = 0;
  #nextSweepAt = -Infinity;

  constructor(onConnection: ConnectionListener, options: ReassemblerOptions = {}) {
    this.#onConnection = onConnection;
    this.#options = { ...DEFAULT_REASSEMBLER_OPTIONS, ...definedOnly(options) };
    this.#limits = {
      maxBufferedBytes: this.#options.maxBufferedBytesPerDirection,
      maxBufferedSegments: this.#options.maxBufferedSegmentsPerDirection,
      holeTimeoutMicros: this.#options.holeTimeoutMicros,
      ackedHoleGraceMicros: this.#options.ackedHoleGraceMicros,
    };
    this.#openFlows = new FlowTable(this.#options.maxFlows);
    this.#closedFlows = new FlowTable(this.#options.maxFlows);
  }

  /** Live totals; read them, do not write them. */
  get counters(): Readonly<ReassemblyCounters> {
    return this.#counters;
  }

  push(segment: TcpSegment): void {
    const now = segment.timestampMicros;
    this.#counters.packets++;
    this.#counters.payloadBytes += segment.payload.length;
    this.#advanceClock(now);
    const last = this.#last;
    if (last !== undefined && this.#isLastFlow(segment) && !last.connection.closed && !last.connection.isSynOfNewConnection(segment)) {
      last.lastSeenMicros = now;
      last.connection.receive(segment);
      this.#afterActivity(last);
      return;
    }
    const key = flowKey(segment);
    let entry = this.#openFlows.get(key) ?? this.#closedFlows.get(key);
    if (entry !== undefined && entry.connection.isSynOfNewConnection(segment)) {
      this.#forget(entry, 'port-reuse', now);
      entry = undefined;
    }
    if (entry === undefined) {
      if (!startsConnection(segment)) {
        this.#counters.segmentsWithoutConnection++;
        return;
      }
      entry = this.#openConnection(key, segment);
    } else if (entry.connection.closed) {
      this.#counters.segmentsAfterClose++;
      return;
    } else {
      this.#openFlows.touch(key, entry);
    }
    entry.lastSeenMicros = now;
    this.#remember(entry, segment);
    entry.connection.receive(segment);
    this.#afterActivity(entry);
  }

  /** Whether `segment` has the 4-tuple (either direction) of the last segment's flow. */
  #isLastFlow(segment: TcpSegment): boolean {
    const { sourceAddress, sourcePort, destinationAddress, destinationPort } = segment;
    if (sourcePort === this.#lastSourcePort && destinationPort === this.#lastDestinationPort) {
      return sourceAddress === this.#lastSourceAddress && destinationAddress === this.#lastDestinationAddress;
    }
    return (
      sourcePort === this.#lastDestinationPort &&
      destinationPort === this.#lastSourcePort &&
      sourceAddress === this.#lastDestinationAddress &&
      destinationAddress === this.#lastSourceAddress
    );
  }

  #remember(entry: FlowEntry, segment: TcpSegment): void {
    this.#last = entry;
    this.#lastSourceAddress = segment.sourceAddress;
    this.#lastSourcePort = segment.sourcePort;
    this.#lastDestinationAddress = segment.destinationAddress;
    this.#lastDestinationPort = segment.destinationPort;
  }

  #forgetLast(): void {
    this.#last = undefined;
    this.#lastSourcePort = -1;
    this.#lastDestinationPort = -1;
  }

  /** Moves packet time forward without a packet (a live capture gone quiet), running due timeouts. */
  advanceTime(nowMicros: number): void {
    this.#advanceClock(nowMicros);
  }

  /** End of input: every open connection delivers what it holds and closes with 'end-of-input'. */
  finish(nowMicros: number = this.#clock): void {
    for (const [, entry] of this.#openFlows.entries()) entry.connection.close('end-of-input', nowMicros);
    this.#forgetLast();
    this.#openFlows.clear();
    this.#closedFlows.clear();
    this.#flowsWithPendingWork.clear();
    this.#counters.flowsTracked = 0;
  }

  #openConnection(key: string, segment: TcpSegment): FlowEntry {
    const connection = new TcpConnection(this.#nextConnectionId++, segment, this.#limits, this.#counters, () => {
      this.#counters.connectionsClosed++;
      this.#counters.flowsOpen--;
    });
    this.#counters.connectionsOpened++;
    this.#counters.flowsOpen++;
    const entry: FlowEntry = { key, connection, lastSeenMicros: segment.timestampMicros };
    const evicted = this.#openFlows.set(key, entry);
    if (evicted !== undefined) {
      this.#counters.flowsEvicted++;
      this.#forget(evicted[1], 'evicted', segment.timestampMicros);
    }
    this.#counters.flowsTracked = this.#openFlows.size + this.#closedFlows.size;
    connection.attach(this.#onConnection(connection));
    return entry;
  }

  /** Keeps the bookkeeping in step after a connection received a packet or had its timeouts run. */
  #afterActivity(entry: FlowEntry): void {
    if (entry.connection.closed) {
      if (entry === this.#last) this.#forgetLast();
      this.#flowsWithPendingWork.delete(entry);
      this.#openFlows.delete(entry.key);
      this.#closedFlows.set(entry.key, entry);
      entry.lastSeenMicros = this.#clock;
      this.#counters.flowsTracked = this.#openFlows.size + this.#closedFlows.size;
    } else if (entry.connection.hasPendingWork) {
      this.#flowsWithPendingWork.add(entry);
    } else {
      this.#flowsWithPendingWork.delete(entry);
    }
  }

  /** Drops a flow from the tables, closing its connection first if it is still open. */
  #forget(entry: FlowEntry, reason: CloseReason, now: number): void {
    if (entry === this.#last) this.#forgetLast();
    entry.connection.close(reason, now);
    this.#flowsWithPendingWork.delete(entry);
    if (this.#openFlows.get(entry.key) === entry) this.#openFlows.delete(entry.key);
    if (this.#closedFlows.get(entry.key) === entry) this.#closedFlows.delete(entry.key);
    this.#counters.flowsTracked = this.#openFlows.size + this.#closedFlows.size;
  }

  #advanceClock(now: number): void {
    if (now > this.#clock) this.#clock = now;
    if (this.#clock < this.#nextSweepAt) return;
    this.#nextSweepAt = this.#clock + this.#options.sweepIntervalMicros;
    this.#sweep(this.#clock);
  }

  #sweep(now: number): void {
    for (const entry of this.#flowsWithPendingWork) {
      entry.connection.expire(now);
      this.#afterActivity(entry);
    }
    // Both tables are in order of last activity, so the scans stop at the first live entry.
    for (const [, entry] of this.#closedFlows.entries()) {
      if (now - entry.lastSeenMicros < this.#options.closedLingerMicros) break;
      this.#forget(entry, 'idle-timeout', now);
    }
    for (const [, entry] of this.#openFlows.entries()) {
      if (now - entry.lastSeenMicros < this.#options.idleTimeoutMicros) break;
      this.#counters.flowsExpired++;
      this.#forget(entry, 'idle-timeout', now);
    }
  }
}

/** Only a SYN or a segment with payload starts tracking: a stray ACK, FIN or RST says nothing useful. */
function startsConnection(segment: TcpSegment): boolean {
  return !segment.rst && (segment.syn || segment.payload.length + segment.missingPayloadBytes > 0);
}

function definedOnly(options: ReassemblerOptions): ReassemblerOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
