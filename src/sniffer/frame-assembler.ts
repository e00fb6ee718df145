// Cuts one direction of a Kafka connection into frames (int32 size + that many bytes), with bounded
// memory: a frame is buffered only when it spans chunks and is at most `maxFrameBytes`; a larger one
// is skipped by its length after its first bytes (enough for the headers). Lost bytes inside a frame
// keep the framing (the length says where the next frame starts); lost bytes across a frame boundary,
// or a frame start no client or broker would send, switch to hunting for the next chained frame
// start (see frame-start.ts).

import { DEFAULT_MAX_FRAME_SIZE, FRAME_SIZE_BYTES } from '../protocol/index.ts';
import { BufferPool } from './buffer-pool.ts';
import { FRAME_HEAD_BYTES, findFrameStart, type FramingJudge } from './frame-start.ts';

/** Takes the rest of a frame too large to buffer as it passes, after its prefix. */
export interface FrameStream {
  /** The next bytes of the frame; only valid during the call. */
  push(bytes: Buffer, now: number): void;
  /** The frame ended: every byte pushed (`complete`), or some were never captured. */
  end(complete: boolean, now: number): void;
}

export interface FrameOutput {
  /** A whole frame; `message` (header + body, no size prefix) is only valid during the call. */
  frame(message: Buffer, firstMicros: number, lastMicros: number): void;
  /**
   * A frame of which only `prefix` (its first bytes, possibly none) is known: it was larger than the
   * buffer limit (`oversize`) or bytes of it were never captured (`gap`). `frameSize` excludes the size prefix.
   * For an oversize frame the output may return a stream, which then gets the rest of the frame.
   */
  partialFrame(prefix: Buffer, frameSize: number, reason: 'oversize' | 'gap', firstMicros: number): FrameStream | void;
}

export interface FramingCounters {
  frames: number;
  oversizeFrames: number;
  /** Frames with bytes missing inside them (the framing survived). */
  damagedFrames: number;
  /** Times the framing was lost: a gap across a frame boundary, or an impossible frame. */
  framingLost: number;
  /** Of which: impossible sizes or frame starts met while in step (not after a gap). */
  implausibleFrames: number;
  /** Times a chained frame start was found again. */
  resyncs: number;
  /** Bytes passed over while hunting for a frame start. */
  huntedBytes: number;
  /** Bytes of a frame left incomplete when its stream ended. */
  truncatedBytes: number;
}

export function createFramingCounters(): FramingCounters {
  return {
    frames: 0,
    oversizeFrames: 0,
    damagedFrames: 0,
    framingLost: 0,
    implausibleFrames: 0,
    resyncs: 0,
    huntedBytes: 0,
    truncatedBytes: 0,
  };
}

export interface FrameAssemblerLimits {
  /** Largest frame buffered whole; larger frames are skipped by length. */
  maxFrameBytes: number;
  /** Most bytes held while hunting for a frame start. */
  maxHuntBytes: number;
  /** Bytes of a skipped frame kept for its headers (at least FRAME_HEAD_BYTES). */
  prefixBytes: number;
  /** Frame sizes above this are impossible: the framing is lost. */
  maxFrameSize?: number;
  /** Where buffers of frames spanning several chunks come from (and return to once handed on). */
  pool?: BufferPool;
}

const EMPTY = Buffer.alloc(0);

/** A frame being filled across chunks (`data` allocated at its full size) or skipped (`data` only its prefix). */
interface OpenFrame {
  size: number;
  data: Buffer;
  filled: number;
  /** Bytes still to arrive after `data` fills up (skipped frames). */
  skipRemaining: number;
  skipped: false | 'oversize' | 'gap';
  /** Its first bytes passed the judge's in-step check. */
  checked: boolean;
  firstMicros: number;
  /** An oversize frame's bytes after its prefix go here as they pass. */
  stream?: FrameStream | undefined;
}

function sizePrefix(size: number): Buffer {
  const bytes = Buffer.alloc(FRAME_SIZE_BYTES);
  bytes.writeInt32BE(size);
  return bytes;
}

export class FrameAssembler {
  readonly #judge: FramingJudge;
  readonly #output: FrameOutput;
  readonly #counters: FramingCounters;
  readonly #limits: Required<FrameAssemblerLimits>;
  #hunting: boolean;
  /** Bytes kept while hunting (always a private copy). */
  #hunt: Buffer = EMPTY;
  #huntFrom = 0;
  #sizeBytes = Buffer.alloc(FRAME_SIZE_BYTES);
  #sizeFilled = 0;
  #sizeFirstMicros = 0;
  #open: OpenFrame | undefined;

  /** `inStep`: the stream is known to begin at a frame boundary (its start was captured). */
  constructor(judge: FramingJudge, output: FrameOutput, counters: FramingCounters, limits: FrameAssemblerLimits, inStep: boolean) {
    this.#judge = judge;
    this.#output = output;
    this.#counters = counters;
    this.#limits = { maxFrameSize: DEFAULT_MAX_FRAME_SIZE, pool: new BufferPool(0), ...limits };
    this.#hunting = !inStep;
  }

  /** Bytes held right now (hunt window, partial frame, skipped frame prefix). */
  get bufferedBytes(): number {
    return this.#hunt.length + (this.#open ? this.#open.data.length : 0) + this.#sizeFilled;
  }

  data(chunk: Buffer, now: number): void {
    if (this.#hunting) this.#huntIn(chunk, now, false);
    else this.#frames(chunk, 0, now);
  }

  gap(byteCount: number, now: number): void {
    if (this.#hunting) {
      this.#counters.huntedBytes += this.#hunt.length;
      this.#hunt = EMPTY;
      this.#huntFrom = 0;
      return;
    }
    const open = this.#open;
    if (open === undefined) {
      this.#sizeFilled = 0;
      this.#loseFraming(false);
      return;
    }
    const toBoundary = open.data.length - open.filled + open.skipRemaining;
    if (open.filled < open.data.length) {
      // The frame (or the prefix of a skipped one) cannot be completed: report what arrived.
      this.#counters.damagedFrames++;
      const reason = open.skipped === false ? 'gap' : open.skipped;
      this.#output.partialFrame(open.data.subarray(0, open.filled), open.size, reason, open.firstMicros)?.end(false, now);
      open.data = open.data.subarray(0, open.filled);
      open.skipped = reason;
    }
    open.skipRemaining = toBoundary;
    open.stream?.end(false, now);
    open.stream = undefined;
    if (byteCount < toBoundary) {
      open.skipRemaining -= byteCount;
      return;
    }
    this.#open = undefined;
    if (byteCount > toBoundary) this.#loseFraming(false);
  }

  /** End of the stream: a last frame found while hunting is still delivered. */
  end(now: number): void {
    if (this.#hunting) {
      this.#huntIn(EMPTY, now, true);
      this.#counters.huntedBytes += this.#hunt.length;
      this.#hunt = EMPTY;
    }
    const open = this.#open;
    if (open !== undefined && open.skipped === false) {
      this.#counters.truncatedBytes += open.filled;
      this.#output.partialFrame(open.data.subarray(0, open.filled), open.size, 'gap', open.firstMicros);
    }
    open?.stream?.end(false, now);
    this.#open = undefined;
    this.#counters.truncatedBytes += this.#sizeFilled;
    this.#sizeFilled = 0;
  }

  #loseFraming(implausible: boolean): void {
    this.#counters.framingLost++;
    if (implausible) this.#counters.implausibleFrames++;
    this.#hunting = true;
    this.#hunt = EMPTY;
    this.#huntFrom = 0;
  }

  /** The bytes taken for a frame start were not one: hunt again in `rest` (from the byte after it). */
  #rehunt(rest: Buffer, now: number): void {
    this.#loseFraming(true);
    this.#huntIn(rest, now, false);
  }

  /** In-step path: frames from `chunk` starting at `start`. */
  #frames(chunk: Buffer, start: number, now: number): void {
    let at = start;
    const length = chunk.length;
    while (at < length) {
      if (this.#open !== undefined) {
        at = this.#continueOpen(chunk, at, now);
        if (at < 0) return;
        continue;
      }
      let size: number;
      let firstMicros = now;
      const split = this.#sizeFilled > 0 || length - at < FRAME_SIZE_BYTES;
      if (split) {
        if (this.#sizeFilled === 0) this.#sizeFirstMicros = now;
        const take = Math.min(FRAME_SIZE_BYTES - this.#sizeFilled, length - at);
        chunk.copy(this.#sizeBytes, this.#sizeFilled, at, at + take);
        this.#sizeFilled += take;
        at += take;
        if (this.#sizeFilled < FRAME_SIZE_BYTES) return;
        this.#sizeFilled = 0;
        size = this.#sizeBytes.readInt32BE(0);
        firstMicros = this.#sizeFirstMicros;
      } else {
        size = chunk.readInt32BE(at);
        at += FRAME_SIZE_BYTES;
      }
      const head = Math.min(size, FRAME_HEAD_BYTES);
      const startOk =
        size >= 0 && size <= this.#limits.maxFrameSize && (length - at < head || this.#judge.inStep(chunk.subarray(at, at + head), size));
      if (!startOk) {
        this.#rehunt(
          split ? Buffer.concat([this.#sizeBytes.subarray(1), chunk.subarray(at)]) : chunk.subarray(at - FRAME_SIZE_BYTES + 1),
          now,
        );
        return;
      }
      if (size <= this.#limits.maxFrameBytes && length - at >= size) {
        this.#counters.frames++;
        this.#output.frame(chunk.subarray(at, at + size), firstMicros, now);
        at += size;
        continue;
      }
      const checked = length - at >= head;
      if (size <= this.#limits.maxFrameBytes) {
        this.#open = { size, data: this.#limits.pool.take(size), filled: 0, skipRemaining: 0, skipped: false, checked, firstMicros };
      } else {
        this.#counters.oversizeFrames++;
        const prefix = Math.min(size, this.#limits.prefixBytes);
        this.#open = {
          size,
          data: Buffer.allocUnsafe(prefix),
          filled: 0,
          skipRemaining: size - prefix,
          skipped: 'oversize',
          checked,
          firstMicros,
        };
        if (prefix === 0) this.#open.stream = this.#output.partialFrame(EMPTY, size, 'oversize', firstMicros) ?? undefined;
      }
    }
  }

  /**
   * Feeds the open frame from `chunk` at `at`; returns the new position, or -1 when the frame's start
   * turned out implausible and the bytes went back to hunting.
   */
  #continueOpen(chunk: Buffer, at: number, now: number): number {
    const open = this.#open!;
    if (open.filled < open.data.length) {
      const take = Math.min(open.data.length - open.filled, chunk.length - at);
      chunk.copy(open.data, open.filled, at, at + take);
      open.filled += take;
      at += take;
      const head = Math.min(open.size, FRAME_HEAD_BYTES);
      if (!open.checked && open.filled >= head) {
        open.checked = true;
        if (!this.#judge.inStep(open.data.subarray(0, head), open.size)) {
          this.#open = undefined;
          if (open.skipped === 'oversize') this.#counters.oversizeFrames--;
          this.#rehunt(Buffer.concat([sizePrefix(open.size).subarray(1), open.data.subarray(0, open.filled), chunk.subarray(at)]), now);
          return -1;
        }
      }
      if (open.filled < open.data.length) return at;
      if (open.skipped === false) {
        this.#open = undefined;
        this.#counters.frames++;
        this.#output.frame(open.data, open.firstMicros, now);
        this.#limits.pool.give(open.data);
        return at;
      }
      if (open.skipped === 'oversize')
        open.stream = this.#output.partialFrame(open.data, open.size, 'oversize', open.firstMicros) ?? undefined;
    }
    const skip = Math.min(open.skipRemaining, chunk.length - at);
    open.skipRemaining -= skip;
    if (skip > 0) open.stream?.push(chunk.subarray(at, at + skip), now);
    at += skip;
    if (open.skipRemaining === 0) {
      this.#open = undefined;
      open.stream?.end(true, now);
    }
    return at;
  }

  #huntIn(chunk: Buffer, now: number, atEnd: boolean): void {
    const window = this.#hunt.length === 0 ? chunk : chunk.length === 0 ? this.#hunt : Buffer.concat([this.#hunt, chunk]);
    const search = findFrameStart(window, this.#huntFrom, this.#judge, this.#limits.maxHuntBytes, atEnd);
    if (search.status === 'found') {
      this.#counters.resyncs++;
      this.#counters.huntedBytes += search.offset;
      this.#hunting = false;
      this.#hunt = EMPTY;
      this.#huntFrom = 0;
      this.#frames(window, search.offset, now);
      return;
    }
    let keepFrom = search.offset;
    if (window.length - keepFrom > this.#limits.maxHuntBytes) keepFrom = window.length - this.#limits.maxHuntBytes;
    this.#counters.huntedBytes += keepFrom;
    // A private copy: a view would pin the (possibly much larger) buffer the chunk came from.
    this.#hunt = Buffer.from(window.subarray(keepFrom));
    this.#huntFrom = Math.max(0, search.offset - keepFrom);
  }
}
