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

  /** Bytes pushed but not yet consumed. */
  get available(): number {
    return this.#available;
  }

  /** Absolute position (from the start of the input) of the next unconsumed byte. */
  get offset(): number {
    return this.#consumed;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#available += chunk.length;
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
    } else if (this.#head >= 64 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Replaces the front chunks with one merged buffer of exactly `length` bytes. */
  #mergeFront(length: number): Buffer {
    const merged = Buffer.allocUnsafe(length);
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
    this.#head = 0;
    this.#headOffset = 0;
    return merged;
  }
}

const EMPTY = Buffer.alloc(0);
