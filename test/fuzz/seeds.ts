// Seeds from the recorded captures: whole capture files (their first bytes), their packets, and the TCP
// segments of their connections.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureStreamParser } from '../../src/capture/capture-stream-parser.ts';
import type { CapturedPacket } from '../../src/capture/captured-packet.ts';
import { decodeTcpPacket } from '../../src/capture/decode-packet.ts';
import type { TcpSegment } from '../../src/capture/tcp-segment.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CAPTURE_DIRECTORIES = [join(ROOT, 'test', 'fixtures', 'sniffer'), join(ROOT, 'test', 'fixtures', 'capture'), join(ROOT, 'examples')];

export function captureFiles(): string[] {
  return CAPTURE_DIRECTORIES.flatMap((directory) =>
    readdirSync(directory)
      .filter((name) => name.endsWith('.pcap') || name.endsWith('.pcapng'))
      .sort()
      .map((name) => join(directory, name)),
  );
}

/** The packets of a capture file; an unreadable file gives the packets before the damage. */
export function packetsOf(file: string): CapturedPacket[] {
  const parser = new CaptureStreamParser();
  parser.push(readFileSync(file));
  const packets: CapturedPacket[] = [];
  try {
    for (let packet = parser.next(); packet !== undefined; packet = parser.next()) packets.push(packet);
  } catch {
    // The fixtures are whole; a damaged one still seeds what it holds.
  }
  return packets;
}

/** A TCP segment of a recorded capture, and whether the client sent it. */
export interface RecordedSegment {
  readonly fromClient: boolean;
  readonly segment: TcpSegment;
}

/** The segments of each connection of a Kafka capture, in capture order; the client is the side not on a broker port. */
export function recordedConnections(file: string, brokerPorts: ReadonlySet<number>): RecordedSegment[][] {
  const connections = new Map<string, RecordedSegment[]>();
  for (const packet of packetsOf(file)) {
    const decoded = decodeTcpPacket(packet.linkType, packet.data, packet.timestampMicros, packet.originalLength);
    if (!decoded.ok) continue;
    const segment = decoded.segment;
    const fromClient = brokerPorts.has(segment.destinationPort);
    const key = fromClient ? `${segment.sourcePort}-${segment.destinationPort}` : `${segment.destinationPort}-${segment.sourcePort}`;
    const segments = connections.get(key) ?? [];
    connections.set(key, segments);
    segments.push({ fromClient, segment });
  }
  return [...connections.values()];
}

/** The bytes of one connection of a recorded capture, each direction in order (retransmissions left out). */
export interface RecordedStreams {
  fromClient: Buffer;
  fromBroker: Buffer;
}

export function recordedStreams(file: string, brokerPorts: ReadonlySet<number>): RecordedStreams[] {
  return recordedConnections(file, brokerPorts).map((segments) => {
    const bytes = { client: [] as Buffer[], broker: [] as Buffer[] };
    const next = new Map<boolean, number>();
    for (const { fromClient, segment } of segments) {
      if (segment.payload.length === 0) continue;
      const expected = next.get(fromClient);
      if (expected !== undefined && segment.sequence !== expected) continue;
      next.set(fromClient, (segment.sequence + segment.payload.length) >>> 0);
      (fromClient ? bytes.client : bytes.broker).push(Buffer.from(segment.payload));
    }
    return { fromClient: Buffer.concat(bytes.client), fromBroker: Buffer.concat(bytes.broker) };
  });
}

/** Size-prefixed frames of a stream, without their size; stops at the first implausible size. */
export function framesOf(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let at = 0;
  while (at + 4 <= stream.length) {
    const size = stream.readInt32BE(at);
    if (size < 0 || at + 4 + size > stream.length) break;
    frames.push(stream.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return frames;
}

export function kafkaCaptures(): { file: string; brokerPorts: Set<number> }[] {
  return captureFiles()
    .filter((name) => name.includes('/sniffer/') && name.endsWith('.pcap'))
    .map((file) => ({
      file,
      brokerPorts: new Set((JSON.parse(readFileSync(file.replace(/\.pcap$/, '.json'), 'utf8')) as { brokerPorts: number[] }).brokerPorts),
    }));
}
