// Per-client totals (client address + client id) built from the sniffer's events: what
// `kafka-sonar replay --summary` prints, and what a JSON view of clients can show.

import { ApiKey } from '../protocol/api-keys.ts';
import type { CloseReason } from '../tcp/connection.ts';
import type { ConnectionView, Exchange, Role, SnifferListener } from './events.ts';
import { acceptedRecords } from './produce-outcome.ts';

export interface ClientSummaryRow {
  clientAddress: string;
  /** null when the client sent none; "(tls)" for connections that could not be read. */
  clientId: string | null;
  software: string | undefined;
  principal: string | undefined;
  roles: Role[];
  connections: number;
  requests: number;
  /** Bytes the client sent to brokers, and received from them (frames, size prefixes included). */
  bytesIn: number;
  bytesOut: number;
  recordsProduced: number;
  recordsFetched: number;
  /** Topic names (ids where the name never became known), sorted. */
  topics: string[];
}

interface Row {
  clientAddress: string;
  clientId: string | null;
  software: string | undefined;
  principal: string | undefined;
  roles: Set<Role>;
  connectionIds: Set<number>;
  requests: number;
  bytesIn: number;
  bytesOut: number;
  recordsProduced: number;
  recordsFetched: number;
  /** Topic names, or ids of topics not resolved when seen. */
  topics: Set<string>;
}

export const TLS_CLIENT_ID = '(tls)';

/** Aggregates exchanges per client; bounded to `maxClients` rows (further clients are counted, not kept). */
export class ClientSummary implements SnifferListener {
  readonly #rows = new Map<string, Row>();
  readonly #topicNames = new Map<string, string>();
  readonly #maxClients: number;
  #dropped = 0;

  constructor(maxClients = 10_000) {
    this.#maxClients = maxClients;
  }

  /** Exchanges (and TLS connections) of clients left out because the table was full. */
  get dropped(): number {
    return this.#dropped;
  }

  exchange(exchange: Exchange): void {
    const connection = exchange.connection;
    const row = this.#row(connection.client.address, exchange.clientId);
    if (row === undefined) return;
    this.#describe(row, connection);
    row.requests++;
    row.bytesIn += exchange.requestBytes;
    row.bytesOut += exchange.responseBytes ?? 0;
    if (exchange.role !== undefined) row.roles.add(exchange.role);
    if (exchange.apiKey === ApiKey.Produce) row.recordsProduced += acceptedRecords(exchange);
    if (exchange.apiKey === ApiKey.Fetch && exchange.role === 'consumer') row.recordsFetched += exchange.records;
    for (const topic of exchange.topics) row.topics.add(topic.resolved || topic.topicId === undefined ? topic.topic : topic.topicId);
  }

  connectionClosed(connection: ConnectionView, _reason: CloseReason): void {
    if (!connection.tls) return;
    const row = this.#row(connection.client.address, TLS_CLIENT_ID);
    if (row === undefined) return;
    row.connectionIds.add(connection.id);
    row.bytesIn += connection.stats.bytesFromClient;
    row.bytesOut += connection.stats.bytesFromBroker;
  }

  topicResolved(topicId: string, name: string): void {
    this.#topicNames.set(topicId, name);
  }

  /** The rows, by client address then client id. */
  rows(): ClientSummaryRow[] {
    return [...this.#rows.values()]
      .map((row) => ({
        clientAddress: row.clientAddress,
        clientId: row.clientId,
        software: row.software,
        principal: row.principal,
        roles: [...row.roles].sort(),
        connections: row.connectionIds.size,
        requests: row.requests,
        bytesIn: row.bytesIn,
        bytesOut: row.bytesOut,
        recordsProduced: row.recordsProduced,
        recordsFetched: row.recordsFetched,
        topics: [...new Set([...row.topics].map((topic) => this.#topicNames.get(topic) ?? topic))].sort(),
      }))
      .sort((a, b) => compareText(a.clientAddress, b.clientAddress) || compareText(a.clientId ?? '', b.clientId ?? ''));
  }

  #row(clientAddress: string, clientId: string | null): Row | undefined {
    const key = `${clientAddress}\u0000${clientId ?? ''}`;
    let row = this.#rows.get(key);
    if (row !== undefined) return row;
    if (this.#rows.size >= this.#maxClients) {
      this.#dropped++;
      return undefined;
    }
    row = {
      clientAddress,
      clientId,
      software: undefined,
      principal: undefined,
      roles: new Set(),
      connectionIds: new Set(),
      requests: 0,
      bytesIn: 0,
      bytesOut: 0,
      recordsProduced: 0,
      recordsFetched: 0,
      topics: new Set(),
    };
    this.#rows.set(key, row);
    return row;
  }

  #describe(row: Row, connection: ConnectionView): void {
    row.connectionIds.add(connection.id);
    if (connection.software) row.software = `${connection.software.name} ${connection.software.version}`;
    if (connection.sasl?.principal !== undefined) row.principal = connection.sasl.principal;
  }
}

/** Code-unit order: the same on every machine, and no collator to load (localeCompare's first call costs a CLI 12 ms). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
