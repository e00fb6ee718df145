// Live packet capture through the optional `cap` addon (libpcap). The addon hands every packet in
// one buffer it overwrites, without timestamps or drop statistics: frames are stamped with the
// wall clock and the decoder copies them.

import { createRequire } from 'node:module';
import { linkTypeFromCapName } from '../capture/link-types.ts';
import type { FrameSink } from '../capture/packet-source.ts';

/**
 * The snap length the project's postinstall gives cap (scripts/patch-capture-addon.ts): the largest
 * IPv4 packet with an Ethernet header and two VLAN tags. The packet buffer is sized to it; a packet
 * cut shorter (an unpatched addon's 65535) shows as truncated.
 */
const SNAP_LENGTH = 65_600;

interface CapHandle {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  on(event: 'packet', listener: (bytes: number, truncated: boolean) => void): void;
  close(): void;
  /** Added by scripts/patch-capture-addon.ts; undefined once closed or when pcap_stats fails. */
  stats?(): { received: number; dropped: number; interfaceDropped: number } | undefined;
}

interface CapModule {
  Cap: new () => CapHandle;
}

export interface LiveCaptureSettings {
  readonly interface: string;
  readonly filter: string;
  readonly bufferSizeBytes: number;
}

export interface LiveCaptureCounters {
  packets: number;
  bytes: number;
}

/** Packets lost before the agent read them, as libpcap reports them. */
export interface CaptureDrops {
  /** The capture buffer was full. */
  readonly kernel: number;
  /** The network interface dropped them. */
  readonly interface: number;
}

export type CaptureStart = { ok: true } | { ok: false; reason: string };

/**
 * cap 0.2.1 segfaults when it garbage-collects a handle whose open() failed: its destructor stops a
 * poll handle that was never started. Such handles are kept alive for the life of the process.
 */
const handlesThatFailedToOpen: CapHandle[] = [];

function loadCap(): CapModule | string {
  try {
    return createRequire(import.meta.url)('cap') as CapModule;
  } catch (error) {
    return `the capture addon (npm package cap) is not available: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** BPF filter for the broker ports: both directions of every listener. */
export function brokerPortsFilter(ports: readonly number[]): string {
  return ports.length === 0 ? 'tcp' : `tcp and (${ports.map((port) => `port ${port}`).join(' or ')})`;
}

export class LiveCapture {
  readonly #settings: LiveCaptureSettings;
  readonly #sink: FrameSink;
  readonly counters: LiveCaptureCounters = { packets: 0, bytes: 0 };
  /** The buffer stays referenced while the capture runs: the addon writes into it. */
  #open: { handle: CapHandle; buffer: Buffer } | undefined;

  constructor(settings: LiveCaptureSettings, sink: FrameSink) {
    this.#settings = settings;
    this.#sink = sink;
  }

  get running(): boolean {
    return this.#open !== undefined;
  }

  /** Opens the capture; says why in one sentence when it cannot (no addon, no permission, no such interface). */
  start(): CaptureStart {
    const cap = loadCap();
    if (typeof cap === 'string') return { ok: false, reason: cap };
    const handle = new cap.Cap();
    const buffer = Buffer.alloc(SNAP_LENGTH);
    let linkName: string;
    try {
      linkName = handle.open(this.#settings.interface, this.#settings.filter, this.#settings.bufferSizeBytes, buffer);
    } catch (error) {
      handlesThatFailedToOpen.push(handle);
      return { ok: false, reason: `cannot capture on interface ${JSON.stringify(this.#settings.interface)}: ${(error as Error).message}` };
    }
    const linkType = linkTypeFromCapName(linkName);
    if (linkType === undefined) {
      handle.close();
      return { ok: false, reason: `cannot capture on interface ${JSON.stringify(this.#settings.interface)}: unsupported link type ${linkName}` };
    }
    this.#open = { handle, buffer };
    handle.on('packet', (bytes) => {
      this.counters.packets++;
      this.counters.bytes += bytes;
      this.#sink.pushFrame({ linkType, timestampMicros: Date.now() * 1000, data: buffer.subarray(0, bytes) });
    });
    return { ok: true };
  }

  /** Undefined when the addon cannot tell (built without the project's patch) or nothing is open. */
  drops(): CaptureDrops | undefined {
    const stats = this.#open?.handle.stats?.();
    return stats && { kernel: stats.dropped, interface: stats.interfaceDropped };
  }

  stop(): void {
    this.#open?.handle.close();
    this.#open = undefined;
  }
}
