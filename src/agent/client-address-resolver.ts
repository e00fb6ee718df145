import { noClientAddressResolver, type AddressPort, type ClientAddressResolver } from '../nat/client-address-resolver.ts';
import type { Endpoint } from '../tcp/connection.ts';

export type { AddressPort, ClientAddressResolver };

interface ConnectionEnds {
  readonly id: number;
  readonly client: Endpoint;
  readonly broker: Endpoint;
}

/** The client and broker ends as the resolver takes them. */
function addressPorts(connection: ConnectionEnds): [client: AddressPort, broker: AddressPort] {
  return [
    { ip: connection.client.address, port: connection.client.port },
    { ip: connection.broker.address, port: connection.broker.port },
  ];
}

/**
 * Remembers, per live connection, the client's original address once the resolver knows it. A
 * resolver may learn a new connection's translation only later (conntrack is read in the
 * background), so an unknown answer is asked again next time.
 */
export class ClientAddressBook {
  readonly #resolver: ClientAddressResolver;
  readonly #originals = new Map<number, AddressPort>();

  constructor(resolver: ClientAddressResolver = noClientAddressResolver) {
    this.#resolver = resolver;
  }

  /** The client's original address when a translation is known. */
  original(connection: ConnectionEnds): AddressPort | undefined {
    const known = this.#originals.get(connection.id);
    if (known) return known;
    const original = this.#resolver.originalClient(...addressPorts(connection));
    if (original) this.#originals.set(connection.id, original);
    return original;
  }

  /** Whether the connection's original address is settled: translated, or known to have no translation. */
  settled(connection: ConnectionEnds): boolean {
    if (this.original(connection) !== undefined) return true;
    return this.#resolver.knows?.(...addressPorts(connection)) ?? false;
  }

  /** The host metrics are labelled with: the original client's when known, else the captured one. */
  host(connection: ConnectionEnds): string {
    return this.original(connection)?.ip ?? connection.client.address;
  }

  forget(connectionId: number): void {
    this.#originals.delete(connectionId);
  }
}
