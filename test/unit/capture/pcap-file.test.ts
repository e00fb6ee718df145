import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CaptureFormatError } from '../../../src/capture/capture-format-error.ts';
import { pcapFile, pcapToBigEndian } from './support/capture-files.ts';
import { epochToMicros, readFixture, tsharkFrames } from './support/fixtures.ts';
import { parseAtCuts, parseInChunks } from './support/parse.ts';

describe('classic pcap reader', () => {
  it('reads a tcpdump capture exactly as tshark does (count, timestamps, lengths, link type)', () => {
    const { packets, summary } = parseInChunks(readFixture('lo-en10mb.pcap'));
    const expected = tsharkFrames('lo-en10mb.pcap');
    assert.equal(packets.length, expected.length);
    assert.equal(packets.length, 29);
    packets.forEach((packet, index) => {
      const frame = expected[index]!;
      assert.equal(packet.timestampMicros, epochToMicros(frame.epoch), `frame ${frame.number} time`);
      assert.equal(packet.capturedLength, frame.capturedLength);
      assert.equal(packet.data.length, frame.capturedLength);
      assert.equal(packet.originalLength, frame.originalLength);
      assert.equal(packet.linkType, 1);
    });
    assert.deepEqual(summary, { format: 'pcap', packets: 29, bytesRead: 30854, truncated: undefined });
  });

  it('reads nanosecond timestamps (magic a1b23c4d), truncating to microseconds', () => {
    const { packets } = parseInChunks(readFixture('lo-nanos.pcap'));
    const expected = tsharkFrames('lo-nanos.pcap');
    assert.equal(packets.length, expected.length);
    assert.ok(
      expected.some((frame) => !frame.epoch.endsWith('000')),
      'fixture has sub-microsecond digits',
    );
    packets.forEach((packet, index) => assert.equal(packet.timestampMicros, epochToMicros(expected[index]!.epoch)));
  });

  it('reads the snap-length-truncated capture: captured below original length', () => {
    const { packets } = parseInChunks(readFixture('lo-snaplen96.pcap'));
    const expected = tsharkFrames('lo-snaplen96.pcap');
    assert.deepEqual(
      packets.map((packet) => [packet.capturedLength, packet.originalLength]),
      expected.map((frame) => [frame.capturedLength, frame.originalLength]),
    );
    assert.ok(packets.some((packet) => packet.originalLength > packet.capturedLength));
  });

  it('reads big-endian files the same as little-endian ones', () => {
    const littleEndian = readFixture('lo-en10mb.pcap');
    const bigEndian = pcapToBigEndian(littleEndian);
    assert.equal(bigEndian.readUInt32BE(0), 0xa1b2c3d4);
    assert.deepEqual(parseInChunks(bigEndian).packets, parseInChunks(littleEndian).packets);
  });

  it('reads the link type from the low 16 bits, ignoring FCS flag bits above', () => {
    const file = pcapFile({ linkType: 0x1000_0000 | 113, records: [{ seconds: 1, fraction: 2, data: Buffer.from('abcd') }] });
    assert.equal(parseInChunks(file).packets[0]!.linkType, 113);
  });

  it("reads Kuznetsov's modified format (24-byte record headers)", () => {
    const file = pcapFile({ modified: true, records: [{ seconds: 10, fraction: 5, data: Buffer.from('hello'), originalLength: 9 }] });
    const [packet] = parseInChunks(file).packets;
    assert.equal(packet!.timestampMicros, 10_000_005);
    assert.equal(packet!.data.toString(), 'hello');
    assert.equal(packet!.originalLength, 9);
  });

  it('gives identical packets whatever the chunk boundaries, down to 1-byte chunks', () => {
    const file = readFixture('lo-en10mb.pcap');
    const whole = parseInChunks(file);
    assert.deepEqual(parseInChunks(file, 1), whole);
    assert.deepEqual(parseInChunks(file, 7), whole);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: file.length }), { maxLength: 40 }), (cuts) => {
        assert.deepEqual(parseAtCuts(file, cuts).packets, whole.packets);
      }),
      { numRuns: 50 },
    );
  });

  it('stops cleanly at a truncated end and reports where and what', () => {
    const file = readFixture('lo-en10mb.pcap');
    const complete = parseInChunks(file).packets;
    // Cut inside the 5th record's data: the 4 records before it are whole.
    const recordStarts = [24];
    for (const packet of complete) recordStarts.push(recordStarts.at(-1)! + 16 + packet.capturedLength);
    const cut = recordStarts[4]! + 20;
    const { packets, summary } = parseInChunks(file.subarray(0, cut), 1000);
    assert.equal(packets.length, 4);
    assert.deepEqual(summary.truncated, {
      offset: recordStarts[4],
      item: 'pcap packet record',
      bytesAvailable: 20,
      bytesExpected: 16 + complete[4]!.capturedLength,
    });
    const insideHeader = parseInChunks(file.subarray(0, recordStarts[2]! + 3));
    assert.equal(insideHeader.packets.length, 2);
    assert.equal(insideHeader.summary.truncated?.bytesExpected, undefined);
    assert.equal(parseInChunks(file.subarray(0, 10)).summary.truncated?.item, 'pcap file header');
  });

  it('reports every possible truncation point without throwing', () => {
    const file = readFixture('lo-snaplen96.pcap');
    for (let length = 0; length <= file.length; length++) {
      const { summary } = parseInChunks(file.subarray(0, length), 64);
      assert.equal(summary.truncated === undefined, length === file.length || isRecordBoundary(file, length), `length ${length}`);
    }
  });

  it('rejects a bogus captured length with an error naming the offset, without allocating it', () => {
    const file = pcapFile({
      records: [
        { seconds: 1, fraction: 0, data: Buffer.from('ok') },
        { seconds: 2, fraction: 0, data: Buffer.from('xx') },
      ],
    });
    file.writeUInt32LE(0xfffffff0, 24 + 16 + 2 + 8);
    assert.throws(
      () => parseInChunks(file),
      (error: unknown) =>
        error instanceof CaptureFormatError && error.offset === 42 && /4294967280 captured bytes, above the limit/.test(error.message),
    );
  });

  it('rejects unknown magic and unsupported versions', () => {
    assert.throws(() => parseInChunks(Buffer.from('GIF89a-this-is-not-a-capture')), /not a pcap or pcapng file \(first bytes 0x47494638\)/);
    const versionOne = pcapFile({ majorVersion: 1, records: [] });
    assert.throws(
      () => parseInChunks(versionOne),
      (error: unknown) => error instanceof CaptureFormatError && error.offset === 4,
    );
  });
});

/** True when `length` falls exactly after the file header or a complete record. */
function isRecordBoundary(file: Buffer, length: number): boolean {
  if (length < 24) return false;
  let position = 24;
  while (position < length) position += 16 + file.readUInt32LE(position + 8);
  return position === length;
}
