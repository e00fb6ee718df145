import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CaptureFormatError } from '../../../src/capture/capture-format-error.ts';
import { PcapngWriter } from './support/capture-files.ts';
import { epochToMicros, readFixture, tsharkFrames } from './support/fixtures.ts';
import { parseAtCuts, parseInChunks } from './support/parse.ts';

const little = new PcapngWriter(true);
const big = new PcapngWriter(false);

describe('pcapng reader', () => {
  it('reads a dumpcap capture (nanosecond if_tsresol) exactly as tshark does', () => {
    const { packets, summary } = parseInChunks(readFixture('lo-dumpcap.pcapng'));
    const expected = tsharkFrames('lo-dumpcap.pcapng');
    assert.equal(packets.length, expected.length);
    assert.ok(
      expected.some((frame) => !frame.epoch.endsWith('000')),
      'fixture has sub-microsecond digits',
    );
    packets.forEach((packet, index) => {
      const frame = expected[index]!;
      assert.equal(packet.timestampMicros, epochToMicros(frame.epoch), `frame ${frame.number}`);
      assert.equal(packet.capturedLength, frame.capturedLength);
      assert.equal(packet.originalLength, frame.originalLength);
      assert.equal(packet.linkType, 1);
      assert.equal(packet.interfaceId, 0);
    });
    assert.equal(summary.format, 'pcapng');
    assert.equal(summary.truncated, undefined);
  });

  it('reads an editcap-written raw-IP pcapng (link type 101)', () => {
    const { packets } = parseInChunks(readFixture('rawip.pcapng'));
    const expected = tsharkFrames('rawip.pcapng');
    assert.equal(packets.length, expected.length);
    assert.ok(packets.every((packet) => packet.linkType === 101 && (packet.data[0]! >> 4 === 4 || packet.data[0]! >> 4 === 6)));
    packets.forEach((packet, index) => assert.equal(packet.timestampMicros, epochToMicros(expected[index]!.epoch)));
  });

  it('reads big-endian sections', () => {
    const file = Buffer.concat([
      big.sectionHeader(),
      big.interfaceDescription(1, 65535),
      big.enhancedPacket(0, 1_700_000_000_123_456n, Buffer.from('frame-one'), 60),
    ]);
    const [packet] = parseInChunks(file).packets;
    assert.deepEqual(packet, {
      timestampMicros: 1_700_000_000_123_456,
      linkType: 1,
      capturedLength: 9,
      originalLength: 60,
      data: Buffer.from('frame-one'),
      interfaceId: 0,
    });
  });

  it('handles several sections with different byte orders; each section has its own interfaces', () => {
    const file = Buffer.concat([
      little.sectionHeader(),
      little.interfaceDescription(1, 0),
      little.interfaceDescription(113, 0, [little.tsresol(9)]),
      little.enhancedPacket(1, 5_000_000_123n, Buffer.from('a')),
      big.sectionHeader(),
      big.interfaceDescription(276, 0, [big.tsresol(3)]),
      big.enhancedPacket(0, 7_000n, Buffer.from('b')),
      little.sectionHeader(),
      little.interfaceDescription(101, 0),
      little.enhancedPacket(0, 9n, Buffer.from('c')),
    ]);
    const { packets } = parseInChunks(file);
    assert.deepEqual(
      packets.map((packet) => [packet.data.toString(), packet.linkType, packet.interfaceId, packet.timestampMicros]),
      [
        ['a', 113, 1, 5_000_000],
        ['b', 276, 0, 7_000_000],
        ['c', 101, 0, 9],
      ],
    );
  });

  it('applies if_tsresol (powers of ten and of two) and if_tsoffset', () => {
    const file = Buffer.concat([
      little.sectionHeader(),
      little.interfaceDescription(1, 0, [little.tsresol(0x80 | 20)]),
      little.interfaceDescription(1, 0, [little.tsresol(6), little.tsoffset(1_000n)]),
      little.interfaceDescription(1, 0, [little.tsresol(12)]),
      little.interfaceDescription(1, 0, [little.tsresol(0)]),
      little.enhancedPacket(0, 3n << 20n, Buffer.from('x')),
      little.enhancedPacket(1, 250n, Buffer.from('x')),
      little.enhancedPacket(2, 18_000_000_123_456_789_999n, Buffer.from('x')),
      little.enhancedPacket(3, 1_700_000_000n, Buffer.from('x')),
    ]);
    assert.deepEqual(
      parseInChunks(file).packets.map((packet) => packet.timestampMicros),
      [3_000_000, 1_000_000_250, 18_000_000_123_456, 1_700_000_000_000_000],
    );
  });

  it('reads simple packet blocks (interface 0, clamped to the snap length, last timestamp) and obsolete packet blocks', () => {
    const file = Buffer.concat([
      little.sectionHeader(),
      little.interfaceDescription(1, 4),
      little.obsoletePacket(0, 42n, Buffer.from('abcdef'), 100),
      little.simplePacket(Buffer.from('0123456'), 7),
      little.simplePacket(Buffer.from('xy'), 2),
    ]);
    const { packets } = parseInChunks(file);
    assert.deepEqual(
      packets.map((packet) => [packet.data.toString(), packet.capturedLength, packet.originalLength, packet.timestampMicros]),
      [
        ['abcdef', 6, 100, 42],
        ['0123', 4, 7, 42],
        ['xy', 2, 2, 42],
      ],
    );
  });

  it('skips unknown, statistics, name-resolution and custom blocks by their length', () => {
    const file = Buffer.concat([
      little.sectionHeader([{ code: 4, value: Buffer.from('shb_userappl test') }]),
      little.block(0x0bad, Buffer.alloc(37, 1)),
      little.interfaceDescription(1, 0, [{ code: 2, value: Buffer.from('lo') }]),
      little.block(4, Buffer.alloc(16)),
      little.enhancedPacket(0, 1n, Buffer.from('kept')),
      little.block(5, Buffer.alloc(20)),
      little.block(0x12345678, Buffer.alloc(0)),
    ]);
    const { packets, summary } = parseInChunks(file);
    assert.deepEqual(
      packets.map((packet) => packet.data.toString()),
      ['kept'],
    );
    assert.equal(summary.truncated, undefined);
  });

  it('gives identical packets whatever the chunk boundaries, down to 1-byte chunks', () => {
    const file = readFixture('lo-dumpcap.pcapng');
    const whole = parseInChunks(file);
    assert.deepEqual(parseInChunks(file, 1), whole);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: file.length }), { maxLength: 40 }), (cuts) => {
        assert.deepEqual(parseAtCuts(file, cuts).packets, whole.packets);
      }),
      { numRuns: 50 },
    );
  });

  it('stops cleanly at a truncated block and reports it', () => {
    const file = Buffer.concat([
      little.sectionHeader(),
      little.interfaceDescription(1, 0),
      little.enhancedPacket(0, 1n, Buffer.from('one')),
      little.enhancedPacket(0, 2n, Buffer.from('two-two-two')),
    ]);
    const lastBlockStart = file.length - 44;
    const { packets, summary } = parseInChunks(file.subarray(0, file.length - 5));
    assert.deepEqual(
      packets.map((packet) => packet.data.toString()),
      ['one'],
    );
    assert.deepEqual(summary.truncated, { offset: lastBlockStart, item: 'pcapng block', bytesAvailable: 39, bytesExpected: 44 });
    assert.equal(parseInChunks(file.subarray(0, 6)).summary.truncated?.item, 'pcapng section header block');
    const blockBoundaries = new Set([28, 48, lastBlockStart]);
    for (let length = 0; length < file.length; length++) {
      const { summary: cut } = parseInChunks(file.subarray(0, length), 3);
      assert.equal(cut.truncated === undefined, blockBoundaries.has(length), `length ${length}`);
    }
  });

  it('rejects a huge bogus block length with a clear error, without allocating it', () => {
    const file = Buffer.concat([little.sectionHeader(), little.interfaceDescription(1, 0), little.enhancedPacket(0, 1n, Buffer.from('x'))]);
    const blockStart = file.length - 36;
    file.writeUInt32LE(0xfffffffc, blockStart + 4);
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(
      () => parseInChunks(file),
      (error: unknown) =>
        error instanceof CaptureFormatError &&
        error.offset === blockStart &&
        /block of type 0x6 has total length 4294967292, which exceeds the limit/.test(error.message),
    );
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  });

  it('names the offset and the problem for each kind of corruption', () => {
    const shb = little.sectionHeader();
    const idb = little.interfaceDescription(1, 0);
    const packet = little.enhancedPacket(0, 1n, Buffer.from('data'));
    const cases: Array<[string, Buffer, number, RegExp]> = [
      ['no section header first', Buffer.concat([idb, shb]), 0, /not a pcap or pcapng file \(first bytes 0x01000000\)/],
      ['bad byte-order magic', withUint32(shb, 8, 0x11223344), 8, /byte-order magic 0x44332211/],
      ['unsupported version', little.sectionHeader([], 2), 12, /unsupported pcapng major version 2/],
      ['length not a multiple of 4', Buffer.concat([shb, withUint32(idb, 4, 22)]), shb.length, /22, which is not a multiple of 4/],
      ['length below minimum', Buffer.concat([shb, withUint32(idb, 4, 8)]), shb.length, /8, which is below the minimum of 12/],
      [
        'trailing length differs',
        Buffer.concat([shb, withUint32(idb, idb.length - 4, 16)]),
        shb.length + idb.length - 4,
        /trailing length 16 differs/,
      ],
      ['unknown interface', Buffer.concat([shb, packet]), shb.length + 8, /refers to interface 0, but the section describes 0/],
      [
        'captured length past the block',
        Buffer.concat([shb, idb, withUint32(packet, 20, 400)]),
        shb.length + idb.length + 20,
        /cannot hold its 400 captured bytes/,
      ],
      [
        'option past the block',
        Buffer.concat([shb, withUint16(little.interfaceDescription(1, 0, [little.tsresol(6)]), 18, 200)]),
        shb.length + 16,
        /option 9 of length 200 runs past the end/,
      ],
    ];
    for (const [name, file, offset, message] of cases) {
      assert.throws(
        () => parseInChunks(file),
        (error: unknown) => error instanceof CaptureFormatError && error.offset === offset && message.test(error.message),
        name,
      );
    }
  });
});

function withUint32(block: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(block);
  copy.writeUInt32LE(value, offset);
  return copy;
}

function withUint16(block: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(block);
  copy.writeUInt16LE(value, offset);
  return copy;
}
