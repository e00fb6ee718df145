// What the sniffer reports: typed events through a small listener interface. The live agent turns
// them into metrics; `kafka-sonar replay` prints them.

import type { CloseReason, Endpoint } from '../tcp/connection.ts';

/** What a client does, as the requests it sends show. */
export type Role = 'producer' | 'consumer' | 'follower' | 'group' | 'admin' | 'broker';

/** How the broker side of a connection was told. */
export type DirectionEvidence = 'broker-port' | 'known-broker' | 'first-request' | 'tls-client-hello' | 'tls-records';

export interface ClientSoftware {
  readonly name: string;
  readonly version: string;
}

export interface SaslState {
  readonly mechanism: string | undefined;
  /** The user name from the PLAIN or SCRAM exchange. Passwords and tokens are never kept. */
  readonly principal: string | undefined;
  /** undefined until the broker answered the authentication. */
  readonly authenticated: boolean | undefined;
}

/** A Kafka (or TLS) connection as the sniffer knows it; the object is updated as traffic goes by. */
export interface ConnectionView {
  readonly id: number;
  readonly ipVersion: 4 | 6;
  readonly client: Endpoint;
  readonly broker: Endpoint;
  readonly openedAtMicros: number;
  readonly directionEvidence: DirectionEvidence;
  /** The capture began after the connection did. */
  readonly midStream: boolean;
  readonly tls: boolean;
  readonly clientId: string | null;
  readonly software: ClientSoftware | undefined;
  readonly sasl: SaslState | undefined;
  readonly roles: readonly Role[];
  readonly stats: ConnectionStats;
}

export interface ConnectionStats {
  requests: number;
  responses: number;
  /** Frame bytes (size prefix included) from the client and from the broker. */
  bytesFromClient: number;
  bytesFromBroker: number;
  /** Frames whose header or body did not decode. */
  undecodableFrames: number;
  /** Responses whose correlation id matched no request seen. */
  unmatchedResponses: number;
  /** Requests that got no response in the capture (lost in a gap, or the connection ended). */
  unansweredRequests: number;
  /** Raw SASL tokens exchanged after a SaslHandshake v0. */
  saslRawTokens: number;
}

export interface TopicTraffic {
  /** The topic name, or its id while the name is not known. */
  readonly topic: string;
  readonly topicId: string | undefined;
  readonly resolved: boolean;
  readonly partitions: readonly number[];
  /** Data records (control records excluded) and record-set bytes carried for this topic. */
  readonly records: number;
  readonly bytes: number;
  /** Record batches with data records (control batches excluded). */
  readonly batches: number;
}

export interface PartitionError {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
}

/** Where an idempotent producer's batch for one partition starts in its sequence. */
export interface ProducedSequence {
  readonly topic: string;
  readonly partition: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly records: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/** Records of a Produce request that the broker did not take: a partition answered with an error, or no answer seen. */
export interface RejectedRecords {
  readonly topic: string;
  readonly partition: number;
  /** The partition's Kafka error name, or UNANSWERED when the response was never seen. */
  readonly error: string;
  readonly records: number;
  readonly bytes: number;
  readonly batches: number;
}

export interface ErrorCount {
  readonly code: number;
  readonly name: string;
  readonly count: number;
}

/** API-specific facts; only those that apply are set. */
export interface ExchangeDetails {
  acks?: number;
  transactionalId?: string | null;
  groupId?: string;
  groupIds?: readonly string[];
  memberId?: string;
  groupInstanceId?: string | null;
  generationId?: number;
  protocolType?: string;
  subscribedTopics?: readonly string[];
  coordinatorKeys?: readonly string[];
  coordinatorKeyType?: number;
  producerId?: number | bigint;
  /** Produce: its batches belong to a transaction of `producerId`. */
  transactional?: boolean;
  /** EndTxn: whether the transaction of `producerId` is committed (true) or aborted (false). */
  transactionCommitted?: boolean;
  producerEpoch?: number;
  replicaId?: number;
  isolationLevel?: number;
  fetchSessionId?: number;
  fetchSessionEpoch?: number;
  /** The fetch session's partitions were not all seen (the session began before the capture). */
  fetchSessionIncomplete?: boolean;
  saslMechanism?: string;
  principal?: string;
  softwareName?: string;
  softwareVersion?: string;
  compression?: readonly string[];
  controlRecords?: number;
  /** Compressed legacy wrappers counted as one record (not decompressible, or past the frame's budget). */
  uncountedWrappers?: number;
}

export type ExchangeOutcome =
  /** Request and response both seen. */
  | 'answered'
  /** A request that gets no response (Produce with acks=0). */
  | 'no-response'
  /** The response was never seen: lost in a capture gap, or the connection ended first. */
  | 'unanswered';

export interface Exchange {
  readonly connection: ConnectionView;
  readonly apiKey: number;
  /** "Produce", "Fetch", ...; "ApiKey123" for keys the decoder does not know. */
  readonly apiName: string;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly outcome: ExchangeOutcome;
  /** When the request's last byte and the response's first byte were captured. */
  readonly requestAtMicros: number;
  readonly responseAtMicros: number | undefined;
  readonly latencyMs: number | undefined;
  /** Frame sizes including the 4-byte size prefix. */
  readonly requestBytes: number;
  readonly responseBytes: number | undefined;
  readonly role: Role | undefined;
  readonly topics: readonly TopicTraffic[];
  /** Data records and record-set bytes over all topics (Produce requests, Fetch responses). */
  readonly records: number;
  readonly recordBytes: number;
  /** The top-level error, or the most frequent partition error; 0 when none. */
  readonly errorCode: number;
  /** Every non-zero error code in the response, with how often it occurs. */
  readonly errors: readonly ErrorCount[];
  readonly partitionErrors: readonly PartitionError[];
  /** Produce by an idempotent producer: the sequence of each partition's batches. */
  readonly sequences: readonly ProducedSequence[];
  /** Fetch: per topic, records (counted in `topics` too) of aborted transactions, which a read_committed consumer drops. */
  readonly aborted: readonly { readonly topic: string; readonly records: number }[];
  /** Fetch by a consumer: per partition answered, the records it still has to read after this response. */
  readonly fetchLags: readonly PartitionLag[];
  /** The response's throttle_time_ms when above 0: the broker held the client back for its quota. */
  readonly throttleMs: number | undefined;
  /** Produce: what of `topics` the broker did not take (none for acks=0, which has no answer to tell). */
  readonly rejected: readonly RejectedRecords[];
  readonly details: Readonly<ExchangeDetails>;
  /** Why the request or response body could not be (fully) decoded; undefined when it was. */
  readonly problem: string | undefined;
}

export interface SnifferListener {
  /** A connection was recognised as Kafka (or TLS) and its broker side is known. */
  connectionOpened?(connection: ConnectionView): void;
  exchange?(exchange: Exchange): void;
  connectionClosed?(connection: ConnectionView, reason: CloseReason): void;
  /** A Metadata or FindCoordinator response named the broker id of an endpoint. */
  brokerIdentified?(broker: Endpoint, brokerId: number): void;
  /** A topic id got its name: events reported before carried the id as the topic. */
  topicResolved?(topicId: string, name: string): void;
}
