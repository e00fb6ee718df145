/**
 * node bench/capture-read.ts [packets] — throughput of the capture layer on a synthetic pcap.
 * Writes /tmp/kafka-sonar-bench-<packets>.pcap once (64 TCP connections exchanging 0-1448-byte
 * segments, Ethernet/IPv4), then times three passes over it: reading records only; reading and
 * decoding to TCP segments; reading, decoding and reassembling. Prints MB/s and packets/s.
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { readCapture } from '../src/capture/capture-reader.ts';
import { replayCaptureSegments } from '../src/capture/packet-source.ts';
import { Reassembler } from '../src/tcp/reassembly.ts';

const packetCount = Number(process.argv[2] ?? 1_000_000);
const path = `/tmp/kafka-sonar-bench-${packetCount}.pcap`;
const CONNECTIONS = 64;

function frame(clientPort: number, fromClient: boolean, sequence: number, acknowledgment: number, payloadLength: number): Buffer {
  const bytes = Buffer.alloc(14 + 20 + 20 + payloadLength);
  bytes.fill(0x5a, 54);
  bytes.writeUInt16BE(0x0800, 12);
  bytes[14] = 0x45;
  bytes.writeUInt16BE(40 + payloadLength, 16);
  bytes[23] = 6;
  bytes.writeUInt32BE(fromClient ? 0x0a000001 : 0x0a000002, 26);
  bytes.writeUInt32BE(fromClient ? 0x0a000002 : 0x0a000001, 30);
  bytes.writeUInt16BE(fromClient ? clientPort : 9092, 34);
  bytes.writeUInt16BE(fromClient ? 9092 : clientPort, 36);
  bytes.writeUInt32BE(sequence >>> 0, 38);
  bytes.writeUInt32BE(acknowledgment >>> 0, 42);
  bytes[46] = 0x50;
  bytes[47] = 0x18;
  return bytes;
}

async function writeBenchCapture(): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 4 << 20 });
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  out.write(header);
  const clientSequence = new Array<number>(CONNECTIONS).fill(1000);
  const serverSequence = new Array<number>(CONNECTIONS).fill(900_000);
  let random = 12345;
  const next = (): number => (random = (random * 1103515245 + 12345) & 0x7fffffff);
  let pending: Buffer[] = [];
  for (let i = 0; i < packetCount; i++) {
    const connection = next() % CONNECTIONS;
    const fromClient = next() % 2 === 0;
    const length = next() % 1449;
    const data = frame(40000 + connection, fromClient, fromClient ? clientSequence[connection]! : serverSequence[connection]!, 0, length);
    if (fromClient) clientSequence[connection]! += length;
    else serverSequence[connection]! += length;
    const record = Buffer.alloc(16);
    const micros = 1_700_000_000_000_000 + i * 10;
    record.writeUInt32LE(Math.floor(micros / 1e6), 0);
    record.writeUInt32LE(micros % 1e6, 4);
    record.writeUInt32LE(data.length, 8);
    record.writeUInt32LE(data.length, 12);
    pending.push(record, data);
    if (pending.length >= 2048) {
      if (!out.write(Buffer.concat(pending))) await once(out, 'drain');
      pending = [];
    }
  }
  out.end(Buffer.concat(pending));
  await once(out, 'finish');
}

async function timed(label: string, run: () => Promise<number>): Promise<void> {
  const bytes = statSync(path).size;
  const start = process.hrtime.bigint();
  const packets = await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${label.padEnd(32)} ${(bytes / 1e6 / seconds).toFixed(0).padStart(6)} MB/s ${(packets / seconds / 1e6).toFixed(2).padStart(6)} M packets/s (${seconds.toFixed(2)} s)`,
  );
}

if (!existsSync(path)) await writeBenchCapture();
console.log(`${path}: ${(statSync(path).size / 1e6).toFixed(0)} MB, ${packetCount} packets`);

await timed('read records', async () => {
  let packets = 0;
  for await (const batch of readCapture(path).batches()) packets += batch.length;
  return packets;
});
await timed('read + decode to TCP segments', async () => {
  let segments = 0;
  const result = await replayCaptureSegments(path, { push: () => segments++ });
  if (segments !== result.capture.packets) throw new Error(`${result.capture.packets - segments} packets not decoded`);
  return segments;
});
await timed('read + decode + reassemble', async () => {
  let delivered = 0;
  const reassembler = new Reassembler(() => ({ data: (_from, chunk) => (delivered += chunk.length), gap: () => {}, closed: () => {} }));
  const result = await replayCaptureSegments(path, reassembler);
  reassembler.finish();
  if (delivered !== reassembler.counters.payloadBytes)
    throw new Error(`delivered ${delivered} of ${reassembler.counters.payloadBytes} bytes`);
  return result.capture.packets;
});
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
