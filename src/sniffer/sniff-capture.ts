import { readCapture, type CaptureSource } from '../capture/capture-reader.ts';
import type { CaptureSummary } from '../capture/captured-packet.ts';
import { TcpSegmentDecoder, type DecodeCounters } from '../capture/packet-source.ts';
import type { ReassemblyCounters } from '../tcp/counters.ts';
import type { SnifferCounters } from './counters.ts';
import type { SnifferListener } from './events.ts';
import type { SnifferOptions } from './options.ts';
import { Sniffer } from './sniffer.ts';

export interface SniffResult {
  capture: CaptureSummary;
  decode: DecodeCounters;
  reassembly: ReassemblyCounters;
  sniffer: SnifferCounters;
}

export interface SniffCaptureOptions extends SnifferOptions {
  /** Called after each batch of packets (e.g. to write output and wait for the reader of it). */
  afterBatch?: () => void | Promise<void>;
}

/** Decodes a whole capture (file path, '-' for stdin, or a byte stream) into `listener`'s events. */
export async function sniffCapture(
  source: CaptureSource,
  listener: SnifferListener,
  options: SniffCaptureOptions = {},
): Promise<SniffResult> {
  const sniffer = new Sniffer(listener, options);
  const decoder = new TcpSegmentDecoder(sniffer);
  // Nothing of a packet outlives its batch (the sniffer copies what it keeps), so buffers can be reused.
  const reader = readCapture(source, { recycleChunks: true });
  for await (const batch of reader.batches()) {
    for (const packet of batch) decoder.pushFrame(packet);
    await options.afterBatch?.();
  }
  sniffer.finish();
  return {
    capture: reader.summary!,
    decode: structuredClone(decoder.counters),
    reassembly: structuredClone(sniffer.reassemblyCounters),
    sniffer: structuredClone(sniffer.counters),
  };
}
