import { readCapture, type CaptureReaderOptions, type CaptureSource } from './capture-reader.ts';
import type { CaptureSummary } from './captured-packet.ts';
import { decodeTcpPacket } from './decode-packet.ts';
import type { TcpSegment } from './tcp-segment.ts';
import { UNDECODABLE_REASONS, type UndecodableReason } from './undecodable-reason.ts';

/** A raw link-layer frame, from a capture file or a live capture. */
export interface LinkFrame {
  linkType: number;
  timestampMicros: number;
  data: Buffer;
  /** Length on the wire when known; above data.length when the capture cut the frame short. */
  originalLength?: number;
}

/** Where frames go: the file replay below and a live capture (`cap`) both feed one of these. */
export interface FrameSink {
  pushFrame(frame: LinkFrame): void;
}

/** Where decoded segments go; a Reassembler is one. */
export interface SegmentSink {
  push(segment: TcpSegment): void;
}

export interface DecodeCounters {
  frames: number;
  tcpSegments: number;
  /** Segments whose payload the capture cut short (snap length). */
  truncatedSegments: number;
  /** Segments from the first fragment of a fragmented IP datagram (the rest of it is skipped). */
  firstFragments: number;
  undecodable: Record<UndecodableReason, number>;
}

export interface TcpSegmentDecoderOptions {
  /**
   * Copy each frame before decoding. Needed when the frame's buffer is overwritten by the next
   * packet, as the `cap` package does with the one buffer it is given.
   */
  copyFrames?: boolean;
}

/** Decodes frames down to TCP segments, counts what could not be decoded and why, and passes segments on. */
export class TcpSegmentDecoder implements FrameSink {
  readonly #sink: SegmentSink;
  readonly #copyFrames: boolean;
  readonly #counters: DecodeCounters = {
    frames: 0,
    tcpSegments: 0,
    truncatedSegments: 0,
    firstFragments: 0,
    undecodable: Object.fromEntries(UNDECODABLE_REASONS.map((reason) => [reason, 0])) as Record<UndecodableReason, number>,
  };

  constructor(sink: SegmentSink, options: TcpSegmentDecoderOptions = {}) {
    this.#sink = sink;
    this.#copyFrames = options.copyFrames ?? false;
  }

  /** Live totals; read them, do not write them. */
  get counters(): Readonly<DecodeCounters> {
    return this.#counters;
  }

  pushFrame(frame: LinkFrame): void {
    this.#counters.frames++;
    const data = this.#copyFrames ? Buffer.from(frame.data) : frame.data;
    const result = decodeTcpPacket(frame.linkType, data, frame.timestampMicros, frame.originalLength ?? data.length);
    if (!result.ok) {
      this.#counters.undecodable[result.reason]++;
      return;
    }
    this.#counters.tcpSegments++;
    if (result.segment.missingPayloadBytes > 0) this.#counters.truncatedSegments++;
    if (result.firstFragment) this.#counters.firstFragments++;
    this.#sink.push(result.segment);
  }
}

/** Reads a capture (file path, '-' for stdin, or a byte stream) and pushes every packet into `frames`. */
export async function replayCapture(source: CaptureSource, frames: FrameSink, options: CaptureReaderOptions = {}): Promise<CaptureSummary> {
  const reader = readCapture(source, options);
  for await (const batch of reader.batches()) {
    for (const packet of batch) frames.pushFrame(packet);
  }
  return reader.summary!;
}

export interface SegmentReplayResult {
  capture: CaptureSummary;
  decode: DecodeCounters;
}

/** Reads a capture into a segment sink (typically a Reassembler; call its finish() afterwards). */
export async function replayCaptureSegments(
  source: CaptureSource,
  segments: SegmentSink,
  options: CaptureReaderOptions = {},
): Promise<SegmentReplayResult> {
  const decoder = new TcpSegmentDecoder(segments);
  const capture = await replayCapture(source, decoder, options);
  return { capture, decode: structuredClone(decoder.counters) };
}

/** The TCP segments of a capture, in capture order, as an async iterator. */
export async function* readTcpSegments(
  source: CaptureSource,
  options: CaptureReaderOptions = {},
): AsyncGenerator<TcpSegment, SegmentReplayResult, undefined> {
  const reader = readCapture(source, options);
  let pending: TcpSegment[] = [];
  const decoder = new TcpSegmentDecoder({ push: (segment) => pending.push(segment) });
  for await (const batch of reader.batches()) {
    for (const packet of batch) decoder.pushFrame(packet);
    const ready = pending;
    pending = [];
    yield* ready;
  }
  return { capture: reader.summary!, decode: structuredClone(decoder.counters) };
}
