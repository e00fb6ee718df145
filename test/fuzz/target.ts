import type { Rng } from './random.ts';

/**
 * One decoder entry point under fuzzing. `run` throws only on a finding: what the entry point's contract
 * allows for bad input (a DecodeError result, a CaptureFormatError, an Error naming what is wrong) is
 * handled inside it. It returns a description when the input drove memory past the bounds the code claims.
 */
export interface FuzzTarget {
  readonly name: string;
  /** Valid inputs to start from (from the recorded fixtures or generated from the protocol's definitions). */
  seeds(): Buffer[];
  /** A structure-aware mutation of `input`; the byte mutator when absent. */
  mutate?(input: Buffer, rng: Rng, corpus: readonly Buffer[]): Buffer;
  run(input: Buffer): string | undefined;
}

/** Errors a parser may deliberately throw for bad input; anything else (TypeError, RangeError...) is a bug. */
export function isDeliberateRejection(error: unknown): boolean {
  return error instanceof Error && (error.constructor === Error || error instanceof SyntaxError) && error.message !== '';
}
