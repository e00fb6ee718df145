// Finding where Kafka frames start again in a byte stream after lost bytes (or when a capture begins
// in the middle of a connection): a plausible frame start is only believed when the frame after it
// is plausible too ("chains"), or when it ends exactly where the bytes received so far end (the end of
// a TCP segment), so that a few lucky bytes inside a record batch are not taken for one.

import { DEFAULT_MAX_FRAME_SIZE, FRAME_SIZE_BYTES, type FrameStartCheck } from '../protocol/index.ts';

export interface FrameStartJudge {
  /** Whether a frame plausibly starts at `offset` (see checkRequestFrameStart / checkResponseFrameStart). */
  check(buf: Buffer, offset: number): FrameStartCheck;
  /**
   * For a plausible frame too large to see the one after it: whether it is convincing without the chain
   * (the connection's own client id and next correlation ids, or the oldest pending correlation id).
   */
  convincingAlone(buf: Buffer, offset: number): boolean;
}

/** Bytes of a frame's message an in-step check looks at: request API key, version, correlation id. */
export const FRAME_HEAD_BYTES = 8;

/** A judge for framing a stream: besides finding frame starts, it vets each frame met in step. */
export interface FramingJudge extends FrameStartJudge {
  /**
   * Whether a frame of `frameSize` bytes met in step may begin with `head` (its first FRAME_HEAD_BYTES,
   * fewer for a shorter frame). False means the framing went wrong (the stream is not what it seemed).
   */
  inStep(head: Buffer, frameSize: number): boolean;
}

export type FrameStartSearch =
  | { readonly status: 'found'; readonly offset: number }
  /** No frame start before `offset`; the candidate at `offset` needs more bytes to decide. */
  | { readonly status: 'wait'; readonly offset: number };

/** A frame size's first byte is at most this (frames are at most DEFAULT_MAX_FRAME_SIZE): a quick first filter. */
const MAX_FIRST_SIZE_BYTE = DEFAULT_MAX_FRAME_SIZE >>> 24;

/** Bytes of the following frame that a chain check looks at (a request header up to its client id length). */
export const CHAIN_CHECK_BYTES = 16;

/**
 * Scans `buf` from `from` for the first chained frame start. `lookahead` bounds how far the search may
 * wait for the frame after a candidate; `atEnd` says no more bytes will come, so nothing is waited for;
 * `segmentEndChains: false` asks for a real chain of two frames.
 */
export function findFrameStart(
  buf: Buffer,
  from: number,
  judge: FrameStartJudge,
  lookahead: number,
  atEnd: boolean,
  segmentEndChains = true,
): FrameStartSearch {
  for (let offset = from; offset + FRAME_SIZE_BYTES <= buf.length; offset++) {
    offset = nextSmallByte(buf, offset, buf.length - FRAME_SIZE_BYTES + 1);
    if (offset + FRAME_SIZE_BYTES > buf.length) break;
    const verdict = judge.check(buf, offset);
    if (verdict === 'implausible') continue;
    if (verdict === 'incomplete') {
      if (atEnd) continue;
      return { status: 'wait', offset };
    }
    const next = offset + FRAME_SIZE_BYTES + buf.readInt32BE(offset);
    // Ending exactly where the bytes received so far end (a segment boundary) counts as chaining.
    if (next === buf.length && (segmentEndChains || atEnd)) return { status: 'found', offset };
    if (next >= buf.length) {
      if (atEnd) continue;
      if (next - offset + CHAIN_CHECK_BYTES <= lookahead) return { status: 'wait', offset };
      if (judge.convincingAlone(buf, offset)) return { status: 'found', offset };
      continue;
    }
    const following = judge.check(buf, next);
    if (following === 'plausible' || (following === 'incomplete' && atEnd)) return { status: 'found', offset };
    if (following === 'incomplete') return { status: 'wait', offset };
  }
  return { status: 'wait', offset: atEnd ? buf.length : Math.max(from, buf.length - FRAME_SIZE_BYTES + 1) };
}

const WORD_BYTES = 4;
/** Each byte of a word holding MAX_FIRST_SIZE_BYTE + 1. */
const SMALL_BYTE_BOUND = (MAX_FIRST_SIZE_BYTE + 1) * 0x01010101;

/**
 * The first offset in [from, end) whose byte is at most MAX_FIRST_SIZE_BYTE, or `end`. Most bytes of
 * the data being hunted through are larger, so whole aligned words are tested at once ("has a byte
 * less than n", valid for n <= 128), which is several times faster than a byte at a time.
 */
export function nextSmallByte(buf: Buffer, from: number, end: number): number {
  let offset = from;
  const misalignment = (buf.byteOffset + offset) % WORD_BYTES;
  const alignedStart = misalignment === 0 ? offset : offset + WORD_BYTES - misalignment;
  for (; offset < end && offset < alignedStart; offset++) if (buf[offset]! <= MAX_FIRST_SIZE_BYTE) return offset;
  const wordCount = Math.max(0, Math.floor((end - offset) / WORD_BYTES));
  if (wordCount > 0) {
    const words = new Int32Array(buf.buffer, buf.byteOffset + offset, wordCount);
    let word = 0;
    for (; word < wordCount; word++) {
      const value = words[word]!;
      if (((value - SMALL_BYTE_BOUND) & ~value & 0x80808080) !== 0) break;
    }
    offset += word * WORD_BYTES;
  }
  for (; offset < end; offset++) if (buf[offset]! <= MAX_FIRST_SIZE_BYTE) return offset;
  return end;
}
