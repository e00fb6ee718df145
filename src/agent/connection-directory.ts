// One entry per connection, in the spirit of kafka-sniffer's /client view: what each connection
// is, who is behind it and what it did. Closed connections stay until they have been idle long enough.

import { ApiKey } from '../protocol/api-keys.ts';
import type { ConnectionView, Exchange, Role, SnifferListener } from '../sniffer/events.ts';
import type { CloseReason } from '../tcp/connection.ts';
import type { ClientAddressBook } from './client-address-resolver.ts';
import { reportedRole, reportedRoleOf, type ReportedRole } from './client-role.ts';
import { noPodDirectory, podLabelsOf, type PodDirectory } from './pod-directory.ts';
import { acceptedRecords } from '../sniffer/produce-outcome.ts';

export interface ConnectionEntry {
  id: number;
  /** When the connection opened (or was first seen, for connections older than the capture). */
  start: string;
  /** ip:port as captured, and as the client really had it when an address translation is known. */
  client: string;
  originalClient: string | undefined;
  /** The host metrics are labelled with. */
  clientAddress: string;
  /** The Kubernetes pod with clientAddress and its namespace; empty when unknown or the mapping is off. */
  pod: string;
  namespace: string;
  broker: string;
  clientId: string | null;
  software: string | undefined;
  principal: string | undefined;
  role: ReportedRole;
  roles: ReportedRole[];
  requests: Record<string, number>;
  /** Bytes the client sent to the broker, and received from it. */
  bytesIn: number;
  bytesOut: number;
  recordsProduced: number;
  recordsFetched: number;
  /** Producers: the producer id and epoch the broker granted or the batches carry, and the transactional id. */
  producer?: { id: string; epoch: number; transactionalId?: string };
  /** Consumers: records left to read per topic and partition, as the last fetch response of each left them. */
  fetchLag: Record<string, Record<string, number>>;
  topics: string[];
  lastSeen: string;
  state: 'open' | 'closed';
  tls: boolean;
}

interface Tracked {
  readonly view: ConnectionView;
  readonly client: string;
  originalClient: string | undefined;
  clientAddress: string;
  readonly roles: Set<Role>;
  readonly requests: Map<string, number>;
  readonly topics: Set<string>;
  recordsProduced: number;
  recordsFetched: number;
  producer: { id: string; epoch: number; transactionalId?: string } | undefined;
  /** `topic \0 partition` -> records left to read. */
  readonly fetchLag: Map<string, number>;
  lastSeenMicros: number;
  closed: boolean;
  /** Wall-clock time of the last event, for expiry. */
  touchedMs: number;
}

export interface ConnectionFilter {
  role?: string;
  topic?: string;
  clientId?: string;
  clientAddress?: string;
  namespace?: string;
  pod?: string;
}

export const CONNECTION_FILTER_KEYS: Readonly<Record<string, keyof ConnectionFilter>> = {
  role: 'role',
  topic: 'topic',
  client_id: 'clientId',
  client_address: 'clientAddress',
  namespace: 'namespace',
  pod: 'pod',
};

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function isoFromMicros(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString();
}

export interface ConnectionDirectoryOptions {
  readonly addresses: ClientAddressBook;
  /** Closed connections kept at most (the oldest go first). */
  readonly maxClosed: number;
  /** Tells the pod of each client address; none by default. */
  readonly pods?: PodDirectory;
  readonly now?: () => number;
}

export class ConnectionDirectory implements SnifferListener {
  readonly #tracked = new Map<number, Tracked>();
  readonly #closed: number[] = [];
  readonly #topicNames = new Map<string, string>();
  readonly #options: ConnectionDirectoryOptions;
  readonly #now: () => number;

  constructor(options: ConnectionDirectoryOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  connectionOpened(connection: ConnectionView): void {
    this.#track(connection);
  }

  exchange(exchange: Exchange): void {
    const tracked = this.#track(exchange.connection);
    tracked.touchedMs = this.#now();
    tracked.lastSeenMicros = Math.max(tracked.lastSeenMicros, exchange.responseAtMicros ?? exchange.requestAtMicros);
    if (exchange.role !== undefined) tracked.roles.add(exchange.role);
    tracked.requests.set(exchange.apiName, (tracked.requests.get(exchange.apiName) ?? 0) + 1);
    for (const topic of exchange.topics) tracked.topics.add(topic.topic);
    if (exchange.apiKey === ApiKey.Produce) tracked.recordsProduced += acceptedRecords(exchange);
    this.#learnProducer(tracked, exchange);
    if (exchange.apiKey === ApiKey.Fetch && exchange.role === 'consumer') {
      tracked.recordsFetched += exchange.records;
      for (const { topic, partition, lag } of exchange.fetchLags) tracked.fetchLag.set(`${topic}\u0000${partition}`, lag);
    }
  }

  connectionClosed(connection: ConnectionView, _reason: CloseReason): void {
    const tracked = this.#track(connection);
    tracked.closed = true;
    tracked.touchedMs = this.#now();
    this.#options.addresses.forget(connection.id);
    this.#closed.push(connection.id);
    while (this.#closed.length > this.#options.maxClosed) this.#tracked.delete(this.#closed.shift()!);
  }

  topicResolved(topicId: string, name: string): void {
    this.#topicNames.set(topicId, name);
  }

  /** Forgets closed connections idle for `idleMs`. */
  expire(idleMs: number): void {
    const before = this.#now() - idleMs;
    let kept = 0;
    for (const id of this.#closed) {
      const tracked = this.#tracked.get(id);
      if (tracked !== undefined && tracked.touchedMs < before) this.#tracked.delete(id);
      else this.#closed[kept++] = id;
    }
    this.#closed.length = kept;
  }

  entries(filter: ConnectionFilter = {}): ConnectionEntry[] {
    const entries: ConnectionEntry[] = [];
    for (const tracked of this.#tracked.values()) {
      const entry = this.#entry(tracked);
      if (matches(entry, filter)) entries.push(entry);
    }
    return entries.sort((a, b) => a.start.localeCompare(b.start) || a.id - b.id);
  }

  #entry(tracked: Tracked): ConnectionEntry {
    const view = tracked.view;
    const { pod, namespace } = podLabelsOf(this.#options.pods ?? noPodDirectory, tracked.clientAddress);
    return {
      id: view.id,
      start: isoFromMicros(view.openedAtMicros),
      client: tracked.client,
      originalClient: tracked.originalClient,
      clientAddress: tracked.clientAddress,
      pod,
      namespace,
      broker: endpoint(view.broker.address, view.broker.port),
      clientId: view.clientId,
      software: view.software ? `${view.software.name} ${view.software.version}` : undefined,
      principal: view.sasl?.principal,
      role: reportedRole(tracked.roles),
      roles: [...new Set([...tracked.roles].map(reportedRoleOf))].sort(),
      requests: Object.fromEntries([...tracked.requests].sort(([a], [b]) => a.localeCompare(b))),
      bytesIn: view.stats.bytesFromClient,
      bytesOut: view.stats.bytesFromBroker,
      recordsProduced: tracked.recordsProduced,
      recordsFetched: tracked.recordsFetched,
      ...(tracked.producer ? { producer: tracked.producer } : {}),
      fetchLag: this.#fetchLagView(tracked.fetchLag),
      topics: [...new Set([...tracked.topics].map((topic) => this.#topicNames.get(topic) ?? topic))].sort(),
      lastSeen: isoFromMicros(tracked.lastSeenMicros),
      state: tracked.closed ? 'closed' : 'open',
      tls: view.tls,
    };
  }

  /** The producer identity: granted by InitProducerId, or carried by the batches of an idempotent producer. */
  #learnProducer(tracked: Tracked, exchange: Exchange): void {
    const { details } = exchange;
    const sequence = exchange.sequences[0];
    const granted = exchange.apiKey === ApiKey.InitProducerId && details.producerId !== undefined && details.producerEpoch !== undefined;
    if (!granted && sequence === undefined) return;
    const id = String(granted ? details.producerId : sequence!.producerId);
    const epoch = granted ? details.producerEpoch! : sequence!.producerEpoch;
    const transactionalId = details.transactionalId ?? tracked.producer?.transactionalId;
    tracked.producer = { id, epoch, ...(transactionalId ? { transactionalId } : {}) };
  }

  #fetchLagView(lags: ReadonlyMap<string, number>): Record<string, Record<string, number>> {
    const view: Record<string, Record<string, number>> = {};
    for (const [key, lag] of lags) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      const name = this.#topicNames.get(topic) ?? topic;
      (view[name] ??= {})[partition] = lag;
    }
    return view;
  }

  /** The original address may become known after the connection opened (conntrack is read in the background). */
  #track(connection: ConnectionView): Tracked {
    let tracked = this.#tracked.get(connection.id);
    if (tracked !== undefined) {
      if (tracked.originalClient === undefined && !tracked.closed) this.#resolveOriginal(tracked, connection);
      return tracked;
    }
    const original = this.#options.addresses.original(connection);
    tracked = {
      view: connection,
      client: endpoint(connection.client.address, connection.client.port),
      originalClient: original ? endpoint(original.ip, original.port) : undefined,
      clientAddress: original?.ip ?? connection.client.address,
      roles: new Set(),
      requests: new Map(),
      topics: new Set(),
      recordsProduced: 0,
      recordsFetched: 0,
      fetchLag: new Map(),
      producer: undefined,
      lastSeenMicros: connection.openedAtMicros,
      closed: false,
      touchedMs: this.#now(),
    };
    this.#tracked.set(connection.id, tracked);
    return tracked;
  }

  #resolveOriginal(tracked: Tracked, connection: ConnectionView): void {
    const original = this.#options.addresses.original(connection);
    if (!original) return;
    tracked.originalClient = endpoint(original.ip, original.port);
    tracked.clientAddress = original.ip;
  }
}

/** role matches the reported role or any role of a mixed client; the others match exactly. */
export function matches(entry: ConnectionEntry, filter: ConnectionFilter): boolean {
  if (filter.role !== undefined && entry.role !== filter.role && !entry.roles.includes(filter.role as ReportedRole)) return false;
  if (filter.topic !== undefined && !entry.topics.includes(filter.topic)) return false;
  if (filter.clientId !== undefined && entry.clientId !== filter.clientId) return false;
  if (
    filter.clientAddress !== undefined &&
    entry.clientAddress !== filter.clientAddress &&
    !entry.client.startsWith(`${filter.clientAddress}:`)
  )
    return false;
  if (filter.namespace !== undefined && entry.namespace !== filter.namespace) return false;
  if (filter.pod !== undefined && entry.pod !== filter.pod) return false;
  return true;
}
