// The sniffer end to end from TCP segments: reassembly (reordered, duplicated, overlapping and missing
// segments), connection probing, Kafka framing, every request and response, pairing and extraction.
// An input is a script of segments of one connection between a client and a broker (see encodeScript).

import type { TcpSegment } from '../../../src/capture/tcp-segment.ts';
import { Sniffer } from '../../../src/sniffer/sniffer.ts';
import { mutateBytes } from '../mutate.ts';
import type { Rng } from '../random.ts';
import { kafkaCaptures, recordedConnections } from '../seeds.ts';
import type { FuzzTarget } from '../target.ts';

const CLIENT = { address: '10.0.0.1', port: 40000 };
const BROKER = { address: '10.0.0.2', port: 9092 };
const FROM_CLIENT = 1;
const SYN = 2;
const FIN = 4;
const RST = 8;
const ACK = 16;
const SEGMENT_HEADER = 15;
const SEGMENTS_PER_SEED = 80;
const MAX_SCRIPT_BYTES = 48 * 1024;
const LIMITS = { maxFrameBytes: 2048, maxHuntBytes: 4096, maxProbeBytes: 4096 };
const PREFIX_BYTES = 4096;
/** What one connection may hold: a frame (or a skipped frame's prefix) and a hunting window per direction, and the probe. */
const BUFFER_BOUND = 2 * (Math.max(LIMITS.maxFrameBytes, PREFIX_BYTES) + LIMITS.maxHuntBytes) + LIMITS.maxProbeBytes;

interface ScriptSegment {
  flags: number;
  sequence: number;
  acknowledgment: number;
  /** Microseconds after the previous segment. */
  delay: number;
  payload: Buffer;
}

interface Script {
  /** Whether the sniffer is told the broker port (else it learns the broker side). */
  brokerPortKnown: boolean;
  segments: ScriptSegment[];
}

export function encodeScript(script: Script): Buffer {
  const parts: Buffer[] = [Buffer.from([script.brokerPortKnown ? 1 : 0])];
  for (const segment of script.segments) {
    const header = Buffer.alloc(SEGMENT_HEADER);
    header.writeUInt8(segment.flags & 0xff, 0);
    header.writeUInt32BE(segment.sequence >>> 0, 1);
    header.writeUInt32BE(segment.acknowledgment >>> 0, 5);
    header.writeUInt32BE(Math.min(segment.delay, 0xffffffff) >>> 0, 9);
    header.writeUInt16BE(Math.min(segment.payload.length, 0xffff), 13);
    parts.push(header, segment.payload.subarray(0, 0xffff));
  }
  return Buffer.concat(parts);
}

/** Reads a script; a cut last segment keeps the bytes that are there. */
export function decodeScript(input: Buffer): Script {
  const segments: ScriptSegment[] = [];
  let at = 1;
  while (at + SEGMENT_HEADER <= input.length) {
    const length = input.readUInt16BE(at + 13);
    segments.push({
      flags: input[at]!,
      sequence: input.readUInt32BE(at + 1),
      acknowledgment: input.readUInt32BE(at + 5),
      delay: input.readUInt32BE(at + 9),
      payload: input.subarray(at + SEGMENT_HEADER, at + SEGMENT_HEADER + length),
    });
    at += SEGMENT_HEADER + length;
  }
  return { brokerPortKnown: ((input[0] ?? 0) & 1) === 1, segments };
}

function segmentOf(segment: ScriptSegment, timestampMicros: number): TcpSegment {
  const fromClient = (segment.flags & FROM_CLIENT) !== 0;
  const [source, destination] = fromClient ? [CLIENT, BROKER] : [BROKER, CLIENT];
  return {
    timestampMicros,
    ipVersion: 4,
    sourceAddress: source.address,
    destinationAddress: destination.address,
    sourcePort: source.port,
    destinationPort: destination.port,
    sequence: segment.sequence,
    acknowledgment: segment.acknowledgment,
    syn: (segment.flags & SYN) !== 0,
    fin: (segment.flags & FIN) !== 0,
    rst: (segment.flags & RST) !== 0,
    ack: (segment.flags & ACK) !== 0,
    psh: segment.payload.length > 0,
    window: 65535,
    payload: segment.payload,
    missingPayloadBytes: 0,
  };
}

/** One script per connection of each recorded Kafka capture: its first segments. */
function seeds(): Buffer[] {
  const scripts: Buffer[] = [];
  for (const { file, brokerPorts } of kafkaCaptures()) {
    for (const connection of recordedConnections(file, brokerPorts)) {
      let last = connection[0]?.segment.timestampMicros ?? 0;
      const segments = connection.slice(0, SEGMENTS_PER_SEED).map(({ fromClient, segment }): ScriptSegment => {
        const delay = Math.max(0, segment.timestampMicros - last);
        last = segment.timestampMicros;
        return {
          flags:
            (fromClient ? FROM_CLIENT : 0) |
            (segment.syn ? SYN : 0) |
            (segment.fin ? FIN : 0) |
            (segment.rst ? RST : 0) |
            (segment.ack ? ACK : 0),
          sequence: segment.sequence,
          acknowledgment: segment.acknowledgment,
          delay,
          payload: Buffer.from(segment.payload),
        };
      });
      const script = encodeScript({ brokerPortKnown: scripts.length % 2 === 0, segments });
      if (script.length <= MAX_SCRIPT_BYTES) scripts.push(script);
    }
  }
  return scripts;
}

/** Segment-level mutations: lose, repeat, reorder, split into overlapping parts, shift sequence numbers, damage a payload. */
function mutate(input: Buffer, rng: Rng, corpus: readonly Buffer[]): Buffer {
  const script = decodeScript(input);
  const segments = script.segments;
  if (segments.length === 0 || rng.chance(0.2)) return mutateBytes(input, rng, corpus);
  const rounds = 1 + rng.below(3);
  for (let round = 0; round < rounds && segments.length > 0; round++) {
    const index = rng.below(segments.length);
    const segment = segments[index]!;
    switch (rng.below(7)) {
      case 0:
        segments.splice(index, 1);
        break;
      case 1:
        segments.splice(index, 0, { ...segment });
        break;
      case 2:
        if (index + 1 < segments.length) [segments[index], segments[index + 1]] = [segments[index + 1]!, segment];
        break;
      case 3: {
        if (segment.payload.length < 2) break;
        const cut = 1 + rng.below(segment.payload.length - 1);
        const overlap = rng.below(Math.min(cut, 16) + 1);
        const tail = { ...segment, sequence: (segment.sequence + cut - overlap) >>> 0, payload: segment.payload.subarray(cut - overlap) };
        segments.splice(index, 1, { ...segment, payload: segment.payload.subarray(0, cut) }, tail);
        break;
      }
      case 4:
        segment.sequence = (segment.sequence + rng.below(64) - 32) >>> 0;
        break;
      case 5:
        segment.payload = mutateBytes(segment.payload, rng, corpus);
        break;
      default:
        segment.flags ^= 1 << rng.below(5);
    }
  }
  return encodeScript(script);
}

export const snifferTarget: FuzzTarget = {
  name: 'sniffer',
  seeds,
  mutate,
  run(input) {
    const script = decodeScript(input);
    const sniffer = new Sniffer(
      // A listener, so that every exchange is put together as it would be for the metrics.
      { exchange: () => undefined },
      {
        ...LIMITS,
        ...(script.brokerPortKnown ? { brokerPorts: [BROKER.port] } : {}),
        reassembly: { maxBufferedBytesPerDirection: 64 * 1024, maxBufferedSegmentsPerDirection: 64 },
      },
    );
    let now = 1_000_000;
    for (const segment of script.segments) {
      now += segment.delay % 5_000_000;
      sniffer.push(segmentOf(segment, now));
      const held = sniffer.bufferedBytes();
      if (held > BUFFER_BOUND) return `the connection held ${held} bytes, more than its limits allow (${BUFFER_BOUND})`;
    }
    sniffer.finish();
    return undefined;
  },
};
