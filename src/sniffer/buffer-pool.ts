/**
 * Reusable buffers for frames assembled from several segments. A frame is handed on synchronously and
 * not kept, so its buffer can serve the next frame: large fetch responses then cost no fresh
 * allocation each (and no garbage for the collector to find). Buffers come in power-of-two sizes
 * from MIN_POOLED_BYTES (4 KiB) up; at most `maxPooledBytes` wait in the pool.
 */
export class BufferPool {
  readonly #free = new Map<number, Buffer[]>();
  readonly #maxPooledBytes: number;
  #pooledBytes = 0;

  constructor(maxPooledBytes = 32 * 1024 * 1024) {
    this.#maxPooledBytes = maxPooledBytes;
  }

  /** A buffer of exactly `size` bytes (a view of a pooled one when large enough to be worth it). */
  take(size: number): Buffer {
    if (size < MIN_POOLED_BYTES) return Buffer.allocUnsafe(size);
    const capacity = sizeClass(size);
    const pooled = this.#free.get(capacity)?.pop();
    if (pooled === undefined) return Buffer.allocUnsafe(capacity).subarray(0, size);
    this.#pooledBytes -= capacity;
    return pooled.subarray(0, size);
  }

  /** Takes back a buffer from take() once nothing refers to it any more. */
  give(buffer: Buffer): void {
    const capacity = buffer.buffer.byteLength;
    if (buffer.length < MIN_POOLED_BYTES || capacity !== sizeClass(capacity) || buffer.byteOffset !== 0) return;
    if (this.#pooledBytes + capacity > this.#maxPooledBytes) return;
    let list = this.#free.get(capacity);
    if (list === undefined) this.#free.set(capacity, (list = []));
    list.push(Buffer.from(buffer.buffer, 0, capacity));
    this.#pooledBytes += capacity;
  }
}

/**
 * From here up a buffer gets its own ArrayBuffer (smaller ones come from Node's shared pool), whose
 * fresh allocation costs pages to fault in and external memory for the collector: Produce requests of
 * a few tens of KB spanning segments are the common case, so they are pooled too.
 */
const MIN_POOLED_BYTES = 4 * 1024;

function sizeClass(size: number): number {
  return 2 ** Math.ceil(Math.log2(size));
}
