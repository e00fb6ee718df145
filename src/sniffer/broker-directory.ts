import type { Endpoint, Side } from '../tcp/connection.ts';

export type BrokerSideEvidence = 'broker-port' | 'known-broker';

/**
 * Which end of a connection is the broker: the end on a configured broker port (any listener), or an
 * endpoint already seen answering Kafka requests or named in Metadata responses. Learned endpoints
 * are bounded; the oldest is forgotten first.
 */
export class BrokerDirectory {
  readonly #ports: ReadonlySet<number>;
  readonly #learned = new Set<string>();
  /** Broker ids by endpoint, as Metadata and FindCoordinator responses name them. */
  readonly #ids = new Map<string, number>();
  readonly #maxLearned: number;

  readonly #onIdentified: ((broker: Endpoint, brokerId: number) => void) | undefined;

  /** onIdentified hears of each endpoint whose broker id a response names (again when the id changes). */
  constructor(brokerPorts: readonly number[] = [], maxLearned = 4096, onIdentified?: (broker: Endpoint, brokerId: number) => void) {
    this.#ports = new Set(brokerPorts);
    this.#maxLearned = maxLearned;
    this.#onIdentified = onIdentified;
  }

  /** The broker side of a connection between `client` and `server` (the reassembler's guess), if known. */
  brokerSide(client: Endpoint, server: Endpoint): { side: Side; evidence: BrokerSideEvidence } | undefined {
    const byPort = pick(this.#ports.has(client.port), this.#ports.has(server.port));
    if (byPort) return { side: byPort, evidence: 'broker-port' };
    const byLearning = pick(this.#learned.has(endpointKey(client)), this.#learned.has(endpointKey(server)));
    if (byLearning) return { side: byLearning, evidence: 'known-broker' };
    return undefined;
  }

  learn(broker: Endpoint, brokerId?: number): void {
    const id = endpointKey(broker);
    if (brokerId !== undefined && brokerId >= 0 && this.#ids.get(id) !== brokerId) {
      this.#ids.set(id, brokerId);
      this.#onIdentified?.(broker, brokerId);
    }
    if (this.#learned.has(id)) return;
    if (this.#learned.size >= this.#maxLearned) {
      const oldest = this.#learned.values().next().value;
      if (oldest !== undefined) {
        this.#learned.delete(oldest);
        this.#ids.delete(oldest);
      }
    }
    this.#learned.add(id);
  }
}

function pick(clientMatches: boolean, serverMatches: boolean): Side | undefined {
  if (clientMatches === serverMatches) return undefined;
  return clientMatches ? 'client' : 'server';
}

/** An endpoint as a map key. */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.address}|${endpoint.port}`;
}
