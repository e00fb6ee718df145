import type { CloseReason, ConnectionInfo, Side, StreamHandler } from '../tcp/connection.ts';
import { ConnectionProbe, otherSide, type ProbeDecision } from './connection-probe.ts';
import { ConnectionState } from './connection-state.ts';
import { FetchSessions } from './fetch-sessions.ts';
import { KafkaSession, type SessionContext } from './kafka-session.ts';

/**
 * Everything the sniffer does with one TCP connection: probe its first bytes, then decode it as Kafka,
 * count it as TLS, or ignore it.
 */
export class ConnectionDecoder implements StreamHandler {
  readonly #info: ConnectionInfo;
  readonly #context: SessionContext;
  readonly #onEnd: (decoder: ConnectionDecoder) => void;
  #probe: ConnectionProbe | undefined;
  #state: ConnectionState | undefined;
  #session: KafkaSession | undefined;
  #clientSide: Side | undefined;

  constructor(info: ConnectionInfo, context: SessionContext, onEnd: (decoder: ConnectionDecoder) => void) {
    this.#info = info;
    this.#context = context;
    this.#onEnd = onEnd;
    this.#probe = new ConnectionProbe(info, context.brokers.brokerSide(info.client, info.server), context.limits.maxProbeBytes);
    context.counters.probingConnections++;
  }

  /** The connection once recognised as Kafka or TLS. */
  get connection(): ConnectionState | undefined {
    return this.#state;
  }

  /** Bytes held for this connection: probe bytes, or partial frames and hunting windows. */
  get bufferedBytes(): number {
    return (this.#probe?.heldBytes ?? 0) + (this.#session?.bufferedBytes ?? 0);
  }

  data(from: Side, chunk: Buffer, at: number): void {
    if (this.#session) this.#session.data(from, chunk, at);
    else if (this.#probe) this.#decided(this.#probe.data(from, chunk, at));
    else if (this.#state) this.#countTls(from, chunk.length);
  }

  gap(from: Side, byteCount: number, at: number): void {
    if (this.#session) this.#session.gap(from, byteCount, at);
    else if (this.#probe) this.#decided(this.#probe.gap(from, byteCount, at));
  }

  closed(reason: CloseReason, at: number): void {
    if (this.#probe) this.#decided(this.#probe.finish());
    this.#session?.end(at);
    if (this.#state) this.#context.listener.connectionClosed?.(this.#state, reason);
    this.#onEnd(this);
  }

  #decided(decision: ProbeDecision | undefined): void {
    if (decision === undefined) return;
    const probe = this.#probe!;
    this.#probe = undefined;
    const counters = this.#context.counters;
    counters.probingConnections--;
    if (decision.kind === 'other') {
      counters.otherConnections++;
      return;
    }
    const { brokerSide } = decision;
    const tls = decision.kind === 'tls';
    const state = new ConnectionState(
      this.#info,
      brokerSide,
      decision.evidence,
      tls,
      new FetchSessions(this.#context.limits.maxFetchSessions),
    );
    this.#state = state;
    this.#context.brokers.learn(state.broker);
    const clientSide = otherSide(brokerSide);
    this.#clientSide = clientSide;
    if (tls) counters.tlsConnections++;
    else {
      counters.kafkaConnections++;
      this.#session = new KafkaSession(
        state,
        clientSide,
        this.#info.startKnown(clientSide),
        this.#info.startKnown(brokerSide),
        this.#context,
      );
    }
    this.#context.listener.connectionOpened?.(state);
    for (const entry of probe.entries) {
      if ('data' in entry) this.data(entry.side, entry.data, entry.at);
      else this.gap(entry.side, entry.gap, entry.at);
    }
  }

  #countTls(from: Side, byteCount: number): void {
    const stats = this.#state!.stats;
    if (from === this.#clientSide) stats.bytesFromClient += byteCount;
    else stats.bytesFromBroker += byteCount;
  }
}
