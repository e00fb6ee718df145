// Capture files (pcap and pcapng, any byte order and resolution) and packets (link layer, IPv4/IPv6, TCP).

import { readFileSync } from 'node:fs';
import { CaptureFormatError } from '../../../src/capture/capture-format-error.ts';
import { CaptureStreamParser } from '../../../src/capture/capture-stream-parser.ts';
import { decodeTcpPacket } from '../../../src/capture/decode-packet.ts';
import { captureFiles, packetsOf } from '../seeds.ts';
import type { FuzzTarget } from '../target.ts';

const CAPTURE_SEED_BYTES = 4096;
/** Sizes of the chunks the capture is pushed in, chosen by the input's first byte. */
const CHUNK_SIZES = [3, 64, 700, 4096, 65_536];
const MAX_RECORD_BYTES = 64 * 1024;
/** Input bytes that choose how the capture is cut into chunks. */
const CHUNKING_BYTES = 1;

export const captureFileTarget: FuzzTarget = {
  name: 'capture-file',
  seeds: () => captureFiles().map((file) => Buffer.concat([Buffer.from([0]), readFileSync(file).subarray(0, CAPTURE_SEED_BYTES)])),
  run(input) {
    const chunk = CHUNK_SIZES[(input[0] ?? 0) % CHUNK_SIZES.length]!;
    const body = input.subarray(CHUNKING_BYTES);
    const parser = new CaptureStreamParser({ maxRecordBytes: MAX_RECORD_BYTES });
    try {
      for (let at = 0; at < body.length; at += chunk) {
        parser.push(body.subarray(at, at + chunk));
        for (let packet = parser.next(); packet !== undefined; packet = parser.next()) {
          if (packet.data.length > MAX_RECORD_BYTES)
            return `a packet of ${packet.data.length} bytes passed a ${MAX_RECORD_BYTES}-byte record limit`;
        }
        parser.detachInput();
      }
      parser.finish();
    } catch (error) {
      if (!(error instanceof CaptureFormatError)) throw error;
    }
    return undefined;
  },
};

/** Input: link type (uint16), then the frame. */
export const packetTarget: FuzzTarget = {
  name: 'packet',
  seeds: () =>
    captureFiles().flatMap((file) =>
      packetsOf(file)
        .slice(0, 40)
        .map((packet) => {
          const linkType = Buffer.alloc(2);
          linkType.writeUInt16BE(packet.linkType);
          return Buffer.concat([linkType, packet.data]);
        }),
    ),
  run(input) {
    if (input.length < 2) return undefined;
    const frame = input.subarray(2);
    const result = decodeTcpPacket(input.readUInt16BE(0), frame, 0, frame.length + (input[2] ?? 0));
    if (result.ok && result.segment.payload.length > frame.length) return 'a payload longer than its frame';
    return undefined;
  },
};
