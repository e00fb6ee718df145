import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CaptureFormatError } from '../../../src/capture/capture-format-error.ts';
import { readCapture } from '../../../src/capture/capture-reader.ts';
import type { CapturedPacket } from '../../../src/capture/captured-packet.ts';
import { PcapngWriter, pcapFile } from './support/capture-files.ts';
import { fixturePath, readFixture } from './support/fixtures.ts';
import { parseInChunks } from './support/parse.ts';

async function collect(reader: AsyncIterable<CapturedPacket>): Promise<CapturedPacket[]> {
  const packets: CapturedPacket[] = [];
  for await (const packet of reader) packets.push(packet);
  return packets;
}

function chunkedStream(bytes: Buffer, chunkSize: number): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) chunks.push(bytes.subarray(offset, offset + chunkSize));
  return Readable.from(chunks);
}

/** A pcapng file whose packet 'good' is followed by one whose block length (its last 4 bytes) is corrupt. */
function corruptAfterOnePacket(): Buffer {
  const writer = new PcapngWriter(true);
  const bytes = Buffer.concat([
    writer.sectionHeader(),
    writer.interfaceDescription(1, 0),
    writer.enhancedPacket(0, 1n, Buffer.from('good')),
    writer.enhancedPacket(0, 2n, Buffer.from('bad!')),
  ]);
  bytes.writeUInt32LE(7, bytes.length - 4);
  return bytes;
}

describe('CaptureReader', () => {
  it('reads a file path in small read chunks', async () => {
    const reader = readCapture(fixturePath('lo-en10mb.pcap'), { readChunkBytes: 100 });
    const packets = await collect(reader);
    assert.deepEqual(packets, parseInChunks(readFixture('lo-en10mb.pcap')).packets);
    assert.deepEqual(reader.summary, { format: 'pcap', packets: 29, bytesRead: 30854, truncated: undefined });
  });

  it('recycles its read buffers when asked, each packet intact until the next batch', async () => {
    for (const [fixture, chunkBytes] of [
      ['lo-en10mb.pcap', 100],
      ['lo-en10mb.pcap', 1500],
      ['lo-en10mb.pcap', 4096],
      ['lo-dumpcap.pcapng', 7],
      ['lo-dumpcap.pcapng', 2048],
    ] as const) {
      const reader = readCapture(fixturePath(fixture), { readChunkBytes: chunkBytes, recycleChunks: true });
      const packets: CapturedPacket[] = [];
      for await (const batch of reader.batches()) for (const packet of batch) packets.push({ ...packet, data: Buffer.from(packet.data) });
      const expected = parseInChunks(readFixture(fixture));
      assert.deepEqual(packets, expected.packets, `${fixture} in chunks of ${chunkBytes}`);
      assert.equal(reader.summary?.packets, expected.packets.length);
      assert.equal(reader.summary?.bytesRead, readFixture(fixture).length, `${fixture} in chunks of ${chunkBytes}: bytes read`);
      assert.equal(reader.summary?.truncated, undefined);
    }
  });

  it('reads a byte stream (Uint8Array chunks of 1 byte)', async () => {
    const bytes = readFixture('lo-dumpcap.pcapng');
    const stream = Readable.from([...bytes].map((byte) => new Uint8Array([byte])));
    const reader = readCapture(stream);
    const packets = await collect(reader);
    assert.equal(packets.length, 16);
    assert.deepEqual(packets, parseInChunks(bytes).packets);
  });

  it("reads standard input when given '-' (as in tcpdump -w - | kafka-sonar replay -)", () => {
    const script = `
      import { readCapture } from ${JSON.stringify(new URL('../../../src/capture/capture-reader.ts', import.meta.url).href)};
      const reader = readCapture('-');
      let bytes = 0;
      for await (const packet of reader) bytes += packet.capturedLength;
      console.log(JSON.stringify({ bytes, summary: reader.summary }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: readFixture('any-sll2.pcap') });
    assert.equal(result.status, 0, result.stderr.toString());
    const output = JSON.parse(result.stdout.toString());
    assert.equal(output.summary.packets, 15);
    assert.equal(output.summary.format, 'pcap');
    assert.equal(
      output.bytes,
      parseInChunks(readFixture('any-sll2.pcap')).packets.reduce((sum, packet) => sum + packet.capturedLength, 0),
    );
  });

  it('yields per-chunk batches', async () => {
    const bytes = readFixture('lo-en10mb.pcap');
    const batches: number[] = [];
    for await (const batch of readCapture(chunkedStream(bytes, 10_000)).batches()) batches.push(batch.length);
    assert.ok(batches.length > 1);
    assert.equal(
      batches.reduce((sum, count) => sum + count, 0),
      29,
    );
  });

  it('reports a truncated stream in the summary after the last packet', async () => {
    const bytes = readFixture('lo-en10mb.pcap');
    const reader = readCapture(chunkedStream(bytes.subarray(0, bytes.length - 10), 333));
    const packets = await collect(reader);
    assert.equal(packets.length, 28);
    assert.equal(reader.summary?.truncated?.item, 'pcap packet record');
  });

  it('delivers the packets before a corruption, then rejects with the offset', async () => {
    const bytes = corruptAfterOnePacket();
    const seen: string[] = [];
    await assert.rejects(
      async () => {
        for await (const packet of readCapture(Readable.from([bytes]))) seen.push(packet.data.toString());
      },
      (error: unknown) => error instanceof CaptureFormatError && error.offset === bytes.length - 4,
    );
    assert.deepEqual(seen, ['good']);
  });

  it('reads a truncated or corrupt file through recycled buffers as it reads a stream: the packets before, then the truncation or the offset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capture-reader-'));
    try {
      const bytes = readFixture('lo-en10mb.pcap');
      const truncated = join(dir, 'truncated.pcap');
      writeFileSync(truncated, bytes.subarray(0, bytes.length - 10));
      const corrupt = join(dir, 'corrupt.pcapng');
      const corruptBytes = corruptAfterOnePacket();
      writeFileSync(corrupt, corruptBytes);
      for (const chunkBytes of [64, 3000, 1 << 20]) {
        const reader = readCapture(truncated, { readChunkBytes: chunkBytes, recycleChunks: true });
        let count = 0;
        for await (const batch of reader.batches()) count += batch.length;
        assert.equal(count, 28, `chunks of ${chunkBytes}`);
        assert.equal(reader.summary?.truncated?.item, 'pcap packet record');
        assert.equal(reader.summary?.bytesRead, bytes.length - 10);

        const seen: string[] = [];
        await assert.rejects(
          async () => {
            for await (const batch of readCapture(corrupt, { readChunkBytes: chunkBytes, recycleChunks: true }).batches())
              for (const packet of batch) seen.push(packet.data.toString());
          },
          (error: unknown) => error instanceof CaptureFormatError && error.offset === corruptBytes.length - 4,
        );
        assert.deepEqual(seen, ['good'], `chunks of ${chunkBytes}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('can be iterated only once', async () => {
    const reader = readCapture(Readable.from([pcapFile({ records: [] })]));
    await collect(reader);
    await assert.rejects(() => collect(reader), /only once/);
  });

  it('never fails on random bytes other than with CaptureFormatError, and never hangs', () => {
    const writer = new PcapngWriter(true);
    const validStarts = [
      pcapFile({ records: [] }).subarray(0, 24),
      Buffer.concat([writer.sectionHeader(), writer.interfaceDescription(1, 0)]),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...validStarts),
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 64 }),
        (start, tail, chunkSize) => {
          const input = Buffer.concat([start, Buffer.from(tail)]);
          try {
            const { summary } = parseInChunks(input, chunkSize, { maxRecordBytes: 4096 });
            assert.ok(summary.bytesRead === input.length);
          } catch (error) {
            assert.ok(error instanceof CaptureFormatError, String(error));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never fails on mutated real captures other than with CaptureFormatError', () => {
    const originals = [readFixture('lo-snaplen96.pcap'), readFixture('lo-dumpcap.pcapng').subarray(0, 3000)];
    fc.assert(
      fc.property(
        fc.constantFrom(...originals),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }),
        (original, mutations) => {
          const input = Buffer.from(original);
          for (const [position, value] of mutations) input[position % input.length] = value;
          try {
            parseInChunks(input, 97);
          } catch (error) {
            assert.ok(error instanceof CaptureFormatError, String(error));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
