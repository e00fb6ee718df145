/** Signed distance from `b` to `a` in 32-bit sequence space: positive when `a` is after `b`. */
export function sequenceDistance(a: number, b: number): number {
  return (a - b) | 0;
}

/** `sequence + count` wrapped to 32 bits. */
export function sequenceAdd(sequence: number, count: number): number {
  return (sequence + count) >>> 0;
}

/** Largest distance accepted between a segment and the expected sequence number: the largest scaled TCP window (2^30). */
export const MAX_SEQUENCE_JUMP = 2 ** 30;
