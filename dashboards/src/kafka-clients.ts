import { Layout, columns, dashboard, type Variable } from './panels.ts';

const K = 'cluster=~"$cluster"';
const C = `${K}, client_id=~"$client_id", client_address=~"$client_address"`;
const T = `${C}, topic=~"$topic"`;
const CLIENT = 'client_id, client_address';
const WHO = '{{client_id}} ({{client_address}})';
const variables: Variable[] = [
  { name: 'cluster', label: 'Cluster', query: 'label_values(kafka_sonar_capture_up, cluster)', multi: false, includeAll: true },
  { name: 'client_id', label: 'Client id', query: `label_values(kafka_client_info{${K}}, client_id)`, multi: true, includeAll: true },
  {
    name: 'client_address',
    label: 'Client address',
    query: `label_values(kafka_client_info{${K}, client_id=~"$client_id"}, client_address)`,
    multi: true,
    includeAll: true,
  },
  {
    name: 'topic',
    label: 'Topic',
    query: `label_values({__name__=~"kafka_client_(produce|fetch|replication_fetch)_records_total", ${K}}, topic)`,
    multi: true,
    includeAll: true,
  },
];

/** Per-second rate of a counter, summed by `by` (everything when empty). */
const rate = (metric: string, selector: string, by = ''): string =>
  `sum${by ? ` by (${by})` : ''} (rate(${metric}{${selector}}[$__rate_interval]))`;
/** Distinct clients (client id and address) of kafka_client_info, over all agents. */
const clients = (selector: string): string => `count(count by (${CLIENT}) (kafka_client_info{${selector}}))`;
const quantile = (q: number, metric: string, by: string, selector = C): string =>
  `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket{${selector}}[$__rate_interval])))`;
const ERRORS = 'outcome!~"NONE|NO_RESPONSE|UNANSWERED"';
const NOT_OK = 'outcome!~"NONE|NO_RESPONSE"';
const ORANGE_FROM = (value: number) => [
  { value: null, color: 'green' },
  { value, color: 'orange' },
];

const layout = new Layout()
  .row('Overview')
  .add({
    type: 'stat',
    title: 'Active clients',
    width: 4,
    description:
      'Clients (client id and address) seen on the wire and not idle longer than --sniff.client-idle-timeout, follower brokers included.',
    targets: [{ expr: clients(C) }],
  })
  .add({
    type: 'stat',
    title: 'Producers',
    width: 3,
    description: 'Clients whose requests were only producing (role="producer"); clients doing several things count as mixed.',
    targets: [{ expr: `${clients(`${C}, role="producer"`)} or vector(0)` }],
  })
  .add({
    type: 'stat',
    title: 'Consumers',
    width: 3,
    description: 'Clients whose requests were only consuming, group coordination included (role="consumer").',
    targets: [{ expr: `${clients(`${C}, role="consumer"`)} or vector(0)` }],
  })
  .add({
    type: 'stat',
    title: 'Produce throughput',
    width: 4,
    unit: 'Bps',
    description: 'Record-set bytes produced per second, as sent (compressed or not).',
    targets: [{ expr: rate('kafka_client_produce_bytes_total', T) }],
  })
  .add({
    type: 'stat',
    title: 'Fetch throughput',
    width: 4,
    unit: 'Bps',
    description: 'Record-set bytes consumers fetched per second; follower replication is not counted.',
    targets: [{ expr: rate('kafka_client_fetch_bytes_total', T) }],
  })
  .add({
    type: 'stat',
    title: 'Requests',
    width: 3,
    unit: 'reqps',
    description: 'Kafka requests per second, all APIs.',
    targets: [{ expr: rate('kafka_client_requests_total', C) }],
  })
  .add({
    type: 'stat',
    title: 'Error responses',
    width: 3,
    unit: 'reqps',
    description: 'Responses per second carrying an error code (outcome other than NONE, NO_RESPONSE and UNANSWERED).',
    targets: [{ expr: `${rate('kafka_client_requests_total', `${C}, ${ERRORS}`)} or vector(0)` }],
    thresholds: ORANGE_FROM(0.01),
  })
  .row('Producers')
  .add({
    type: 'timeseries',
    title: 'Produce bytes/s by client',
    width: 12,
    unit: 'Bps',
    description: 'Record-set bytes each client produced per second, as sent (compressed or not).',
    targets: [{ expr: rate('kafka_client_produce_bytes_total', T, CLIENT), legendFormat: WHO }],
  })
  .add({
    type: 'timeseries',
    title: 'Produce records/s by client',
    width: 12,
    unit: 'ops',
    description: 'Data records each client produced per second and the broker did not refuse.',
    targets: [{ expr: rate('kafka_client_produce_records_total', T, CLIENT), legendFormat: WHO }],
  })
  .add({
    type: 'timeseries',
    title: 'Produce bytes/s by topic',
    width: 12,
    unit: 'Bps',
    description: 'Record-set bytes produced per second to each topic, all clients together.',
    targets: [{ expr: rate('kafka_client_produce_bytes_total', T, 'topic'), legendFormat: '{{topic}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Produce records/s by topic',
    width: 12,
    unit: 'ops',
    description: 'Data records produced per second to each topic, all clients together.',
    targets: [{ expr: rate('kafka_client_produce_records_total', T, 'topic'), legendFormat: '{{topic}}' }],
  })
  .add({
    type: 'table',
    title: 'Top producers',
    width: 12,
    description: 'The 10 busiest producing clients and topics now, by record-set bytes per second.',
    sortBy: 'Bytes/s',
    targets: [{ expr: `topk(10, ${rate('kafka_client_produce_bytes_total', T, `${CLIENT}, topic`)})`, instant: true, format: 'table' }],
    transformations: columns(['client_id', 'client_address', 'topic', 'Value'], { Value: 'Bytes/s' }),
    unit: 'Bps',
  })
  .add({
    type: 'timeseries',
    title: 'Records per batch by client',
    width: 12,
    description:
      'Average data records per record batch each client produced: small batches mean many requests for little data (linger.ms, batch.size).',
    targets: [
      {
        expr: `${rate('kafka_client_produce_records_total', T, CLIENT)} / ${rate('kafka_client_produce_batches_total', T, CLIENT)}`,
        legendFormat: WHO,
      },
    ],
  })
  .row('Consumers')
  .add({
    type: 'timeseries',
    title: 'Fetch bytes/s by client',
    width: 12,
    unit: 'Bps',
    description: 'Record-set bytes each consumer fetched per second; follower replication is below, never here.',
    targets: [{ expr: rate('kafka_client_fetch_bytes_total', T, CLIENT), legendFormat: WHO }],
  })
  .add({
    type: 'timeseries',
    title: 'Fetch records/s by client',
    width: 12,
    unit: 'ops',
    description: 'Data records each consumer fetched per second; follower replication is below, never here.',
    targets: [{ expr: rate('kafka_client_fetch_records_total', T, CLIENT), legendFormat: WHO }],
  })
  .add({
    type: 'timeseries',
    title: 'Fetch bytes/s by topic',
    width: 12,
    unit: 'Bps',
    description: 'Record-set bytes consumers fetched per second from each topic, all consumers together.',
    targets: [{ expr: rate('kafka_client_fetch_bytes_total', T, 'topic'), legendFormat: '{{topic}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Fetch records/s by topic',
    width: 12,
    unit: 'ops',
    description: 'Data records consumers fetched per second from each topic, all consumers together.',
    targets: [{ expr: rate('kafka_client_fetch_records_total', T, 'topic'), legendFormat: '{{topic}}' }],
  })
  .add({
    type: 'table',
    title: 'Top consumers',
    width: 12,
    description: 'The 10 busiest consuming clients and topics now, by record-set bytes fetched per second.',
    sortBy: 'Bytes/s',
    targets: [{ expr: `topk(10, ${rate('kafka_client_fetch_bytes_total', T, `${CLIENT}, topic`)})`, instant: true, format: 'table' }],
    transformations: columns(['client_id', 'client_address', 'topic', 'Value'], { Value: 'Bytes/s' }),
    unit: 'Bps',
  })
  .add({
    type: 'timeseries',
    title: 'Follower replication bytes/s by topic',
    width: 12,
    unit: 'Bps',
    description: 'Record-set bytes follower brokers (replica id >= 0) fetched per second from each topic: replication, not consumption.',
    targets: [{ expr: rate('kafka_client_replication_fetch_bytes_total', T, 'topic'), legendFormat: '{{topic}}' }],
  })
  .row('Requests')
  .add({
    type: 'timeseries',
    title: 'Requests/s by API',
    width: 12,
    unit: 'reqps',
    description: 'Kafka requests per second, by API.',
    targets: [{ expr: rate('kafka_client_requests_total', C, 'api'), legendFormat: '{{api}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Error outcomes by API',
    width: 12,
    unit: 'reqps',
    description:
      'Requests per second that did not succeed, by API and outcome: the error code name, or UNANSWERED when the response was not seen (lost by the capture, or the connection closed first).',
    targets: [{ expr: rate('kafka_client_requests_total', `${C}, ${NOT_OK}`, 'api, outcome'), legendFormat: '{{api}} {{outcome}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Error outcomes by client',
    width: 12,
    unit: 'reqps',
    description: 'Requests per second that did not succeed, by client and outcome (error code name, or UNANSWERED).',
    targets: [{ expr: rate('kafka_client_requests_total', `${C}, ${NOT_OK}`, `${CLIENT}, outcome`), legendFormat: `${WHO} {{outcome}}` }],
  })
  .add({
    type: 'timeseries',
    title: 'Request and response bytes/s by API',
    width: 12,
    unit: 'Bps',
    description: 'Bytes of the requests clients sent and of the responses they received per second, by API (whole frames).',
    targets: [
      { expr: rate('kafka_client_request_bytes_total', C, 'api'), legendFormat: '{{api}} requests' },
      { expr: rate('kafka_client_response_bytes_total', C, 'api'), legendFormat: '{{api}} responses' },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Request latency by API',
    width: 12,
    unit: 's',
    description:
      "Median and 99th percentile time from a request's last byte to its response's first byte on the wire, by API; Fetch is apart.",
    targets: [
      { expr: quantile(0.5, 'kafka_client_request_latency_seconds', 'api'), legendFormat: '{{api}} p50' },
      { expr: quantile(0.99, 'kafka_client_request_latency_seconds', 'api'), legendFormat: '{{api}} p99' },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Request latency p99 by client',
    width: 12,
    unit: 's',
    description: '99th percentile request latency of each client over all its APIs but Fetch: who waits for the brokers.',
    targets: [{ expr: quantile(0.99, 'kafka_client_request_latency_seconds', CLIENT), legendFormat: WHO }],
  })
  .add({
    type: 'timeseries',
    title: 'Fetch latency',
    width: 12,
    unit: 's',
    description:
      "Median and 99th percentile Fetch latency of consumers and followers. It includes the broker's long-poll wait for data (fetch.max.wait.ms, 500 ms by default), so idle consumers show about that wait, not a slow broker.",
    targets: [
      { expr: quantile(0.5, 'kafka_client_fetch_latency_seconds', ''), legendFormat: 'p50' },
      { expr: quantile(0.99, 'kafka_client_fetch_latency_seconds', ''), legendFormat: 'p99' },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Fetch latency p99 by client',
    width: 12,
    unit: 's',
    description: '99th percentile Fetch latency of each consumer and follower, long-poll wait included (fetch.max.wait.ms).',
    targets: [{ expr: quantile(0.99, 'kafka_client_fetch_latency_seconds', CLIENT), legendFormat: WHO }],
  })
  .row('Connections')
  .add({
    type: 'timeseries',
    title: 'Connections per client address',
    width: 8,
    description: 'Open Kafka connections from each client host, all its client ids together.',
    targets: [{ expr: `sum by (client_address) (kafka_client_connections{${C}})`, legendFormat: '{{client_address}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Bytes sent and received by client',
    width: 8,
    unit: 'Bps',
    description: 'Request bytes each client sent and response bytes it received per second, all APIs: the busiest connections.',
    targets: [
      { expr: rate('kafka_client_request_bytes_total', C, CLIENT), legendFormat: `${WHO} sent` },
      { expr: rate('kafka_client_response_bytes_total', C, CLIENT), legendFormat: `${WHO} received` },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Clients by role',
    width: 8,
    description: 'Clients by role: producer, consumer, follower, admin, mixed (several roles), or empty until a request tells.',
    targets: [{ expr: `count by (role) (count by (${CLIENT}, role) (kafka_client_info{${C}}))`, legendFormat: '{{role}}' }],
  })
  .add({
    type: 'table',
    title: 'Clients',
    width: 24,
    height: 10,
    description:
      'Every client seen on the wire (kafka_client_info): address, client id, software and version (ApiVersions), SASL principal, role, and Kubernetes pod when known.',
    targets: [{ expr: `kafka_client_info{${C}}`, instant: true, format: 'table' }],
    transformations: columns(
      ['client_address', 'client_id', 'software_name', 'software_version', 'principal', 'role', 'namespace', 'pod', 'cluster', 'instance'],
      {},
      ['Time', 'Value', '__name__', 'job'],
    ),
  })
  .row('kafka-sonar capture')
  .add({
    type: 'stat',
    title: 'Capture up',
    width: 4,
    height: 8,
    description: "kafka_sonar_capture_up: 1 while every agent's packet capture runs, 0 when one could not start (its log says why).",
    targets: [{ expr: `min(kafka_sonar_capture_up{${K}})` }],
    thresholds: [
      { value: null, color: 'red' },
      { value: 1, color: 'green' },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Captured packets/s',
    width: 10,
    unit: 'pps',
    description: 'Packets each agent captured per second.',
    targets: [{ expr: rate('kafka_sonar_capture_packets_total', K, 'instance'), legendFormat: '{{instance}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Captured bytes/s',
    width: 10,
    unit: 'Bps',
    description: 'Bytes (link-layer frames) each agent captured per second.',
    targets: [{ expr: rate('kafka_sonar_capture_bytes_total', K, 'instance'), legendFormat: '{{instance}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'Dropped packets/s',
    width: 8,
    unit: 'pps',
    description:
      'Packets lost before the agent read them, as libpcap reports them: kernel when the capture buffer was full (raise --sniff.buffer-size), interface when the network interface dropped them.',
    targets: [{ expr: rate('kafka_sonar_capture_dropped_packets_total', K, 'instance, by'), legendFormat: '{{instance}} {{by}}' }],
  })
  .add({
    type: 'timeseries',
    title: 'TCP gaps and resyncs',
    width: 8,
    description:
      'Holes in TCP streams per second (bytes the capture missed) and Kafka streams re-synchronised on a frame start after them.',
    targets: [
      { expr: rate('kafka_sonar_sniffer_tcp_gaps_total', K, 'instance'), legendFormat: '{{instance}} gaps' },
      { expr: rate('kafka_sonar_sniffer_resyncs_total', K, 'instance'), legendFormat: '{{instance}} resyncs' },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Undecodable traffic',
    width: 8,
    description:
      'Per second: Kafka frames whose header or body did not decode, frames beyond --sniff.max-frame-size (their records are not counted), packets that did not decode down to TCP (by reason), and TCP segments the capture cut short.',
    targets: [
      { expr: rate('kafka_sonar_sniffer_undecodable_frames_total', K, 'instance'), legendFormat: '{{instance}} frames' },
      { expr: rate('kafka_sonar_sniffer_oversize_frames_total', K, 'instance'), legendFormat: '{{instance}} oversize frames' },
      {
        expr: rate('kafka_sonar_capture_undecodable_packets_total', K, 'instance, reason'),
        legendFormat: '{{instance}} packets {{reason}}',
      },
      { expr: rate('kafka_sonar_capture_truncated_packets_total', K, 'instance'), legendFormat: '{{instance}} truncated' },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Clients and series dropped',
    width: 12,
    description:
      'Requests per second of clients left out because --sniff.max-clients were tracked already, and sniffer series left out per second by --sniff.max-series.',
    targets: [
      { expr: rate('kafka_sonar_sniffer_clients_dropped_total', K, 'instance'), legendFormat: '{{instance}} requests of clients dropped' },
      {
        expr: rate('kafka_sonar_series_dropped_total', `${K}, collector="sniffer"`, 'instance'),
        legendFormat: '{{instance}} series dropped',
      },
    ],
  })
  .add({
    type: 'timeseries',
    title: 'Connections tracked',
    width: 12,
    description: 'Connections each agent tracks now, by protocol (kafka, tls: encrypted, not decoded).',
    targets: [{ expr: `sum by (instance, protocol) (kafka_sonar_sniffer_connections{${K}})`, legendFormat: '{{instance}} {{protocol}}' }],
  });

export const kafkaClientsDashboard = dashboard(
  'kafka-sonar-clients',
  'Kafka clients (kafka-sonar)',
  'Who talks to a Kafka cluster, from the kafka-sonar sniffer: producers and consumers per topic, requests, errors, latency, connections and capture health.',
  variables,
  layout.panels,
);
