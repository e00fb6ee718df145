import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MAX_FRAME_SIZE } from '../../../src/protocol/index.ts';
import { nextSmallByte } from '../../../src/sniffer/frame-start.ts';

const MAX_FIRST_SIZE_BYTE = DEFAULT_MAX_FRAME_SIZE >>> 24;

function firstSmallByteOneAtATime(buf: Buffer, from: number, end: number): number {
  for (let offset = from; offset < end; offset++) if (buf[offset]! <= MAX_FIRST_SIZE_BYTE) return offset;
  return end;
}

describe('nextSmallByte (where a frame size may start)', () => {
  it('finds the same offset as a byte-at-a-time scan, at any alignment of the buffer and the range', () => {
    const mostlyLarge = fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: MAX_FIRST_SIZE_BYTE + 1, max: 255 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_FIRST_SIZE_BYTE + 1 }) },
    );
    fc.assert(
      fc.property(fc.array(mostlyLarge, { maxLength: 80 }), fc.nat(7), fc.nat(80), fc.nat(80), (bytes, shift, fromSeed, endSeed) => {
        const backing = Buffer.alloc(bytes.length + shift);
        Buffer.from(bytes).copy(backing, shift);
        const buf = backing.subarray(shift);
        const end = bytes.length === 0 ? 0 : endSeed % (bytes.length + 1);
        const from = end === 0 ? 0 : fromSeed % (end + 1);
        assert.equal(nextSmallByte(buf, from, end), firstSmallByteOneAtATime(buf, from, end));
      }),
      { numRuns: 5000 },
    );
  });

  it('answers the end of the range when no byte in it could start a frame size', () => {
    const buf = Buffer.alloc(64, 0xff);
    buf[40] = 0;
    assert.equal(nextSmallByte(buf, 0, 40), 40);
    assert.equal(nextSmallByte(buf, 0, 64), 40);
    assert.equal(nextSmallByte(buf, 41, 64), 64);
  });
});
