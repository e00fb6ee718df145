/**
 * FIFO of input chunks that hands out contiguous views without copying when a
 * record lies inside one chunk, and merges chunks only when a record spans them.
 * Chunks must not be mutated after being pushed: views handed out share their memory.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  #head = 0;
  #headOffset = 0;
  #available = 0;
  #consumed = 0;
  /** Chunks before this index are private (detach looked at them). */
  #checkedUpTo = 0;
  /** Memory this queue allocated itself (merges, detached copies), as opposed to pushed chunks. */
  readonly #private = new WeakSet<ArrayBufferLike>();

  /** Bytes pushed but not yet consumed. */
  get available(): number {
    return this.#available;
  }

  /** Absolute position (from the start of the input) of the next unconsumed byte. */
  get offset(): number {
    return this.#consumed;
  }

  /**
   * Replaces the unconsumed bytes by `chunk`, which must begin with a copy of them (`carried` bytes):
   * a reader that reuses its buffers moves a record cut by a chunk's end to the start of the next chunk.
   */
  replaceUnconsumed(chunk: Buffer, carried: number): void {
    if (carried !== this.#available) throw new Error(`${carried} bytes carried over where ${this.#available} are unconsumed`);
    this.#chunks = chunk.length === 0 ? [] : [chunk];
    this.#head = 0;
    this.#headOffset = 0;
    this.#checkedUpTo = 0;
    this.#available = chunk.length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#available += chunk.length;
  }

  /**
   * The chunk holding the next unconsumed byte, and where in it that byte is: lets a parser read a
   * record lying inside one chunk without making views of it first. Undefined when nothing is queued.
   */
  get headChunk(): Buffer | undefined {
    return this.#available === 0 ? undefined : this.#chunks[this.#head];
  }

  get headChunkOffset(): number {
    return this.#headOffset;
  }

  /** The next `length` bytes as one contiguous view, or undefined if fewer are available. */
  peek(length: number): Buffer | undefined {
    if (length > this.#available) return undefined;
    if (length === 0) return Buffer.alloc(0);
    const first = this.#chunks[this.#head]!;
    const start = this.#headOffset;
    if (first.length - start >= length) return first.subarray(start, start + length);
    return this.#mergeFront(length);
  }

  /**
   * Replaces the queued bytes of pushed chunks by private copies, so that the chunks pushed so far are
   * no longer referenced and the caller may reuse their memory. Only the chunks pushed since the last
   * call are looked at, so detaching after every push stays linear however small the chunks.
   */
  detach(): void {
    for (let index = Math.max(this.#head, this.#checkedUpTo); index < this.#chunks.length; index++) {
      let chunk = this.#chunks[index]!;
      if (this.#private.has(chunk.buffer)) continue;
      if (index === this.#head && this.#headOffset > 0) {
        chunk = chunk.subarray(this.#headOffset);
        this.#headOffset = 0;
      }
      this.#chunks[index] = this.#privateCopy(chunk);
    }
    this.#checkedUpTo = this.#chunks.length;
  }

  /** A copy in memory of its own: Node's shared pool backs small Buffers, which would make a pushed chunk look private. */
  #privateCopy(chunk: Buffer): Buffer {
    const copy = Buffer.allocUnsafeSlow(chunk.length);
    chunk.copy(copy);
    this.#private.add(copy.buffer);
    return copy;
  }

  /** Drops `length` bytes (at most what is available); returns how many were dropped. */
  skip(length: number): number {
    let remaining = Math.min(length, this.#available);
    const skipped = remaining;
    while (remaining > 0) {
      const first = this.#chunks[this.#head]!;
      const left = first.length - this.#headOffset;
      if (left > remaining) {
        this.#headOffset += remaining;
        break;
      }
      remaining -= left;
      this.#dropHeadChunk();
    }
    this.#available -= skipped;
    this.#consumed += skipped;
    return skipped;
  }

  #dropHeadChunk(): void {
    this.#chunks[this.#head] = EMPTY;
    this.#head++;
    this.#headOffset = 0;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
      this.#checkedUpTo = 0;
    } else if (this.#head >= 64 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#checkedUpTo = Math.max(0, this.#checkedUpTo - this.#head);
      this.#head = 0;
    }
  }

  /** Replaces the front chunks with one merged buffer of exactly `length` bytes. */
  #mergeFront(length: number): Buffer {
    const merged = Buffer.allocUnsafeSlow(length);
    this.#private.add(merged.buffer);
    let written = 0;
    let index = this.#head;
    let start = this.#headOffset;
    let remainder: Buffer | undefined;
    while (written < length) {
      const chunk = this.#chunks[index]!;
      const take = Math.min(chunk.length - start, length - written);
      chunk.copy(merged, written, start, start + take);
      written += take;
      if (start + take < chunk.length) remainder = chunk.subarray(start + take);
      index++;
      start = 0;
    }
    const rest = this.#chunks.slice(index);
    this.#chunks = remainder === undefined ? [merged, ...rest] : [merged, remainder, ...rest];
    // The remainder shares its chunk's memory, so it is private exactly when that chunk was checked.
    this.#checkedUpTo = Math.max(1, this.#checkedUpTo - index + (remainder === undefined ? 1 : 2));
    this.#head = 0;
    this.#headOffset = 0;
    return merged;
  }
}

const EMPTY = Buffer.alloc(0);
