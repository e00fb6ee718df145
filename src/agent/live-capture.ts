// Live packet capture through the optional `cap` addon (libpcap). The project's postinstall patches
// cap to deliver packets in batches with their capture time; an unpatched addon hands every packet
// alone in one buffer it overwrites, without a time, so frames are then stamped with the wall clock.
// Either way the buffer is reused: the decoder copies what it keeps.

import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { linkTypeFromCapName } from '../capture/link-types.ts';
import type { FrameSink } from '../capture/packet-source.ts';

/**
 * The snap length the project's postinstall gives cap (scripts/patch-capture-addon.ts): the largest
 * IPv4 packet with an Ethernet header and two VLAN tags. The packet buffer is sized to it; a packet
 * cut shorter (an unpatched addon's 65535) shows as truncated.
 */
const SNAP_LENGTH = 65_600;
/** Room for one wake-up's packets in batched delivery; a fuller batch is delivered in parts. */
const BATCH_BUFFER_BYTES = 4 * 1024 * 1024;
/** Per packet in a batch: captured length, length on the wire, seconds, microseconds (native uint32). */
const BATCH_HEADER_BYTES = 16;

interface CapHandle {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  on(event: 'packet', listener: (bytes: number, truncated: boolean) => void): void;
  on(event: 'packets', listener: (bytes: number, count: number) => void): void;
  /** Added by scripts/patch-capture-addon.ts: the capture failed (the interface went away) and stopped. */
  on(event: 'failure', listener: (reason: string) => void): void;
  close(): void;
  /** Added by scripts/patch-capture-addon.ts. */
  setBatching?(enabled: boolean): void;
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

const readUint32: (buffer: Buffer, offset: number) => number =
  endianness() === 'LE' ? (buffer, offset) => buffer.readUInt32LE(offset) : (buffer, offset) => buffer.readUInt32BE(offset);

/** BPF filter for the broker ports: both directions of every listener. */
export function brokerPortsFilter(ports: readonly number[]): string {
  return ports.length === 0 ? 'tcp' : `tcp and (${ports.map((port) => `port ${port}`).join(' or ')})`;
}

export class LiveCapture {
  readonly #settings: LiveCaptureSettings;
  readonly #sink: FrameSink;
  readonly #onFailure: (reason: string) => void;
  readonly counters: LiveCaptureCounters = { packets: 0, bytes: 0 };
  /** The buffer stays referenced while the capture runs: the addon writes into it. */
  #open: { handle: CapHandle; buffer: Buffer } | undefined;
  /** Drops counted by captures closed before the one open now (libpcap counts from 0 at each open). */
  #earlierDrops: CaptureDrops = { kernel: 0, interface: 0 };

  /** `onFailure`: a running capture failed and closed (the interface went away); start() may open it again. */
  constructor(settings: LiveCaptureSettings, sink: FrameSink, onFailure: (reason: string) => void = () => undefined) {
    this.#settings = settings;
    this.#sink = sink;
    this.#onFailure = onFailure;
  }

  get running(): boolean {
    return this.#open !== undefined;
  }

  /** Opens the capture; says why in one sentence when it cannot (no addon, no permission, no such interface). */
  start(): CaptureStart {
    const cap = loadCap();
    if (typeof cap === 'string') return { ok: false, reason: cap };
    const handle = new cap.Cap();
    const batched = typeof handle.setBatching === 'function';
    const buffer = Buffer.alloc(batched ? BATCH_BUFFER_BYTES : SNAP_LENGTH);
    if (batched) handle.setBatching!(true);
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
      return {
        ok: false,
        reason: `cannot capture on interface ${JSON.stringify(this.#settings.interface)}: unsupported link type ${linkName}`,
      };
    }
    this.#open = { handle, buffer };
    handle.on('failure', (reason) => {
      this.stop();
      this.#onFailure(`the capture on interface ${JSON.stringify(this.#settings.interface)} failed: ${reason}`);
    });
    if (batched) {
      handle.on('packets', (_bytes, count) => this.#deliverBatch(linkType, buffer, count));
    } else {
      handle.on('packet', (bytes) => {
        this.counters.packets++;
        this.counters.bytes += bytes;
        this.#sink.pushFrame({ linkType, timestampMicros: Date.now() * 1000, data: buffer.subarray(0, bytes) });
      });
    }
    return { ok: true };
  }

  #deliverBatch(linkType: number, buffer: Buffer, count: number): void {
    let offset = 0;
    for (let packet = 0; packet < count; packet++) {
      const capturedLength = readUint32(buffer, offset);
      const originalLength = readUint32(buffer, offset + 4);
      const timestampMicros = readUint32(buffer, offset + 8) * 1_000_000 + readUint32(buffer, offset + 12);
      const start = offset + BATCH_HEADER_BYTES;
      offset = start + capturedLength;
      this.counters.packets++;
      this.counters.bytes += capturedLength;
      this.#sink.pushFrame({ linkType, timestampMicros, data: buffer.subarray(start, offset), originalLength });
    }
  }

  /** Since the first start; undefined when the addon cannot tell (built without the project's patch) or nothing is open. */
  drops(): CaptureDrops | undefined {
    const stats = this.#open?.handle.stats?.();
    return stats && { kernel: this.#earlierDrops.kernel + stats.dropped, interface: this.#earlierDrops.interface + stats.interfaceDropped };
  }

  stop(): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#earlierDrops = this.drops() ?? this.#earlierDrops;
    this.#open = undefined;
    open.handle.close();
  }
}
