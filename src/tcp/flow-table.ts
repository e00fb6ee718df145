import type { TcpSegment } from '../capture/tcp-segment.ts';

/** The same key for both directions of a 5-tuple (the protocol is always TCP here). */
export function flowKey(segment: TcpSegment): string {
  const { sourceAddress, sourcePort, destinationAddress, destinationPort } = segment;
  const sourceFirst = sourceAddress < destinationAddress || (sourceAddress === destinationAddress && sourcePort < destinationPort);
  return sourceFirst
    ? `${sourceAddress}|${sourcePort}|${destinationAddress}|${destinationPort}`
    : `${destinationAddress}|${destinationPort}|${sourceAddress}|${sourcePort}`;
}

/**
 * A map bounded to `capacity` entries that keeps them in least-recently-used order:
 * touch() moves an entry to the back, and a full table gives up its front entry.
 */
export class FlowTable<V> {
  readonly capacity: number;
  readonly #entries = new Map<string, V>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`flow table capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /** Marks the entry as just used. */
  touch(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
  }

  /** Adds or replaces an entry; when that overflows the table, returns the least recently used entry, now removed. */
  set(key: string, value: V): [string, V] | undefined {
    this.#entries.delete(key);
    let evicted: [string, V] | undefined;
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.entries().next().value;
      if (oldest !== undefined) {
        this.#entries.delete(oldest[0]);
        evicted = oldest;
      }
    }
    this.#entries.set(key, value);
    return evicted;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Least recently used first. Safe to delete the current entry while iterating. */
  entries(): IterableIterator<[string, V]> {
    return this.#entries.entries();
  }

  clear(): void {
    this.#entries.clear();
  }
}
