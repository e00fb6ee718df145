import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { timestampConverter } from '../../../src/capture/timestamps.ts';

/** Exact reference: floor(units * 10^6 / unitsPerSecond) + offset, in BigInt. */
function referenceMicros(high: number, low: number, tsresol: number, offsetSeconds: number): number {
  const units = (BigInt(high) << 32n) | BigInt(low);
  const exponent = BigInt(tsresol & 0x7f);
  const unitsPerSecond = (tsresol & 0x80) !== 0 ? 1n << exponent : 10n ** exponent;
  return Number((units * 1_000_000n) / unitsPerSecond + BigInt(offsetSeconds) * 1_000_000n);
}

describe('pcapng timestamp conversion', () => {
  it('matches exact BigInt arithmetic for every decimal and binary resolution', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 3, 6, 7, 9, 10, 12, 15, 0x80 | 10, 0x80 | 20, 0x80 | 30),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        fc.integer({ min: -100_000, max: 100_000 }),
        (tsresol, high, low, offsetSeconds) => {
          const expected = referenceMicros(high, low, tsresol, offsetSeconds);
          // Results beyond 2^53 cannot be exact in a number; epoch microseconds stay far below it.
          fc.pre(Math.abs(expected) < Number.MAX_SAFE_INTEGER);
          assert.equal(timestampConverter(tsresol, offsetSeconds)(high, low), expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps nanosecond epoch timestamps exact to the microsecond', () => {
    const nanos = 1_795_289_411_651_461_524n;
    const toMicros = timestampConverter(9, 0);
    assert.equal(toMicros(Number(nanos >> 32n), Number(nanos & 0xffffffffn)), 1_795_289_411_651_461);
  });
});
