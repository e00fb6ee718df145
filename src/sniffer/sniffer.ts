import type { SegmentSink } from '../capture/packet-source.ts';
import type { TcpSegment } from '../capture/tcp-segment.ts';
import type { ReassemblyCounters } from '../tcp/counters.ts';
import { Reassembler } from '../tcp/reassembly.ts';
import { BrokerDirectory } from './broker-directory.ts';
import { BufferPool } from './buffer-pool.ts';
import { ConnectionDecoder } from './connection-decoder.ts';
import { createSnifferCounters, type SnifferCounters } from './counters.ts';
import type { ConnectionView, SnifferListener } from './events.ts';
import type { SessionContext } from './kafka-session.ts';
import { snifferLimits, type SnifferOptions } from './options.ts';
import { TopicResolver, type TopicFeeder } from './topic-resolver.ts';

/**
 * The passive Kafka decoder: push TCP segments in (from a capture file or a live capture), get
 * connection and exchange events out. All timing follows packet timestamps.
 */
export class Sniffer implements SegmentSink {
  readonly #reassembler: Reassembler;
  readonly #resolver: TopicResolver;
  readonly #brokers: BrokerDirectory;
  readonly #counters = createSnifferCounters();
  readonly #decoders = new Set<ConnectionDecoder>();

  constructor(listener: SnifferListener, options: SnifferOptions = {}) {
    this.#resolver = new TopicResolver(options.maxTopicIds);
    if (listener.topicResolved) this.#resolver.onResolved((id, name) => listener.topicResolved!.call(listener, id, name));
    this.#brokers = new BrokerDirectory(
      options.brokerPorts ?? [],
      undefined,
      listener.brokerIdentified ? (broker, brokerId) => listener.brokerIdentified!.call(listener, broker, brokerId) : undefined,
    );
    const context: SessionContext = {
      listener,
      resolver: this.#resolver,
      brokers: this.#brokers,
      counters: this.#counters,
      limits: snifferLimits(options),
      pool: new BufferPool(),
    };
    this.#reassembler = new Reassembler((info) => {
      const decoder = new ConnectionDecoder(info, context, (ended) => this.#decoders.delete(ended));
      this.#decoders.add(decoder);
      return decoder;
    }, options.reassembly);
  }

  /** Where the live agent and the cluster collector report topic names they know. */
  get topics(): TopicFeeder {
    return this.#resolver;
  }

  /** Live totals; read them, do not write them. */
  get counters(): Readonly<SnifferCounters> {
    return this.#counters;
  }

  get reassemblyCounters(): Readonly<ReassemblyCounters> {
    return this.#reassembler.counters;
  }

  /** The Kafka and TLS connections open now. */
  connections(): ConnectionView[] {
    const open: ConnectionView[] = [];
    for (const decoder of this.#decoders) if (decoder.connection) open.push(decoder.connection);
    return open;
  }

  /** Bytes the connections hold right now (besides the reassembler's out-of-order buffers). */
  bufferedBytes(): number {
    let total = 0;
    for (const decoder of this.#decoders) total += decoder.bufferedBytes;
    return total;
  }

  push(segment: TcpSegment): void {
    this.#reassembler.push(segment);
  }

  /** Moves packet time forward without a packet (a quiet live capture), so timeouts still run. */
  advanceTime(nowMicros: number): void {
    this.#reassembler.advanceTime(nowMicros);
  }

  /** End of input: every connection delivers what it holds and is closed. */
  finish(): void {
    this.#reassembler.finish();
  }
}
