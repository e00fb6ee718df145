import { CaptureStreamParser, type CaptureParserOptions } from '../../../../src/capture/capture-stream-parser.ts';
import type { CapturedPacket, CaptureSummary } from '../../../../src/capture/captured-packet.ts';

/** Feeds `input` to a CaptureStreamParser in chunks of `chunkSize` bytes and collects everything. */
export function parseInChunks(
  input: Buffer,
  chunkSize = input.length || 1,
  options: CaptureParserOptions = {},
): { packets: CapturedPacket[]; summary: CaptureSummary } {
  const parser = new CaptureStreamParser(options);
  const packets: CapturedPacket[] = [];
  for (let offset = 0; offset < input.length; offset += chunkSize) {
    parser.push(input.subarray(offset, offset + chunkSize));
    for (let packet = parser.next(); packet !== undefined; packet = parser.next()) packets.push(packet);
  }
  return { packets, summary: parser.finish() };
}

/** Chunk sizes given as a list of cut points, for property tests. */
export function parseAtCuts(input: Buffer, cuts: number[]): { packets: CapturedPacket[]; summary: CaptureSummary } {
  const parser = new CaptureStreamParser();
  const packets: CapturedPacket[] = [];
  const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort((a, b) => a - b);
  let previous = 0;
  for (const point of [...points, input.length]) {
    parser.push(input.subarray(previous, point));
    previous = Math.max(previous, point);
    for (let packet = parser.next(); packet !== undefined; packet = parser.next()) packets.push(packet);
  }
  return { packets, summary: parser.finish() };
}
