/** Converts a 64-bit timestamp, given as its high and low 32-bit halves, to epoch microseconds. */
export type TimestampConverter = (high: number, low: number) => number;

const TWO_POW_32 = 4294967296;
const MICROS_PER_SECOND = 1_000_000;

/**
 * Builds the converter for a pcapng if_tsresol value (bit 7 clear: 10^-n seconds per unit,
 * set: 2^-n) and if_tsoffset (seconds added to every timestamp).
 */
export function timestampConverter(tsresol: number, offsetSeconds: number): TimestampConverter {
  const offsetMicros = offsetSeconds * MICROS_PER_SECOND;
  const exponent = tsresol & 0x7f;
  const isPowerOfTwo = (tsresol & 0x80) !== 0;
  if (!isPowerOfTwo && exponent === 6) {
    return (high, low) => high * TWO_POW_32 + low + offsetMicros;
  }
  if (!isPowerOfTwo && exponent > 6 && exponent <= 12) {
    const divisor = 10 ** (exponent - 6);
    return (high, low) => divideUnits(high, low, divisor) + offsetMicros;
  }
  if (!isPowerOfTwo && exponent < 6) {
    const factor = 10 ** (6 - exponent);
    return (high, low) => {
      const micros = (high * TWO_POW_32 + low) * factor;
      return Number.isSafeInteger(micros) ? micros + offsetMicros : viaBigInt(high, low, BigInt(factor), 1n) + offsetMicros;
    };
  }
  const unitsPerSecond = isPowerOfTwo ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
  return (high, low) => viaBigInt(high, low, 1_000_000n, unitsPerSecond) + offsetMicros;
}

/** floor((high * 2^32 + low) / divisor) without BigInt; exact while divisor * 2^32 stays below 2^53 (divisor up to 10^6). */
function divideUnits(high: number, low: number, divisor: number): number {
  const highQuotient = Math.floor(high / divisor);
  const highRemainder = high - highQuotient * divisor;
  const rest = highRemainder * TWO_POW_32 + low;
  let restQuotient = Math.floor(rest / divisor);
  if (restQuotient * divisor > rest) restQuotient--;
  else if ((restQuotient + 1) * divisor <= rest) restQuotient++;
  return highQuotient * TWO_POW_32 + restQuotient;
}

function viaBigInt(high: number, low: number, multiplier: bigint, divisor: bigint): number {
  const units = (BigInt(high) << 32n) | BigInt(low);
  return Number((units * multiplier) / divisor);
}
