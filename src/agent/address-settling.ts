import type { CloseReason } from '../tcp/connection.ts';
import type { ConnectionView, Exchange, SnifferListener } from '../sniffer/events.ts';
import type { ClientAddressBook } from './client-address-resolver.ts';
import { TimeSlicer } from '../util/time-slicer.ts';

export interface AddressSettlingOptions {
  readonly addresses: ClientAddressBook;
  /** How long a new connection's exchanges may wait for its original address (longer than a conntrack refresh). */
  readonly settleMs: number;
  /** Exchanges held at once, over all connections; beyond it the oldest connection is let through. */
  readonly maxHeld: number;
  readonly now?: () => number;
}

interface Held {
  readonly deadlineMs: number;
  /** Passed-on entries are cleared, so a long release frees them as it goes. */
  readonly exchanges: (Exchange | undefined)[];
  /** How many of `exchanges` were passed on since the connection was released. */
  passed: number;
}

/** Held exchanges passed on in one go before the event loop gets a turn. */
const RELEASE_SLICE_MS = 5;

/**
 * Sits in front of the client metrics when client addresses can be translated (NAT): a new
 * connection's exchanges wait until the resolver knows its original address (or knows it has no
 * translation), or until `settleMs` passed, so its first requests are not counted under the NAT
 * address. After that the connection's exchanges pass straight through. `release()` runs on every
 * publication. A busy connection can hold thousands of exchanges by then: they are passed on in slices
 * of a few milliseconds, in order, with the exchanges that arrive meanwhile queued behind them.
 */
export class AddressSettling implements SnifferListener {
  readonly #next: SnifferListener;
  readonly #options: AddressSettlingOptions;
  readonly #now: () => number;
  readonly #held = new Map<number, Held>();
  readonly #settled = new Set<number>();
  /** Released connections whose held exchanges are still being passed on. */
  readonly #releasing = new Set<number>();
  #heldCount = 0;
  #draining = false;

  constructor(next: SnifferListener, options: AddressSettlingOptions) {
    this.#next = next;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get heldExchanges(): number {
    return this.#heldCount;
  }

  connectionOpened(connection: ConnectionView): void {
    this.#next.connectionOpened?.(connection);
  }

  exchange(exchange: Exchange): void {
    const id = exchange.connection.id;
    const held = this.#held.get(id);
    if (held) {
      held.exchanges.push(exchange);
      this.#heldCount++;
      if (!this.#releasing.has(id) && this.#options.addresses.settled(exchange.connection)) this.#release(id);
      else this.#keepWithinBound();
      return;
    }
    if (this.#settled.has(id) || this.#options.addresses.settled(exchange.connection)) {
      this.#next.exchange?.(exchange);
      return;
    }
    this.#held.set(id, { deadlineMs: this.#now() + this.#options.settleMs, exchanges: [exchange], passed: 0 });
    this.#heldCount++;
    this.#keepWithinBound();
  }

  connectionClosed(connection: ConnectionView, reason: CloseReason): void {
    this.#flush(connection.id);
    this.#settled.delete(connection.id);
    this.#next.connectionClosed?.(connection, reason);
  }

  topicResolved(topicId: string, name: string): void {
    this.#next.topicResolved?.(topicId, name);
  }

  /** Lets through the connections whose address became known or whose time is up. */
  release(): void {
    const now = this.#now();
    for (const [id, held] of this.#held) {
      if (this.#releasing.has(id)) continue;
      const connection = held.exchanges[0]!.connection;
      if (held.deadlineMs <= now || this.#options.addresses.settled(connection)) this.#release(id);
    }
  }

  #release(id: number): void {
    this.#settled.add(id);
    this.#releasing.add(id);
    if (!this.#draining) void this.#drain();
  }

  /**
   * Passes the held exchanges of released connections on, in order, the first slice at once and the rest
   * with a turn of the event loop every RELEASE_SLICE_MS.
   */
  async #drain(): Promise<void> {
    this.#draining = true;
    const slicer = new TimeSlicer(RELEASE_SLICE_MS);
    for (const id of this.#releasing) {
      const held = this.#held.get(id)!;
      while (held.passed < held.exchanges.length) {
        if (slicer.spent) await slicer.turn();
        else this.#passNext(held);
      }
      this.#held.delete(id);
      this.#releasing.delete(id);
    }
    this.#draining = false;
  }

  #passNext(held: Held): void {
    const exchange = held.exchanges[held.passed]!;
    held.exchanges[held.passed++] = undefined;
    this.#heldCount--;
    this.#next.exchange?.(exchange);
  }

  #keepWithinBound(): void {
    if (this.#heldCount > this.#options.maxHeld) this.#flush(this.#held.keys().next().value!);
  }

  /** Passes on everything the connection holds, at once. */
  #flush(id: number): void {
    const held = this.#held.get(id);
    this.#settled.add(id);
    if (!held) return;
    this.#held.delete(id);
    this.#releasing.delete(id);
    while (held.passed < held.exchanges.length) this.#passNext(held);
  }
}
