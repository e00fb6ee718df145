// Per-client totals (client host + client id) fed by the sniffer's events, published as the
// kafka_client_* series. Bounded: at most `maxClients` clients, idle ones forgotten; when the table is
// full, the least recently active client makes room for a new one if it has been silent long enough.

import { clientMetrics, collectionMetrics, snifferMetrics } from '../metrics/catalogue/index.ts';
import { HistogramAccumulator } from '../metrics/definition.ts';
import { Snapshot } from '../metrics/series-store.ts';
import { ApiKey } from '../protocol/api-keys.ts';
import { errorCodeName } from '../protocol/error-codes.ts';
import type { ClientSoftware, ConnectionView, Exchange, Role, SnifferListener } from '../sniffer/events.ts';
import { endpointKey } from '../sniffer/broker-directory.ts';
import { acceptedByTopic } from '../sniffer/produce-outcome.ts';
import type { CloseReason, Endpoint } from '../tcp/connection.ts';
import type { ClientAddressBook } from './client-address-resolver.ts';
import { reportedRole, type ReportedRole } from './client-role.ts';
import { PendingTransactions, type SettledRecords } from './pending-transactions.ts';
import { ProducerSequences } from './producer-sequences.ts';
import { noPodDirectory, podLabelsOf, type PodDirectory } from './pod-directory.ts';

interface TopicCounters {
  bytes: number;
  records: number;
  batches: number;
}

interface ClientState {
  readonly host: string;
  readonly clientId: string;
  software: ClientSoftware | undefined;
  principal: string | undefined;
  readonly roles: Set<Role>;
  lastSeenMs: number;
  readonly openConnections: Set<number>;
  /** Keyed by `api \0 outcome`. */
  readonly requests: Map<string, number>;
  readonly requestBytes: Map<string, number>;
  readonly responseBytes: Map<string, number>;
  /** Per API: throttled responses and the milliseconds of throttling they announced. */
  readonly throttled: Map<string, { requests: number; ms: number }>;
  readonly latency: Map<string, HistogramAccumulator>;
  fetchLatency: HistogramAccumulator | undefined;
  /** Keyed by topic name, or by topic id until its name is known. */
  readonly produced: Map<string, TopicCounters>;
  /** Topic -> batches an idempotent producer sent again (a sequence already seen), and sequences skipped. */
  readonly retriedBatches: Map<string, number>;
  readonly sequenceGaps: Map<string, number>;
  /** Topic -> records of transactions that were aborted. */
  readonly produceAborted: Map<string, number>;
  /** Records the broker did not take, keyed by `topic \0 error`. */
  readonly produceFailed: Map<string, number>;
  readonly fetched: Map<string, TopicCounters>;
  /** Topic -> fetched records of aborted transactions. */
  readonly fetchAborted: Map<string, number>;
  /** `topic \0 partition` -> records left to read, and when the fetch response said so. */
  readonly fetchLag: Map<string, { lag: number; atMs: number }>;
  readonly replicated: Map<string, TopicCounters>;
}

export interface ClientMetricsOptions {
  readonly addresses: ClientAddressBook;
  readonly maxClients: number;
  /** Series budget of the published snapshots. */
  readonly maxSeries: number;
  /** Labels kafka_client_info with the pod of the client's address; none by default. */
  readonly pods?: PodDirectory;
  readonly now?: () => number;
}

/** Who writes to and reads from one topic. */
export interface TopicClient {
  clientAddress: string;
  clientId: string;
  role: ReportedRole;
  records: number;
  bytes: number;
}

export interface TopicClients {
  topic: string;
  producers: TopicClient[];
  consumers: TopicClient[];
  followers: TopicClient[];
}

function outcomeOf(exchange: Exchange): string {
  if (exchange.outcome === 'no-response') return 'NO_RESPONSE';
  if (exchange.outcome === 'unanswered') return 'UNANSWERED';
  return errorCodeName(exchange.errorCode);
}

function increment<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function addTopic(map: Map<string, TopicCounters>, topic: string, bytes: number, records: number, batches: number): void {
  let counters = map.get(topic);
  if (counters === undefined) map.set(topic, (counters = { bytes: 0, records: 0, batches: 0 }));
  counters.bytes += bytes;
  counters.records += records;
  counters.batches += batches;
}

/** A transaction whose EndTxn is not seen within Kafka's largest default transaction timeout (15 minutes) counts as produced. */
const TRANSACTION_UNRESOLVED_MS = 15 * 60_000;
const MAX_PENDING_TRANSACTIONS = 10_000;
const MAX_PRODUCER_PARTITIONS = 100_000;
/** With the table full, a client silent this long makes room for a new one; a more recent one does not (the newcomer is dropped). */
export const EVICTABLE_AFTER_MS = 60_000;
/** The table's order by activity is kept to this resolution, so that busy clients are not moved on every request. */
const ORDER_RESOLUTION_MS = 1000;

const clientKey = (client: { readonly host: string; readonly clientId: string }): string => `${client.host}\u0000${client.clientId}`;

/** A partition whose last fetch response is older than this is no longer read by that client. */
const FETCH_LAG_FRESH_MS = 120_000;

export class ClientMetrics implements SnifferListener {
  readonly #clients = new Map<string, ClientState>();
  /** Open connection id -> client key, to count connections and close them. */
  readonly #connectionClients = new Map<number, string>();
  readonly #topicNames = new Map<string, string>();
  readonly #options: ClientMetricsOptions;
  readonly #now: () => number;
  readonly #pods: PodDirectory;
  readonly #transactions = new PendingTransactions(MAX_PENDING_TRANSACTIONS);
  readonly #sequences = new ProducerSequences(MAX_PRODUCER_PARTITIONS);
  /** Broker endpoint key -> the name the broker label gives it: its id once known, address:port until then. */
  readonly #brokerNames = new Map<string, string>();
  #unresolvedTransactions = 0;
  #dropped = 0;
  #evicted = 0;

  constructor(options: ClientMetricsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#pods = options.pods ?? noPodDirectory;
  }

  /** Requests of clients left out because the table was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Clients forgotten to make room for new ones. */
  get evicted(): number {
    return this.#evicted;
  }

  get size(): number {
    return this.#clients.size;
  }

  exchange(exchange: Exchange): void {
    const connection = exchange.connection;
    const client = this.#client(this.#options.addresses.host(connection), exchange.clientId ?? '');
    if (client === undefined) return;
    this.#touch(client);
    this.#attach(client, connection);
    if (exchange.role !== undefined) client.roles.add(exchange.role);
    const api = exchange.apiName;
    const broker = this.#brokerKey(connection.broker);
    increment(client.requests, `${api}\u0000${outcomeOf(exchange)}\u0000${broker}`);
    increment(client.requestBytes, `${api}\u0000${broker}`, exchange.requestBytes);
    if (exchange.responseBytes !== undefined) increment(client.responseBytes, `${api}\u0000${broker}`, exchange.responseBytes);
    if (exchange.throttleMs !== undefined) {
      const throttled = client.throttled.get(api) ?? { requests: 0, ms: 0 };
      throttled.requests++;
      throttled.ms += exchange.throttleMs;
      client.throttled.set(api, throttled);
    }
    if (exchange.latencyMs !== undefined) this.#latency(client, exchange.apiKey, api).observe(exchange.latencyMs / 1000);
    if (exchange.apiKey === ApiKey.Produce) this.#produce(client, exchange);
    else if (exchange.apiKey === ApiKey.EndTxn) this.#endTransaction(exchange);
    else if (exchange.apiKey === ApiKey.Fetch) this.#fetch(client, exchange);
  }

  /** Records the broker took (a transaction's held until its EndTxn), refused, and the producer's sequences. */
  #produce(client: ClientState, exchange: Exchange): void {
    const producerId = exchange.details.transactional ? exchange.details.producerId : undefined;
    for (const [topic, count] of acceptedByTopic(exchange)) {
      if (producerId === undefined || exchange.outcome !== 'answered') {
        addTopic(client.produced, topic, count.bytes, count.records, count.batches);
        continue;
      }
      const entry = { clientKey: clientKey(client), topic, held: count, atMicros: exchange.requestAtMicros };
      this.#settle(this.#transactions.hold(BigInt(producerId), entry, this.#now()));
    }
    for (const sequence of exchange.sequences) {
      const outcome = this.#sequences.observe(sequence);
      if (outcome === 'retry') increment(client.retriedBatches, sequence.topic);
      else if (outcome === 'gap') increment(client.sequenceGaps, sequence.topic);
    }
    for (const entry of exchange.rejected) {
      if (entry.records > 0) increment(client.produceFailed, `${entry.topic}\u0000${entry.error}`, entry.records);
    }
  }

  #endTransaction(exchange: Exchange): void {
    const { producerId, transactionCommitted } = exchange.details;
    if (exchange.outcome !== 'answered' || exchange.errorCode !== 0 || producerId === undefined) return;
    this.#settle(this.#transactions.end(BigInt(producerId), exchange.requestAtMicros, transactionCommitted !== false, this.#now()));
  }

  /** Consumers' records (aborted ones apart) and what they have left to read; followers' replication. */
  #fetch(client: ClientState, exchange: Exchange): void {
    if (exchange.role !== 'consumer' && exchange.role !== 'follower') return;
    const into = exchange.role === 'consumer' ? client.fetched : client.replicated;
    for (const topic of exchange.topics) {
      if (topic.records > 0 || topic.bytes > 0) addTopic(into, topic.topic, topic.bytes, topic.records, topic.batches);
    }
    if (exchange.role !== 'consumer') return;
    for (const { topic, records } of exchange.aborted) increment(client.fetchAborted, topic, records);
    const atMs = this.#now();
    for (const { topic, partition, lag } of exchange.fetchLags) client.fetchLag.set(`${topic}\u0000${partition}`, { lag, atMs });
  }

  connectionClosed(connection: ConnectionView, _reason: CloseReason): void {
    const key = this.#connectionClients.get(connection.id);
    this.#connectionClients.delete(connection.id);
    if (key === undefined) return;
    const client = this.#clients.get(key);
    if (client === undefined) return;
    client.openConnections.delete(connection.id);
    this.#touch(client);
  }

  topicResolved(topicId: string, name: string): void {
    this.#topicNames.set(topicId, name);
  }

  /** A broker endpoint's key in the request counters, named at each publication (its id may be learned later). */
  #brokerKey(broker: Endpoint): string {
    const key = endpointKey(broker);
    if (!this.#brokerNames.has(key)) {
      this.#brokerNames.set(key, broker.address.includes(':') ? `[${broker.address}]:${broker.port}` : `${broker.address}:${broker.port}`);
    }
    return key;
  }

  brokerIdentified(broker: Endpoint, brokerId: number): void {
    this.#brokerNames.set(endpointKey(broker), String(brokerId));
  }

  /** Counters keyed by `... \0 broker endpoint key` re-keyed by the broker's name, merging listeners of one broker. */
  #byBrokerName(counters: ReadonlyMap<string, number>): Map<string, number> {
    const named = new Map<string, number>();
    for (const [key, count] of counters) {
      const split = key.lastIndexOf('\u0000');
      const name = this.#brokerNames.get(key.slice(split + 1)) ?? key.slice(split + 1);
      increment(named, `${key.slice(0, split)}\u0000${name}`, count);
    }
    return named;
  }

  /** Counts settled transactional records as produced (committed, or given up) or aborted. */
  #settle(settled: readonly SettledRecords[]): void {
    for (const { clientKey: key, topic, held, committed } of settled) {
      const client = this.#clients.get(key);
      if (client === undefined) continue;
      if (committed) addTopic(client.produced, topic, held.bytes, held.records, held.batches);
      else increment(client.produceAborted, topic, held.records);
    }
  }

  /** Records whose EndTxn was not seen within TRANSACTION_UNRESOLVED_MS count as produced. */
  #settleUnresolved(): void {
    const unresolved = this.#transactions.expire(this.#now() - TRANSACTION_UNRESOLVED_MS);
    this.#unresolvedTransactions += unresolved.length;
    this.#settle(unresolved);
  }

  /** Forgets clients that sent nothing for `idleMs`; returns how many. */
  expire(idleMs: number): number {
    const before = this.#now() - idleMs;
    let forgotten = 0;
    for (const [key, client] of this.#clients) {
      if (client.lastSeenMs >= before) continue;
      this.#forget(key, client);
      forgotten++;
    }
    return forgotten;
  }

  #forget(key: string, client: ClientState): void {
    for (const id of client.openConnections) this.#connectionClients.delete(id);
    this.#clients.delete(key);
  }

  /** Marks the client active; the table stays ordered by activity (to the second), least recent first. */
  #touch(client: ClientState): void {
    const now = this.#now();
    if (now - client.lastSeenMs >= ORDER_RESOLUTION_MS) {
      const key = clientKey(client);
      this.#clients.delete(key);
      this.#clients.set(key, client);
    }
    client.lastSeenMs = now;
  }

  /** The kafka_client_* series now, within the series budget. */
  snapshot(): Snapshot {
    this.#settleUnresolved();
    const snapshot = new Snapshot(this.#options.maxSeries);
    const clients = [...this.#clients.values()];
    for (const client of clients) {
      // Only kafka_client_info carries the pod (looked up at each publication: the pod list refreshes),
      // to keep the other families' cardinality as it is; join on client_address to get it there.
      const { namespace, pod } = podLabelsOf(this.#pods, client.host);
      snapshot.add(
        clientMetrics.info,
        {
          ...this.#labels(client),
          pod,
          namespace,
          software_name: client.software?.name ?? '',
          software_version: client.software?.version ?? '',
          principal: client.principal ?? '',
          role: reportedRole(client.roles),
        },
        1,
      );
    }
    for (const client of clients) snapshot.add(clientMetrics.connections, this.#labels(client), client.openConnections.size);
    for (const client of clients) {
      const labels = this.#labels(client);
      for (const [key, count] of this.#byBrokerName(client.requests)) {
        const [api, outcome, broker] = key.split('\u0000') as [string, string, string];
        snapshot.add(clientMetrics.requests, { ...labels, api, outcome, broker }, count);
      }
      for (const [key, bytes] of this.#byBrokerName(client.requestBytes)) {
        const [api, broker] = key.split('\u0000') as [string, string];
        snapshot.add(clientMetrics.requestBytes, { ...labels, api, broker }, bytes);
      }
      for (const [key, bytes] of this.#byBrokerName(client.responseBytes)) {
        const [api, broker] = key.split('\u0000') as [string, string];
        snapshot.add(clientMetrics.responseBytes, { ...labels, api, broker }, bytes);
      }
      for (const [api, { requests, ms }] of client.throttled) {
        snapshot.add(clientMetrics.throttledRequests, { ...labels, api }, requests);
        snapshot.add(clientMetrics.throttle, { ...labels, api }, ms / 1000);
      }
      for (const [topic, counters] of this.#byTopicName(client.produced)) {
        snapshot.add(clientMetrics.produceBytes, { ...labels, topic }, counters.bytes);
        snapshot.add(clientMetrics.produceRecords, { ...labels, topic }, counters.records);
        snapshot.add(clientMetrics.produceBatches, { ...labels, topic }, counters.batches);
      }
      for (const [topic, batches] of client.retriedBatches)
        snapshot.add(clientMetrics.produceRetriedBatches, { ...labels, topic }, batches);
      for (const [topic, gaps] of client.sequenceGaps) snapshot.add(clientMetrics.produceSequenceGaps, { ...labels, topic }, gaps);
      for (const [topic, records] of client.produceAborted)
        snapshot.add(clientMetrics.produceAbortedRecords, { ...labels, topic }, records);
      for (const [key, records] of client.produceFailed) {
        const [topic, error] = key.split('\u0000') as [string, string];
        snapshot.add(clientMetrics.produceFailedRecords, { ...labels, topic, error }, records);
      }
      for (const [topic, counters] of this.#byTopicName(client.fetched)) {
        snapshot.add(clientMetrics.fetchBytes, { ...labels, topic }, counters.bytes);
        snapshot.add(clientMetrics.fetchRecords, { ...labels, topic }, counters.records);
      }
      for (const [topic, records] of client.fetchAborted)
        snapshot.add(clientMetrics.fetchAbortedRecords, { ...labels, topic: this.#topicNames.get(topic) ?? topic }, records);
      for (const [topic, lag] of this.#fetchLagByTopic(client)) snapshot.add(clientMetrics.fetchLag, { ...labels, topic }, lag);
      for (const [topic, counters] of this.#byTopicName(client.replicated)) {
        snapshot.add(clientMetrics.replicationFetchBytes, { ...labels, topic }, counters.bytes);
        snapshot.add(clientMetrics.replicationFetchRecords, { ...labels, topic }, counters.records);
      }
      for (const [api, histogram] of client.latency)
        snapshot.addHistogram(clientMetrics.requestLatency, { ...labels, api }, histogram.freeze());
      if (client.fetchLatency) snapshot.addHistogram(clientMetrics.fetchLatency, labels, client.fetchLatency.freeze());
    }
    snapshot.addOutsideBudget(snifferMetrics.clientsDropped, {}, this.#dropped);
    snapshot.addOutsideBudget(snifferMetrics.clientsEvicted, {}, this.#evicted);
    snapshot.addOutsideBudget(snifferMetrics.pendingTransactions, {}, this.#transactions.size);
    snapshot.addOutsideBudget(snifferMetrics.unresolvedTransactions, {}, this.#unresolvedTransactions);
    snapshot.addOutsideBudget(collectionMetrics.seriesDropped, { collector: 'sniffer' }, snapshot.dropped);
    snapshot.addOutsideBudget(collectionMetrics.seriesBudget, { collector: 'sniffer' }, this.#options.maxSeries);
    return snapshot;
  }

  /** Who produced to, consumed from and replicated the topic, by client. */
  topicClients(topic: string): TopicClients {
    const list = (pick: (client: ClientState) => Map<string, TopicCounters>): TopicClient[] => {
      const rows: TopicClient[] = [];
      for (const client of this.#clients.values()) {
        const counters = this.#byTopicName(pick(client)).get(topic);
        if (counters === undefined) continue;
        rows.push({
          clientAddress: client.host,
          clientId: client.clientId,
          role: reportedRole(client.roles),
          records: counters.records,
          bytes: counters.bytes,
        });
      }
      return rows.sort((a, b) => a.clientAddress.localeCompare(b.clientAddress) || a.clientId.localeCompare(b.clientId));
    };
    return {
      topic,
      producers: list((client) => client.produced),
      consumers: list((client) => client.fetched),
      followers: list((client) => client.replicated),
    };
  }

  /** Reported roles of the clients, for tests and views. */
  roles(): Map<string, ReportedRole> {
    return new Map([...this.#clients.values()].map((client) => [`${client.host} ${client.clientId}`, reportedRole(client.roles)]));
  }

  /** The largest lag per topic over the partitions fetched within FETCH_LAG_FRESH_MS; older ones are forgotten. */
  #fetchLagByTopic(client: ClientState): Map<string, number> {
    const fresh = this.#now() - FETCH_LAG_FRESH_MS;
    const byTopic = new Map<string, number>();
    for (const [key, { lag, atMs }] of client.fetchLag) {
      if (atMs < fresh) {
        client.fetchLag.delete(key);
        continue;
      }
      const topic = key.slice(0, key.lastIndexOf('\u0000'));
      const name = this.#topicNames.get(topic) ?? topic;
      byTopic.set(name, Math.max(byTopic.get(name) ?? 0, lag));
    }
    return byTopic;
  }

  #labels(client: ClientState): { client_address: string; client_id: string } {
    return { client_address: client.host, client_id: client.clientId };
  }

  /** Topics named by id merge with their name once it is known. */
  #byTopicName(map: Map<string, TopicCounters>): Map<string, TopicCounters> {
    if (this.#topicNames.size === 0) return map;
    const merged = new Map<string, TopicCounters>();
    for (const [topic, counters] of map) {
      const name = this.#topicNames.get(topic) ?? topic;
      addTopic(merged, name, counters.bytes, counters.records, counters.batches);
    }
    return merged;
  }

  #latency(client: ClientState, apiKey: number, api: string): HistogramAccumulator {
    if (apiKey === ApiKey.Fetch) return (client.fetchLatency ??= new HistogramAccumulator(clientMetrics.fetchLatency.buckets));
    let histogram = client.latency.get(api);
    if (histogram === undefined) client.latency.set(api, (histogram = new HistogramAccumulator(clientMetrics.requestLatency.buckets)));
    return histogram;
  }

  #attach(client: ClientState, connection: ConnectionView): void {
    if (connection.software) client.software = connection.software;
    if (connection.sasl?.principal !== undefined) client.principal = connection.sasl.principal;
    if (client.openConnections.has(connection.id)) return;
    const key = `${client.host}\u0000${client.clientId}`;
    // A connection whose requests change client id (rare) counts for the last one seen.
    const previous = this.#connectionClients.get(connection.id);
    if (previous !== undefined && previous !== key) this.#clients.get(previous)?.openConnections.delete(connection.id);
    this.#connectionClients.set(connection.id, key);
    client.openConnections.add(connection.id);
  }

  /** Forgets the least recently active client if it has been silent for EVICTABLE_AFTER_MS; whether it did. */
  #evictLeastRecent(): boolean {
    const oldest = this.#clients.entries().next().value;
    if (oldest === undefined || this.#now() - oldest[1].lastSeenMs < EVICTABLE_AFTER_MS) return false;
    this.#forget(...oldest);
    this.#evicted++;
    return true;
  }

  #client(host: string, clientId: string): ClientState | undefined {
    const key = clientKey({ host, clientId });
    let client = this.#clients.get(key);
    if (client !== undefined) return client;
    if (this.#clients.size >= this.#options.maxClients && !this.#evictLeastRecent()) {
      this.#dropped++;
      return undefined;
    }
    client = {
      host,
      clientId,
      software: undefined,
      principal: undefined,
      roles: new Set(),
      lastSeenMs: this.#now(),
      openConnections: new Set(),
      requests: new Map(),
      requestBytes: new Map(),
      responseBytes: new Map(),
      latency: new Map(),
      fetchLatency: undefined,
      produced: new Map(),
      produceFailed: new Map(),
      produceAborted: new Map(),
      retriedBatches: new Map(),
      sequenceGaps: new Map(),
      throttled: new Map(),
      fetchLag: new Map(),
      fetchAborted: new Map(),
      fetched: new Map(),
      replicated: new Map(),
    };
    this.#clients.set(key, client);
    return client;
  }
}
