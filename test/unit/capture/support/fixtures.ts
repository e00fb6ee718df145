import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIRECTORY = fileURLToPath(new URL('../../../fixtures/capture/', import.meta.url));

export function fixturePath(name: string): string {
  return FIXTURE_DIRECTORY + name;
}

export function readFixture(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

/** One row of tshark's decoding of a fixture (see ground-truth.sh). */
export interface TsharkFrame {
  number: number;
  /** frame.time_epoch as text, to keep its full precision. */
  epoch: string;
  capturedLength: number;
  originalLength: number;
  source: string;
  sourcePort: number;
  destination: string;
  destinationPort: number;
  sequence: number;
  acknowledgment: number;
  /** TCP payload length the packet carried (including any part the capture cut off). */
  tcpLength: number;
  flags: number;
  stream: number;
}

export function tsharkFrames(captureName: string): TsharkFrame[] {
  const [, ...lines] = readFileSync(fixturePath(`${captureName}.tshark.tsv`), 'utf8')
    .trimEnd()
    .split('\n');
  return lines.map((line) => {
    const [number, epoch, cap, len, ipSrc, ipv6Src, srcPort, ipDst, ipv6Dst, dstPort, seq, ack, tcpLen, flags, stream] = line.split('\t');
    return {
      number: Number(number),
      epoch: epoch!,
      capturedLength: Number(cap),
      originalLength: Number(len),
      source: ipSrc || ipv6Src!,
      sourcePort: Number(srcPort),
      destination: ipDst || ipv6Dst!,
      destinationPort: Number(dstPort),
      sequence: Number(seq),
      acknowledgment: Number(ack),
      tcpLength: Number(tcpLen),
      flags: Number(flags),
      stream: Number(stream),
    };
  });
}

/** frame.time_epoch ("1795289409.365209456") as integer microseconds, sub-microsecond digits truncated. */
export function epochToMicros(epoch: string): number {
  const [seconds = '0', fraction = ''] = epoch.split('.');
  return Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** The bytes make-traffic.ts sends from one side: byte i is (i * 7 + seed) & 0xff. */
export function trafficPattern(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + seed) & 0xff;
  return bytes;
}

/** What each fixture carries (see NOTES.md). */
export const IPV4_TRAFFIC = { clientBytes: 8900, serverBytes: 11060, clientSeed: 3, serverSeed: 104 };
export const IPV6_TRAFFIC = { clientBytes: 4400, serverBytes: 3800, clientSeed: 5, serverSeed: 106 };
