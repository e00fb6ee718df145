// The live agent: packets (a live capture, or a replayed file) -> sniffer -> client metrics and
// connection views. A capture that cannot start is reported, never fatal.

import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import { replayCapture, TcpSegmentDecoder } from '../capture/packet-source.ts';
import type { SnifferConfig } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { snifferMetrics } from '../metrics/catalogue/index.ts';
import type { Sample } from '../metrics/definition.ts';
import type { SeriesSource, SeriesStore } from '../metrics/series-store.ts';
import type { SnifferListener } from '../sniffer/events.ts';
import { formatExchangeLine } from '../sniffer/exchange-format.ts';
import { Sniffer } from '../sniffer/sniffer.ts';
import type { TopicFeeder } from '../sniffer/topic-resolver.ts';
import { AddressSettling } from './address-settling.ts';
import { ClientAddressBook, type ClientAddressResolver } from './client-address-resolver.ts';
import { ClientMetrics } from './client-metrics.ts';
import { ConnectionDirectory } from './connection-directory.ts';
import { brokerPortsFilter, LiveCapture, type CaptureDrops } from './live-capture.ts';
import type { PodDirectory } from './pod-directory.ts';
import { fanOut } from '../sniffer/fan-out.ts';

/** A small real capture (kcat producers and consumers, four codecs) for the quick start. */
export const DEMO_CAPTURE = fileURLToPath(new URL('../../examples/demo-traffic.pcap', import.meta.url));

const PUBLISH_INTERVAL_MS = 1000;
/** Longer than the conntrack table's least time between two reads (5 s). */
const NAT_SETTLE_MS = 6000;
const MAX_HELD_EXCHANGES = 100_000;
const MAX_CLOSED_CONNECTIONS = 10_000;
const DROP_WARNING_INTERVAL_MS = 60_000;
/** Longer than the time the kernel may hold captured packets before handing them over (50 ms blocks). */
const CAPTURE_DELIVERY_DELAY_MS = 500;
/**
 * A capture that could not open, or failed, is tried again after CAPTURE_RETRY_MS, then twice as long each
 * time up to CAPTURE_RETRY_MAX_MS (each failed open keeps a small addon handle alive: see live-capture.ts).
 */
const CAPTURE_RETRY_MS = 5000;
const CAPTURE_RETRY_MAX_MS = 60_000;

export interface SniffAgentOptions {
  readonly config: SnifferConfig;
  readonly store: SeriesStore;
  readonly logger: Logger;
  readonly resolver?: ClientAddressResolver;
  /** Tells the Kubernetes pod of client addresses (kafka_client_info and /clients); none by default. */
  readonly pods?: PodDirectory;
  /** Where --sniff.print writes (standard output by default). */
  readonly printTo?: Writable;
  /** Called after each publication of the client metrics. */
  readonly onPublish?: () => void;
  /** The sources that name client addresses (conntrack, the Kubernetes pods), for kafka_sonar_client_address_source_up. */
  readonly addressSources?: readonly AddressSource[];
}

export interface AddressSource {
  readonly name: string;
  /** Whether its last read worked; undefined before the first. */
  up(): boolean | undefined;
}

export class SniffAgent implements SeriesSource {
  readonly clients: ClientMetrics;
  readonly connections: ConnectionDirectory;
  readonly #options: SniffAgentOptions;
  readonly #sniffer: Sniffer;
  readonly #decoder: TcpSegmentDecoder;
  readonly #capture: LiveCapture | undefined;
  readonly #source: string;
  #up = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #settling: AddressSettling | undefined;
  #replaying: Promise<void> | undefined;
  #stopped = false;
  /** The last drop counts read, kept after the capture closes. */
  #drops: CaptureDrops | undefined;
  #dropsWarnedAt = { kernel: 0, at: 0 };
  #packetsAtLastPublish = -1;
  /** Why the capture is down, while it is. */
  #captureFailure: string | undefined;
  #reopenTimer: NodeJS.Timeout | undefined;
  #retryMs = CAPTURE_RETRY_MS;

  constructor(options: SniffAgentOptions) {
    this.#options = options;
    const { config } = options;
    const addresses = new ClientAddressBook(options.resolver);
    this.clients = new ClientMetrics({
      addresses,
      maxClients: config.maxClients,
      maxSeries: config.maxSeries,
      pods: options.pods,
    });
    this.connections = new ConnectionDirectory({ addresses, maxClosed: MAX_CLOSED_CONNECTIONS, pods: options.pods });
    // With a resolver (conntrack), a new connection's first requests wait for its original address.
    this.#settling = options.resolver
      ? new AddressSettling(this.clients, { addresses, settleMs: NAT_SETTLE_MS, maxHeld: MAX_HELD_EXCHANGES })
      : undefined;
    const listeners: SnifferListener[] = [this.#settling ?? this.clients, this.connections];
    if (config.print) {
      const out = options.printTo ?? process.stdout;
      listeners.push({ exchange: (exchange) => out.write(formatExchangeLine(exchange) + '\n') });
    }
    this.#sniffer = new Sniffer(fanOut(listeners), { brokerPorts: config.brokerPorts, maxFrameBytes: config.maxFrameBytes });
    const live = config.interface !== '';
    this.#decoder = new TcpSegmentDecoder(this.#sniffer, { copyFrames: live });
    this.#source = live ? config.interface : this.#replayFile();
    this.#capture = live
      ? new LiveCapture(
          {
            interface: config.interface,
            filter: config.bpfFilter || brokerPortsFilter(config.brokerPorts),
            bufferSizeBytes: config.bufferSizeBytes,
          },
          this.#decoder,
          (reason) => this.#captureDown(reason),
        )
      : undefined;
    options.store.set('sniffer-capture', this);
  }

  /** Where the cluster collector reports the topic ids it reads in metadata. */
  get topics(): TopicFeeder {
    return this.#sniffer.topics;
  }

  get captureUp(): boolean {
    return this.#up;
  }

  /** Starts the capture (or the replay) and the periodic publication of the client metrics. */
  start(): void {
    if (this.#capture) {
      this.#openCapture();
    } else {
      this.#replaying = this.#replay();
    }
    this.#timer = setInterval(() => this.publish(), PUBLISH_INTERVAL_MS);
    this.#timer.unref();
    this.publish();
  }

  /** Opens the live capture; when it cannot, says why (once per reason) and tries again later. */
  #openCapture(): void {
    const { logger, config } = this.#options;
    const started = this.#capture!.start();
    this.#up = started.ok;
    if (started.ok) {
      logger.info(this.#captureFailure === undefined ? 'capturing Kafka traffic' : 'capture resumed', {
        interface: config.interface,
        filter: config.bpfFilter || brokerPortsFilter(config.brokerPorts),
      });
      this.#captureFailure = undefined;
      this.#retryMs = CAPTURE_RETRY_MS;
      return;
    }
    this.#captureDown(`capture unavailable: ${started.reason}`);
  }

  #captureDown(reason: string): void {
    this.#up = false;
    if (this.#stopped) return;
    if (reason !== this.#captureFailure) {
      this.#options.logger.error(
        `${reason}; kafka_sonar_capture_up is 0, the rest keeps serving, and the capture is tried again in ${CAPTURE_RETRY_MS / 1000} s, then less often, up to once a minute`,
        { interface: this.#options.config.interface },
      );
    }
    this.#captureFailure = reason;
    this.#reopenTimer = setTimeout(() => this.#openCapture(), this.#retryMs);
    this.#reopenTimer.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, CAPTURE_RETRY_MAX_MS);
  }

  /** Waits for a replay to finish (immediately for a live capture). */
  async replayed(): Promise<void> {
    await this.#replaying;
  }

  /** Moves time on, forgets idle clients and publishes the client metrics. */
  publish(): void {
    this.#readDrops();
    this.#advanceQuietCapture();
    if (this.#capture) {
      const idleMs = this.#options.config.clientIdleTimeoutSeconds * 1000;
      this.clients.expire(idleMs);
      this.connections.expire(idleMs);
    }
    this.#settling?.release();
    this.#options.store.set('sniffer', this.clients.snapshot());
    this.#options.onPublish?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#reopenTimer);
    this.#readDrops();
    this.#capture?.stop();
    await this.#replaying;
  }

  /**
   * Packet time moves on with the packets. Only when none came since the last publication does the
   * wall clock (less the kernel's delivery delay) move it, so the timeouts of a quiet capture run
   * while packets still waiting in the capture buffer never count as late.
   */
  #advanceQuietCapture(): void {
    const capture = this.#capture;
    if (!capture?.running) return;
    const packets = capture.counters.packets;
    if (packets === this.#packetsAtLastPublish) this.#sniffer.advanceTime((Date.now() - CAPTURE_DELIVERY_DELAY_MS) * 1000);
    this.#packetsAtLastPublish = packets;
  }

  #readDrops(): void {
    const drops = this.#capture?.drops();
    if (drops === undefined) return;
    this.#drops = drops;
    const now = Date.now();
    if (drops.kernel > this.#dropsWarnedAt.kernel && now - this.#dropsWarnedAt.at >= DROP_WARNING_INTERVAL_MS) {
      this.#options.logger.warn('the kernel dropped captured packets: the capture buffer was full; raise --sniff.buffer-size', {
        dropped: drops.kernel - this.#dropsWarnedAt.kernel,
        bufferSizeBytes: this.#options.config.bufferSizeBytes,
      });
      this.#dropsWarnedAt = { kernel: drops.kernel, at: now };
    }
  }

  series(metricName: string): Iterable<Sample> | undefined {
    const decode = this.#decoder.counters;
    const reassembly = this.#sniffer.reassemblyCounters;
    const sniffer = this.#sniffer.counters;
    switch (metricName) {
      case snifferMetrics.captureUp.name:
        return [{ labels: { source: this.#source }, value: this.#up ? 1 : 0 }];
      case snifferMetrics.addressSourceUp.name:
        return this.#addressSourcesUp();
      case snifferMetrics.packets.name:
        return [{ labels: {}, value: decode.frames }];
      case snifferMetrics.bytes.name:
        return this.#capture ? [{ labels: {}, value: this.#capture.counters.bytes }] : undefined;
      case snifferMetrics.droppedPackets.name:
        return (
          this.#drops && [
            { labels: { by: 'kernel' }, value: this.#drops.kernel },
            { labels: { by: 'interface' }, value: this.#drops.interface },
          ]
        );
      case snifferMetrics.truncated.name:
        return [{ labels: {}, value: decode.truncatedSegments }];
      case snifferMetrics.undecodablePackets.name:
        return Object.entries(decode.undecodable)
          .filter(([, count]) => count > 0)
          .map(([reason, count]) => ({ labels: { reason }, value: count }));
      case snifferMetrics.tcpGaps.name:
        return [{ labels: {}, value: reassembly.gaps }];
      case snifferMetrics.tcpGapBytes.name:
        return [{ labels: {}, value: reassembly.gapBytes }];
      case snifferMetrics.resyncs.name:
        return [{ labels: {}, value: sniffer.framing.resyncs }];
      case snifferMetrics.oversizeFrames.name:
        return [{ labels: {}, value: sniffer.framing.oversizeFrames }];
      case snifferMetrics.uncountedWrappers.name:
        return [{ labels: {}, value: sniffer.uncountedWrappers }];
      case snifferMetrics.undecodableFrames.name:
        return [{ labels: {}, value: sniffer.undecodableRequests + sniffer.undecodableBodies }];
      case snifferMetrics.requests.name:
        return [{ labels: {}, value: sniffer.requests }];
      case snifferMetrics.connections.name: {
        const open = this.#sniffer.connections();
        const tls = open.filter((connection) => connection.tls).length;
        return [
          { labels: { protocol: 'kafka' }, value: open.length - tls },
          { labels: { protocol: 'tls' }, value: tls },
        ];
      }
      default:
        return undefined;
    }
  }

  #addressSourcesUp(): Sample[] {
    const samples: Sample[] = [];
    for (const source of this.#options.addressSources ?? []) {
      const up = source.up();
      if (up !== undefined) samples.push({ labels: { source: source.name }, value: up ? 1 : 0 });
    }
    return samples;
  }

  #replayFile(): string {
    const { config } = this.#options;
    return config.replay !== '' ? config.replay : DEMO_CAPTURE;
  }

  async #replay(): Promise<void> {
    const { logger, config } = this.#options;
    const file = this.#replayFile();
    if (config.demo) {
      logger.info(
        'no Kafka cluster and no capture configured: serving the bundled demo capture; see /clients and /metrics, and set --kafka.server or --sniff.interface to watch your own cluster',
        { file },
      );
    }
    try {
      this.#up = true;
      const summary = await replayCapture(file, this.#decoder);
      if (this.#stopped) return;
      this.#sniffer.finish();
      logger.info('capture replayed', { file, packets: summary.packets, requests: this.#sniffer.counters.requests });
    } catch (error) {
      this.#up = false;
      logger.error(`capture unavailable: cannot replay ${file}: ${(error as Error).message}`, { file });
    }
    this.publish();
  }
}
