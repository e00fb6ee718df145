import type { MetricDefinition } from '../definition.ts';

const CLIENT = ['client_address', 'client_id'] as const;
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Fetch latency includes the broker's long-poll wait (fetch.max.wait.ms, 500 ms by default).
const FETCH_LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30];

/** What the sniffer sees clients do, aggregated by client address (host, never the port) and client id. */
export const clientMetrics = {
  info: {
    name: 'kafka_client_info',
    type: 'gauge',
    labels: [...CLIENT, 'pod', 'namespace', 'software_name', 'software_version', 'principal', 'role'],
    help: 'A client seen on the wire; always 1. role: producer, consumer (group coordination included), follower (replication and other broker-to-broker traffic), admin, or mixed; empty until a request tells. pod, namespace: the Kubernetes pod with the client address (--sniff.kubernetes-pods), empty when unknown or off.',
  },
  connections: {
    name: 'kafka_client_connections',
    type: 'gauge',
    labels: [...CLIENT],
    help: 'Open Kafka connections of the client.',
  },
  requests: {
    name: 'kafka_client_requests_total',
    type: 'counter',
    labels: [...CLIENT, 'api', 'outcome', 'broker'],
    help: 'Requests by API, outcome and broker: the error code name (NONE when it succeeded), NO_RESPONSE for requests that get none (Produce with acks=0), UNANSWERED when the response was not seen; the broker id once a Metadata or FindCoordinator response named it, its address:port until then.',
  },
  requestBytes: {
    name: 'kafka_client_request_bytes_total',
    type: 'counter',
    labels: [...CLIENT, 'api', 'broker'],
    unit: 'By',
    help: 'Bytes of the requests the client sent, by API and broker (frames, size prefix included).',
  },
  responseBytes: {
    name: 'kafka_client_response_bytes_total',
    type: 'counter',
    labels: [...CLIENT, 'api', 'broker'],
    unit: 'By',
    help: 'Bytes of the responses the client received, by API and broker (frames, size prefix included).',
  },
  requestLatency: {
    name: 'kafka_client_request_latency_seconds',
    type: 'histogram',
    labels: [...CLIENT, 'api'],
    unit: 's',
    buckets: LATENCY_BUCKETS,
    help: "Time from a request's last byte to its response's first byte on the wire, by API; Fetch is apart (kafka_client_fetch_latency_seconds).",
  },
  fetchLatency: {
    name: 'kafka_client_fetch_latency_seconds',
    type: 'histogram',
    labels: [...CLIENT],
    unit: 's',
    buckets: FETCH_LATENCY_BUCKETS,
    help: 'Fetch latency of consumers and followers, including the time the broker waited for data (long poll).',
  },
  throttledRequests: {
    name: 'kafka_client_throttled_requests_total',
    type: 'counter',
    labels: [...CLIENT, 'api'],
    help: 'Responses with a throttle_time_ms above 0: the broker held the client back for a quota (produce, fetch or request rate).',
  },
  throttle: {
    name: 'kafka_client_throttle_seconds_total',
    type: 'counter',
    labels: [...CLIENT, 'api'],
    unit: 's',
    help: 'Time the broker said it throttled the client for its quotas (the throttle_time_ms of its responses), by API.',
  },
  produceBytes: {
    name: 'kafka_client_produce_bytes_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    unit: 'By',
    help: 'Record-set bytes (as sent, compressed or not) of the records counted in kafka_client_produce_records_total.',
  },
  produceRecords: {
    name: 'kafka_client_produce_records_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    help: 'Data records produced to the topic that the broker took: their partition answered without error (control records excluded). acks=0 requests have no answer: their records count when sent.',
  },
  produceRetriedBatches: {
    name: 'kafka_client_produce_retried_batches_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    help: "Batches an idempotent producer sent again: their partition's sequence number was already seen (a retry after an error or a lost response).",
  },
  produceSequenceGaps: {
    name: 'kafka_client_produce_sequence_gaps_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    help: "Times an idempotent producer's sequence on a partition skipped ahead: batches sent where the capture did not see them (another broker, lost packets).",
  },
  produceAbortedRecords: {
    name: 'kafka_client_produce_aborted_records_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    help: 'Data records a transactional producer wrote in transactions it then aborted (its EndTxn, on any connection, said abort); committed ones count in kafka_client_produce_records_total once the EndTxn is seen, or after 15 minutes without one.',
  },
  produceFailedRecords: {
    name: 'kafka_client_produce_failed_records_total',
    type: 'counter',
    labels: [...CLIENT, 'topic', 'error'],
    help: 'Data records sent in Produce requests that the broker did not take: their partition was answered with this Kafka error, or UNANSWERED when no response was seen (the client retries them, and the retry counts as produced once taken).',
  },
  produceBatches: {
    name: 'kafka_client_produce_batches_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    help: 'Record batches produced to the topic.',
  },
  fetchAbortedRecords: {
    name: 'kafka_client_fetch_aborted_records_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    help: 'Records fetched (counted in kafka_client_fetch_records_total) that belong to aborted transactions, which a read_committed consumer drops: fetched minus aborted is what its application sees.',
  },
  fetchLag: {
    name: 'kafka_client_fetch_lag_records',
    type: 'gauge',
    labels: [...CLIENT, 'topic'],
    help: "Records the consumer still has to read on the topic, as its fetch responses tell it: the high watermark (the last stable offset under read_committed) minus the offset after the records returned, at most over the topic's partitions; for every consumer, those that never commit offsets included. A partition not fetched for 2 minutes is left out.",
  },
  fetchBytes: {
    name: 'kafka_client_fetch_bytes_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    unit: 'By',
    help: 'Record-set bytes consumers fetched from the topic; follower replication is not counted here.',
  },
  fetchRecords: {
    name: 'kafka_client_fetch_records_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    help: 'Data records consumers fetched from the topic; follower replication is not counted here.',
  },
  replicationFetchBytes: {
    name: 'kafka_client_replication_fetch_bytes_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    unit: 'By',
    help: 'Record-set bytes follower brokers (replica id >= 0) fetched from the topic.',
  },
  replicationFetchRecords: {
    name: 'kafka_client_replication_fetch_records_total',
    type: 'counter',
    labels: [...CLIENT, 'topic'],
    help: 'Data records follower brokers (replica id >= 0) fetched from the topic.',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The sniffer itself: capture health and what could not be decoded. */
export const snifferMetrics = {
  captureUp: {
    name: 'kafka_sonar_capture_up',
    type: 'gauge',
    labels: ['source'],
    help: 'Whether the packet capture runs (1) or could not start (0); source is the interface, or the replayed file.',
  },
  addressSourceUp: {
    name: 'kafka_sonar_client_address_source_up',
    type: 'gauge',
    labels: ['source'],
    help: 'Whether the last read of a source that names client addresses worked (1) or not (0): conntrack (original addresses behind NAT), kubernetes_pods (pod and namespace); absent before its first read. While 0, what it named before is kept.',
  },
  packets: {
    name: 'kafka_sonar_capture_packets_total',
    type: 'counter',
    labels: [],
    help: 'Packets captured.',
  },
  bytes: {
    name: 'kafka_sonar_capture_bytes_total',
    type: 'counter',
    labels: [],
    unit: 'By',
    help: 'Bytes captured (link-layer frames as captured).',
  },
  truncated: {
    name: 'kafka_sonar_capture_truncated_packets_total',
    type: 'counter',
    labels: [],
    help: 'TCP segments whose payload the capture cut short (snap length, GRO/TSO super-packets).',
  },
  droppedPackets: {
    name: 'kafka_sonar_capture_dropped_packets_total',
    type: 'counter',
    labels: ['by'],
    help: 'Packets lost before the agent read them, as libpcap reports them: by="kernel" when the capture buffer was full (raise --sniff.buffer-size), by="interface" when the network interface dropped them.',
  },
  undecodablePackets: {
    name: 'kafka_sonar_capture_undecodable_packets_total',
    type: 'counter',
    labels: ['reason'],
    help: 'Packets that did not decode down to a TCP segment, by reason.',
  },
  tcpGaps: {
    name: 'kafka_sonar_sniffer_tcp_gaps_total',
    type: 'counter',
    labels: [],
    help: 'Holes in TCP streams: bytes the capture missed (kernel drops, truncation).',
  },
  tcpGapBytes: {
    name: 'kafka_sonar_sniffer_tcp_gap_bytes_total',
    type: 'counter',
    labels: [],
    unit: 'By',
    help: 'Bytes missing from TCP streams.',
  },
  resyncs: {
    name: 'kafka_sonar_sniffer_resyncs_total',
    type: 'counter',
    labels: [],
    help: 'Times a Kafka stream was re-synchronised on a frame start after lost bytes.',
  },
  oversizeFrames: {
    name: 'kafka_sonar_sniffer_oversize_frames_total',
    type: 'counter',
    labels: [],
    help: 'Kafka frames larger than --sniff.max-frame-size, never buffered whole: Produce requests and Fetch responses decoded as they pass (their records counted from batch headers), other frames from their first 4 KiB (requests, bytes, latency; their records not counted).',
  },
  pendingTransactions: {
    name: 'kafka_sonar_sniffer_pending_transactions',
    type: 'gauge',
    labels: [],
    help: "Records of open transactions (one entry per topic and Produce request) held until their EndTxn is seen (at most 10,000; past that the oldest producer's count as produced).",
  },
  unresolvedTransactions: {
    name: 'kafka_sonar_sniffer_unresolved_transactions_total',
    type: 'counter',
    labels: [],
    help: 'Held transactional records (one entry per topic and Produce request) whose EndTxn was not seen within 15 minutes (it went to a broker this capture does not see, or was lost): counted as produced.',
  },
  uncountedWrappers: {
    name: 'kafka_sonar_sniffer_uncounted_wrappers_total',
    type: 'counter',
    labels: [],
    help: 'Compressed legacy (magic 0/1) message-set wrappers counted as one record: their value did not decompress, or decompressing the frame passed 32 MiB.',
  },
  undecodableFrames: {
    name: 'kafka_sonar_sniffer_undecodable_frames_total',
    type: 'counter',
    labels: [],
    help: 'Kafka frames whose header or body did not decode.',
  },
  requests: {
    name: 'kafka_sonar_sniffer_requests_total',
    type: 'counter',
    labels: [],
    help: 'Kafka requests decoded.',
  },
  connections: {
    name: 'kafka_sonar_sniffer_connections',
    type: 'gauge',
    labels: ['protocol'],
    help: 'Connections tracked now, by protocol (kafka, tls).',
  },
  clientsDropped: {
    name: 'kafka_sonar_sniffer_clients_dropped_total',
    type: 'counter',
    labels: [],
    help: 'Requests of clients left out of the client metrics because --sniff.max-clients clients were tracked already, each active in the last minute.',
  },
  clientsEvicted: {
    name: 'kafka_sonar_sniffer_clients_evicted_total',
    type: 'counter',
    labels: [],
    help: 'Clients forgotten, with their series, to make room for new ones when --sniff.max-clients clients were tracked: the least recently active first, if silent for a minute or more.',
  },
} as const satisfies Record<string, MetricDefinition>;
