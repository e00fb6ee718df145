import type { CloseReason } from '../tcp/connection.ts';
import type { ConnectionView, Exchange, SnifferListener } from '../sniffer/events.ts';
import type { ClientAddressBook } from './client-address-resolver.ts';

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
  readonly exchanges: Exchange[];
}

/**
 * Sits in front of the client metrics when client addresses can be translated (NAT): a new
 * connection's exchanges wait until the resolver knows its original address (or knows it has no
 * translation), or until `settleMs` passed, so its first requests are not counted under the NAT
 * address. After that the connection's exchanges pass straight through. `release()` runs on every publication.
 */
export class AddressSettling implements SnifferListener {
  readonly #next: SnifferListener;
  readonly #options: AddressSettlingOptions;
  readonly #now: () => number;
  readonly #held = new Map<number, Held>();
  readonly #settled = new Set<number>();
  #heldCount = 0;

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
    if (this.#settled.has(id) || this.#options.addresses.settled(exchange.connection)) {
      this.#pass(id, exchange);
      return;
    }
    let held = this.#held.get(id);
    if (!held) this.#held.set(id, (held = { deadlineMs: this.#now() + this.#options.settleMs, exchanges: [] }));
    held.exchanges.push(exchange);
    this.#heldCount++;
    if (this.#heldCount > this.#options.maxHeld) this.#flush(this.#held.keys().next().value!);
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
      const connection = held.exchanges[0]!.connection;
      if (held.deadlineMs <= now || this.#options.addresses.settled(connection)) this.#flush(id);
    }
  }

  #pass(id: number, exchange: Exchange): void {
    if (this.#held.has(id)) this.#flush(id);
    this.#next.exchange?.(exchange);
  }

  #flush(id: number): void {
    const held = this.#held.get(id);
    this.#settled.add(id);
    if (!held) return;
    this.#held.delete(id);
    this.#heldCount -= held.exchanges.length;
    for (const exchange of held.exchanges) this.#next.exchange?.(exchange);
  }
}
