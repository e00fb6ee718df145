// Byte-level mutations that know where protocols hide their trouble: lengths and counts (int16, int32,
// unsigned varints) set to boundary values, bytes flipped, runs inserted, removed, repeated or spliced in
// from another input of the corpus, and inputs cut short.

import type { Rng } from './random.ts';

const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xff];
const INTERESTING_16 = [0, 1, 0x7fff, 0x8000, 0xffff, 0xfffe];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x01000000, 0x00010000];
const VARINTS = [
  [0x00],
  [0x01],
  [0x7f],
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
  [0x80, 0x80, 0x80, 0x80, 0x80],
];
/** Largest input a mutation may grow to. */
export const MAX_INPUT_BYTES = 256 * 1024;

type Mutation = (input: Buffer, rng: Rng, corpus: readonly Buffer[]) => Buffer;

const position = (input: Buffer, rng: Rng, width = 1): number => rng.below(Math.max(1, input.length - width + 1));

const mutations: readonly Mutation[] = [
  (input, rng) => {
    const out = Buffer.from(input);
    if (out.length > 0) out[position(out, rng)]! ^= 1 << rng.below(8);
    return out;
  },
  (input, rng) => {
    const out = Buffer.from(input);
    if (out.length > 0) out[position(out, rng)] = rng.pick(INTERESTING_8);
    return out;
  },
  (input, rng) => {
    const out = Buffer.from(input);
    if (out.length >= 2) out.writeUInt16BE(rng.pick(INTERESTING_16), position(out, rng, 2));
    return out;
  },
  (input, rng) => {
    const out = Buffer.from(input);
    if (out.length >= 4) out.writeUInt32BE(rng.pick(INTERESTING_32), position(out, rng, 4));
    return out;
  },
  (input, rng) => {
    const out = Buffer.from(input);
    if (out.length >= 4) {
      const at = position(out, rng, 4);
      out.writeInt32BE((out.readInt32BE(at) + rng.below(33) - 16) | 0, at);
    }
    return out;
  },
  (input, rng) => {
    const at = position(input, rng);
    const varint = Buffer.from(rng.pick(VARINTS));
    return Buffer.concat([input.subarray(0, at), varint, input.subarray(at + (rng.chance(0.5) ? 1 : 0))]);
  },
  (input, rng) => {
    const at = position(input, rng);
    const length = 1 + rng.below(Math.min(64, Math.max(1, input.length - at)));
    return Buffer.concat([input.subarray(0, at), input.subarray(at + length)]);
  },
  (input, rng) => {
    const at = position(input, rng);
    const length = 1 + rng.below(Math.min(256, Math.max(1, input.length - at)));
    const run = input.subarray(at, at + length);
    return Buffer.concat([input.subarray(0, at), run, run, input.subarray(at + length)]);
  },
  (input, rng) => {
    const noise = Buffer.alloc(1 + rng.below(32));
    for (let index = 0; index < noise.length; index++) noise[index] = rng.below(256);
    const at = position(input, rng);
    return Buffer.concat([input.subarray(0, at), noise, input.subarray(at)]);
  },
  (input, rng) => input.subarray(0, rng.below(input.length + 1)),
  (input, rng, corpus) => {
    const other = rng.pick(corpus);
    const from = rng.below(other.length + 1);
    const at = position(input, rng);
    return Buffer.concat([input.subarray(0, at), other.subarray(from, from + 1 + rng.below(512))]);
  },
];

/** One to four mutations of `input`, never longer than MAX_INPUT_BYTES. */
export function mutateBytes(input: Buffer, rng: Rng, corpus: readonly Buffer[]): Buffer {
  let out = input;
  const rounds = 1 + rng.below(4);
  for (let round = 0; round < rounds; round++) out = rng.pick(mutations)(out, rng, corpus);
  return out.length > MAX_INPUT_BYTES ? out.subarray(0, MAX_INPUT_BYTES) : out;
}
