import type { ReassemblyCounters } from './counters.ts';
import { MAX_SEQUENCE_JUMP, sequenceAdd, sequenceDistance } from './sequence.ts';

export interface DirectionLimits {
  /** Out-of-order bytes held before the oldest hole is given up as a gap. */
  maxBufferedBytes: number;
  /** Out-of-order segments held before the oldest hole is given up as a gap. */
  maxBufferedSegments: number;
  /** Packet time after which a hole with data waiting behind it is given up as a gap. */
  holeTimeoutMicros: number;
  /** Packet time after the peer acknowledged bytes never captured before they are declared a gap. */
  ackedHoleGraceMicros: number;
}

export interface DirectionOutput {
  data(chunk: Buffer, timestampMicros: number): void;
  gap(byteCount: number, timestampMicros: number): void;
}

/** Bytes held behind a hole. No `data`: bytes the packet carried but the capture cut off. */
interface BufferedPiece {
  offset: number;
  length: number;
  data: Buffer | undefined;
  timestampMicros: number;
}

/**
 * Reassembles one direction of a TCP connection into an ordered byte stream.
 * Positions are kept as stream offsets (bytes since the stream start) so they never wrap;
 * sequence numbers are only compared against the next expected one.
 * Overlaps keep the bytes seen first: later copies of a range are dropped and counted.
 */
export class DirectionStream {
  readonly #limits: DirectionLimits;
  readonly #counters: ReassemblyCounters;
  readonly #output: DirectionOutput;
  #started = false;
  #startKnown = false;
  #initialSequence: number | undefined;
  #nextSequence = 0;
  #offset = 0;
  #finOffset: number | undefined;
  #finSeenAt = 0;
  #finished = false;
  /** Sorted by offset, non-overlapping, all beyond #offset. */
  #pieces: BufferedPiece[] = [];
  #bufferedBytes = 0;
  #holeSince: number | undefined;
  #ackedOffset: number | undefined;
  #ackedSince = 0;
  #pendingGapBytes = 0;
  #pendingGapTime = 0;

  constructor(limits: DirectionLimits, counters: ReassemblyCounters, output: DirectionOutput) {
    this.#limits = limits;
    this.#counters = counters;
    this.#output = output;
  }

  /** A segment has been seen, so the stream position is known. */
  get started(): boolean {
    return this.#started;
  }

  /** The stream began at a SYN seen here, rather than somewhere in the middle. */
  get startKnown(): boolean {
    return this.#startKnown;
  }

  get initialSequence(): number | undefined {
    return this.#initialSequence;
  }

  /** Everything up to this side's FIN has been delivered. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Bytes delivered plus bytes reported as gaps. */
  get position(): number {
    return this.#offset;
  }

  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  /** Waits behind a hole (data or a FIN ahead of it) or to declare acknowledged-but-unseen bytes: needs expire() calls. */
  get hasPendingWork(): boolean {
    return this.#frontHoleEnd() !== undefined || this.#ackedOffset !== undefined;
  }

  acceptSyn(sequence: number): void {
    if (this.#started) return;
    this.#initialSequence = sequence;
    this.#begin(sequenceAdd(sequence, 1), true);
  }

  /**
   * Places a segment's bytes (the first data byte at `sequence`). A stream not started yet starts
   * at its first segment with data or FIN: a bare ACK may be a keepalive, one byte behind.
   */
  accept(sequence: number, payload: Buffer, missingBytes: number, fin: boolean, now: number): void {
    const length = payload.length + missingBytes;
    if (length === 0 && !fin) return;
    if (!this.#started) this.#begin(sequence, false);
    const distance = sequenceDistance(sequence, this.#nextSequence);
    if (distance > MAX_SEQUENCE_JUMP || distance + length < -MAX_SEQUENCE_JUMP) {
      this.#counters.outOfWindowSegments++;
      return;
    }
    const start = this.#offset + distance;
    let end = start + length;
    if (fin && this.#finOffset === undefined && end >= this.#offset) this.#setFinOffset(end, now);
    let data = payload;
    let missing = missingBytes;
    if (this.#finOffset !== undefined && end > this.#finOffset) {
      const kept = Math.max(0, this.#finOffset - start);
      this.#counters.bytesAfterFin += end - start - kept;
      if (kept < data.length) {
        data = data.subarray(0, kept);
        missing = 0;
      } else {
        missing = kept - data.length;
      }
      end = start + kept;
    }
    if (end > start) this.#place(start, data, missing, now);
    this.#refreshHoleSince();
    this.#finishIfComplete();
    this.#flushPendingGap();
  }

  /** The peer acknowledged up to `acknowledgment`: bytes before it were sent even if never captured. */
  noteAcknowledged(acknowledgment: number, now: number): void {
    if (!this.#started || this.#finished) return;
    const distance = sequenceDistance(acknowledgment, this.#nextSequence);
    if (distance <= 0 || distance > MAX_SEQUENCE_JUMP) return;
    const acked = this.#offset + distance;
    if (this.#ackedOffset === undefined) {
      this.#ackedOffset = acked;
      this.#ackedSince = now;
    } else if (acked > this.#ackedOffset) {
      this.#ackedOffset = acked;
    }
  }

  /** Gives up holes whose time has run out (packet time `now`). */
  expire(now: number): void {
    while (this.#holeSince !== undefined && now - this.#holeSince >= this.#limits.holeTimeoutMicros) {
      this.#flushFrontHole(now);
      this.#refreshHoleSince();
    }
    this.#expireAcknowledgedHole(now);
    this.#finishIfComplete();
    this.#flushPendingGap();
  }

  /** Delivers everything held, reporting every hole (also one before a FIN) as a gap: the connection is ending. */
  flush(now: number): void {
    while (this.#frontHoleEnd() !== undefined) this.#flushFrontHole(now);
    this.#holeSince = undefined;
    this.#ackedOffset = undefined;
    this.#finishIfComplete();
    this.#flushPendingGap();
  }

  #begin(nextSequence: number, viaSyn: boolean): void {
    this.#started = true;
    this.#startKnown = viaSyn;
    this.#nextSequence = nextSequence;
  }

  #setFinOffset(finOffset: number, now: number): void {
    this.#finOffset = finOffset;
    this.#finSeenAt = now;
    const kept = this.#pieces.filter((piece) => piece.offset < finOffset);
    for (const piece of this.#pieces) {
      const beyond = piece.offset + piece.length - Math.max(piece.offset, finOffset);
      if (beyond <= 0) continue;
      this.#counters.bytesAfterFin += beyond;
      if (piece.data !== undefined) this.#release(piece.data.length);
      if (piece.offset < finOffset) {
        piece.length -= beyond;
        if (piece.data !== undefined) {
          piece.data = piece.data.subarray(0, piece.length);
          this.#retain(piece.length);
        }
      }
    }
    this.#pieces = kept;
  }

  #place(segmentStart: number, segmentData: Buffer, segmentMissing: number, now: number): void {
    let start = segmentStart;
    let data = segmentData;
    let missing = segmentMissing;
    const end = start + data.length + missing;
    if (end <= this.#offset) {
      this.#counters.duplicateBytes += end - start;
      return;
    }
    if (start < this.#offset) {
      const seen = this.#offset - start;
      this.#counters.duplicateBytes += seen;
      if (seen <= data.length) {
        data = data.subarray(seen);
      } else {
        missing -= seen - data.length;
        data = data.subarray(data.length);
      }
      start = this.#offset;
    }
    if (start === this.#offset && this.#pieces.length === 0) {
      if (data.length > 0) this.#emitData(data, now);
      if (missing > 0) this.#queueGap(missing, now);
      return;
    }
    if (start > this.#offset) this.#counters.outOfOrderSegments++;
    this.#insertUncovered(start, data, missing, now);
    this.#drain();
    while (this.#pieces.length > 0 && this.#overLimits()) this.#flushFrontHole(now);
    if (this.#bufferedBytes > this.#counters.peakBufferedBytesPerDirection) {
      this.#counters.peakBufferedBytesPerDirection = this.#bufferedBytes;
    }
  }

  #overLimits(): boolean {
    return this.#bufferedBytes > this.#limits.maxBufferedBytes || this.#pieces.length > this.#limits.maxBufferedSegments;
  }

  /** Adds the parts of [start, end) no buffered piece covers yet; covered parts are duplicates. */
  #insertUncovered(start: number, data: Buffer, missing: number, now: number): void {
    const pieces = this.#pieces;
    const end = start + data.length + missing;
    let low = 0;
    let high = pieces.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const piece = pieces[middle]!;
      if (piece.offset + piece.length <= start) low = middle + 1;
      else high = middle;
    }
    const merged: BufferedPiece[] = [];
    let cursor = start;
    let index = low;
    while (cursor < end) {
      const next = pieces[index];
      const freeEnd = next === undefined ? end : Math.min(end, next.offset);
      if (freeEnd > cursor) this.#addFreeRange(merged, cursor, freeEnd, start, data, now);
      if (next === undefined || next.offset >= end) break;
      this.#counters.duplicateBytes += Math.min(end, next.offset + next.length) - Math.max(cursor, next.offset);
      merged.push(next);
      cursor = next.offset + next.length;
      index++;
    }
    pieces.splice(low, index - low, ...merged);
  }

  #addFreeRange(into: BufferedPiece[], from: number, to: number, start: number, data: Buffer, now: number): void {
    const dataEnd = start + data.length;
    if (from < dataEnd) {
      const pieceEnd = Math.min(to, dataEnd);
      // Copied: a view would pin the whole input chunk the packet came from.
      const copy = Buffer.from(data.subarray(from - start, pieceEnd - start));
      into.push({ offset: from, length: copy.length, data: copy, timestampMicros: now });
      this.#retain(copy.length);
    }
    if (to > dataEnd) {
      const pieceStart = Math.max(from, dataEnd);
      into.push({ offset: pieceStart, length: to - pieceStart, data: undefined, timestampMicros: now });
    }
  }

  #drain(): void {
    const pieces = this.#pieces;
    while (pieces.length > 0 && pieces[0]!.offset === this.#offset) {
      const piece = pieces.shift()!;
      if (piece.data === undefined) {
        this.#queueGap(piece.length, piece.timestampMicros);
      } else {
        this.#release(piece.data.length);
        this.#emitData(piece.data, piece.timestampMicros);
      }
    }
  }

  /** Where the first hole ends: at the first held piece, or at a FIN seen ahead of the stream. */
  #frontHoleEnd(): number | undefined {
    const first = this.#pieces[0];
    if (first !== undefined) return first.offset;
    return this.#finOffset !== undefined && this.#finOffset > this.#offset ? this.#finOffset : undefined;
  }

  #flushFrontHole(now: number): void {
    const end = this.#frontHoleEnd();
    if (end === undefined) return;
    this.#queueGap(end - this.#offset, now);
    this.#drain();
  }

  #expireAcknowledgedHole(now: number): void {
    if (this.#ackedOffset === undefined) return;
    if (this.#ackedOffset > this.#offset && now - this.#ackedSince < this.#limits.ackedHoleGraceMicros) return;
    const target = Math.min(this.#ackedOffset, this.#finOffset ?? Infinity);
    this.#ackedOffset = undefined;
    while (this.#pieces.length > 0 && this.#pieces[0]!.offset < target) this.#flushFrontHole(now);
    if (target > this.#offset) {
      this.#queueGap(target - this.#offset, now);
      this.#drain();
    }
    this.#refreshHoleSince();
  }

  /** The front hole has been known since the earliest arrival of anything held beyond it. */
  #refreshHoleSince(): void {
    let oldest = this.#finOffset !== undefined && this.#finOffset > this.#offset ? this.#finSeenAt : undefined;
    for (const piece of this.#pieces) {
      if (oldest === undefined || piece.timestampMicros < oldest) oldest = piece.timestampMicros;
    }
    this.#holeSince = oldest;
  }

  #finishIfComplete(): void {
    if (this.#finOffset !== undefined && this.#offset >= this.#finOffset) this.#finished = true;
  }

  #emitData(chunk: Buffer, timestampMicros: number): void {
    this.#flushPendingGap();
    this.#advance(chunk.length);
    this.#counters.deliveredBytes += chunk.length;
    this.#output.data(chunk, timestampMicros);
  }

  /** Gaps next to each other are reported as one, before the next data or at the end of the call. */
  #queueGap(byteCount: number, timestampMicros: number): void {
    if (byteCount <= 0) return;
    this.#advance(byteCount);
    this.#pendingGapBytes += byteCount;
    this.#pendingGapTime = timestampMicros;
  }

  #flushPendingGap(): void {
    if (this.#pendingGapBytes === 0) return;
    const byteCount = this.#pendingGapBytes;
    this.#pendingGapBytes = 0;
    this.#counters.gaps++;
    this.#counters.gapBytes += byteCount;
    this.#output.gap(byteCount, this.#pendingGapTime);
  }

  #advance(byteCount: number): void {
    this.#offset += byteCount;
    this.#nextSequence = sequenceAdd(this.#nextSequence, byteCount);
  }

  #retain(byteCount: number): void {
    this.#bufferedBytes += byteCount;
    this.#counters.bufferedBytes += byteCount;
  }

  #release(byteCount: number): void {
    this.#bufferedBytes -= byteCount;
    this.#counters.bufferedBytes -= byteCount;
  }
}
