export type OptionType = 'string' | 'list' | 'boolean' | 'integer' | 'duration' | 'enum';

export interface OptionDefinition {
  readonly key: string;
  readonly type: OptionType;
  readonly default: string | number | boolean | readonly string[];
  readonly description: string;
  readonly choices?: readonly string[];
  readonly secret?: boolean;
}

/**
 * Every setting of the exporter, in one table: flags (`--key`), environment variables
 * (`KAFKA_SONAR_KEY`) and the YAML file (nested maps) all resolve to these keys.
 * Durations are in seconds once loaded. `as const` keeps each entry's literal key, type and
 * choices, from which OptionKey and OptionValueOf are derived.
 */
const OPTION_TABLE = [
  {
    key: 'web.listen-address',
    type: 'string',
    default: ':9870',
    description: 'Address the HTTP server listens on (host:port, :port for all interfaces).',
  },
  { key: 'web.telemetry-path', type: 'string', default: '/metrics', description: 'Path under which the metrics are served.' },
  {
    key: 'web.config.file',
    type: 'string',
    default: '',
    description:
      'Web configuration file in the Prometheus exporter-toolkit format (tls_server_config, http_server_config headers, basic_auth_users with bcrypt hashes) for the listener; the admin API keeps its own users. Empty: plain HTTP, no authentication.',
  },
  {
    key: 'log.level',
    type: 'enum',
    default: 'info',
    choices: ['debug', 'info', 'warn', 'error'],
    description: 'Lowest level of log lines written to stderr.',
  },
  {
    key: 'log.format',
    type: 'enum',
    default: 'json',
    choices: ['json', 'logfmt'],
    description: 'Log line format: json for machines, logfmt for people.',
  },
  {
    key: 'cluster.name',
    type: 'string',
    default: '',
    description: 'Value of a `cluster` label added to every metric, so one Prometheus can hold many clusters. Empty: no label.',
  },

  {
    key: 'kafka.labels',
    type: 'list',
    default: [],
    description:
      "Constant labels added to every metric, as name=value, repeatable or comma-separated (kafka_exporter's --kafka.labels), for example kafka_cluster=prod. A name a metric already uses is a configuration error.",
  },
  {
    key: 'kafka.server',
    type: 'list',
    default: [],
    description:
      'Kafka bootstrap servers (host:port), repeatable or comma-separated. Empty: no cluster or quorum collector (and, with no capture configured either, the bundled demo capture is replayed).',
  },
  { key: 'kafka.client-id', type: 'string', default: 'kafka-sonar', description: 'Client id the exporter uses when talking to Kafka.' },
  { key: 'tls.enabled', type: 'boolean', default: false, description: 'Connect to Kafka with TLS.' },
  {
    key: 'tls.ca-file',
    type: 'string',
    default: '',
    description: "PEM file with the certificate authorities that signed the brokers' certificates.",
  },
  {
    key: 'tls.cert-file',
    type: 'string',
    default: '',
    description: 'PEM client certificate, for brokers that require TLS client authentication.',
  },
  { key: 'tls.key-file', type: 'string', default: '', description: 'PEM private key of the client certificate.' },
  {
    key: 'tls.server-name',
    type: 'string',
    default: '',
    description: "Server name to verify in the brokers' certificates, when it differs from the address.",
  },
  {
    key: 'tls.insecure-skip-tls-verify',
    type: 'boolean',
    default: false,
    description: "Do not verify the brokers' certificates (testing only).",
  },
  { key: 'sasl.enabled', type: 'boolean', default: false, description: 'Authenticate to Kafka with SASL.' },
  {
    key: 'sasl.mechanism',
    type: 'enum',
    default: 'plain',
    choices: ['plain', 'scram-sha256', 'scram-sha512'],
    description: 'SASL mechanism.',
  },
  { key: 'sasl.username', type: 'string', default: '', description: 'SASL user name.' },
  {
    key: 'sasl.password',
    type: 'string',
    default: '',
    secret: true,
    description: 'SASL password (prefer the environment variable or the file to a flag).',
  },

  {
    key: 'collector.cluster.enabled',
    type: 'boolean',
    default: true,
    description: 'Collect cluster metrics (brokers, topics, consumer groups) through the Kafka admin API.',
  },
  { key: 'collector.cluster.interval', type: 'duration', default: 30, description: 'Time between two cluster collection cycles.' },
  {
    key: 'collector.cluster.timeout',
    type: 'duration',
    default: 25,
    description: 'Longest time one cluster collection cycle may take before it counts as failed.',
  },
  {
    key: 'collector.cluster.stage-timeout',
    type: 'duration',
    default: 10,
    description:
      'Longest time one request of a stage (metadata, offsets, configs, log dirs, groups, quorum) may take; a stage that times out leaves its metrics out of the cycle.',
  },
  { key: 'collector.cluster.concurrency', type: 'integer', default: 8, description: 'Requests in flight at once during a cycle.' },
  {
    key: 'collector.cluster.granularity',
    type: 'enum',
    default: 'partition',
    choices: ['partition', 'topic'],
    description: 'partition: per-partition series; topic: only per-topic aggregates, for very large clusters.',
  },
  {
    key: 'collector.cluster.max-series',
    type: 'integer',
    default: 250000,
    description: 'Series budget of the cluster collector; series beyond it are left out and counted in kafka_sonar_series_dropped_total.',
  },
  {
    key: 'collector.cluster.topic-info-configs',
    type: 'list',
    default: ['cleanup.policy', 'retention.ms', 'min.insync.replicas'],
    description: 'Topic configs carried as labels by kafka_topic_info.',
  },
  {
    key: 'collector.cluster.log-dirs',
    type: 'boolean',
    default: true,
    description: 'Collect log directory sizes and state (DescribeLogDirs on every broker).',
  },
  {
    key: 'collector.cluster.offset-history',
    type: 'integer',
    default: 120,
    description: 'Log end offset samples kept per partition to estimate lag in seconds.',
  },
  {
    key: 'collector.cluster.lag-timestamp-reads',
    type: 'integer',
    default: 500,
    description:
      'Most records read per cycle for their timestamp, to measure lag in seconds where the offset history cannot tell it (after a start, behind a burst); each (partition, committed offset) is read once. 0: no reads, lag in seconds only from the history.',
  },
  {
    key: 'compat.kafka-lag-exporter',
    type: 'boolean',
    default: false,
    description:
      "Also serve kafka-lag-exporter's metric families with its names and labels (cluster_name, group, topic, partition, member_host, consumer_id, client_id), so its dashboard and alerts work unchanged.",
  },
  {
    key: 'collector.cluster.status-window',
    type: 'duration',
    default: 600,
    description: "Window over which a consumer group's status (OK, WARN, STALL, STOP, REWIND) is judged.",
  },
  {
    key: 'collector.cluster.groups-per-request',
    type: 'integer',
    default: 50,
    description: 'Consumer groups per DescribeGroups and OffsetFetch request.',
  },
  {
    key: 'topic.filter',
    type: 'string',
    default: '.*',
    description: 'Regular expression: only topics whose whole name matches are collected.',
  },
  { key: 'topic.exclude', type: 'string', default: '^$', description: 'Regular expression: topics whose whole name matches are left out.' },
  {
    key: 'group.filter',
    type: 'string',
    default: '.*',
    description: 'Regular expression: only consumer groups whose whole id matches are collected.',
  },
  {
    key: 'group.exclude',
    type: 'string',
    default: '^$',
    description: 'Regular expression: consumer groups whose whole id matches are left out.',
  },

  {
    key: 'zookeeper.server',
    type: 'list',
    default: [],
    description: 'ZooKeeper ensemble members (host:port), repeatable or comma-separated; list every member. Empty: no ZooKeeper collector.',
  },
  {
    key: 'zookeeper.chroot',
    type: 'string',
    default: '',
    description: "Path under which Kafka keeps its znodes (the chroot at the end of Kafka's zookeeper.connect). Empty: the root.",
  },
  {
    key: 'zookeeper.tls.enabled',
    type: 'boolean',
    default: false,
    description: "Send the four-letter words over TLS (ZooKeeper's secureClientPort).",
  },
  {
    key: 'zookeeper.tls.ca-file',
    type: 'string',
    default: '',
    description: "PEM file with the certificate authorities that signed the ZooKeeper members' certificates.",
  },
  {
    key: 'zookeeper.tls.cert-file',
    type: 'string',
    default: '',
    description: 'PEM client certificate, for members that require TLS client authentication.',
  },
  { key: 'zookeeper.tls.key-file', type: 'string', default: '', description: 'PEM private key of the client certificate.' },
  {
    key: 'zookeeper.tls.insecure-skip-tls-verify',
    type: 'boolean',
    default: false,
    description: "Do not verify the ZooKeeper members' certificates (testing only).",
  },
  {
    key: 'collector.zookeeper.enabled',
    type: 'boolean',
    default: true,
    description: "Collect the ZooKeeper ensemble and Kafka's znodes when zookeeper.server is set.",
  },
  { key: 'collector.zookeeper.interval', type: 'duration', default: 30, description: 'Time between two ZooKeeper collection cycles.' },
  {
    key: 'collector.zookeeper.timeout',
    type: 'duration',
    default: 10,
    description:
      'Longest time one ZooKeeper collection cycle may take before it counts as failed; also the timeout of each four-letter word.',
  },
  {
    key: 'collector.zookeeper.znodes',
    type: 'boolean',
    default: true,
    description:
      "Read Kafka's znodes (broker registrations, controller, dynamic configs, reassignments, old consumers' offsets) through a ZooKeeper session; plain TCP only.",
  },

  {
    key: 'collector.quorum.enabled',
    type: 'boolean',
    default: true,
    description: 'Collect the KRaft controller quorum (DescribeQuorum); on ZooKeeper clusters it finds no quorum and exports nothing.',
  },
  { key: 'collector.quorum.interval', type: 'duration', default: 30, description: 'Time between two quorum collection cycles.' },
  {
    key: 'collector.quorum.timeout',
    type: 'duration',
    default: 10,
    description: 'Longest time one quorum collection cycle may take before it counts as failed.',
  },

  {
    key: 'schema-registry.url',
    type: 'string',
    default: '',
    description:
      "Base URL of a schema registry speaking the Confluent REST API (Confluent, Apicurio's ccompat API, Redpanda, Karapace). Empty: no schema registry collector.",
  },
  {
    key: 'schema-registry.username',
    type: 'string',
    default: '',
    description: 'User name for HTTP basic authentication to the schema registry.',
  },
  {
    key: 'schema-registry.password',
    type: 'string',
    default: '',
    secret: true,
    description: 'Password for HTTP basic authentication to the schema registry (prefer the environment variable or the file to a flag).',
  },
  {
    key: 'schema-registry.ca-file',
    type: 'string',
    default: '',
    description: "PEM file with the certificate authorities that signed the schema registry's certificate.",
  },
  {
    key: 'schema-registry.cert-file',
    type: 'string',
    default: '',
    description: 'PEM client certificate, for a registry that requires TLS client authentication.',
  },
  { key: 'schema-registry.key-file', type: 'string', default: '', description: 'PEM private key of the client certificate.' },
  {
    key: 'schema-registry.insecure-skip-tls-verify',
    type: 'boolean',
    default: false,
    description: "Do not verify the schema registry's certificate (testing only).",
  },
  {
    key: 'collector.schema-registry.enabled',
    type: 'boolean',
    default: true,
    description: 'Collect the schema registry when schema-registry.url is set.',
  },
  {
    key: 'collector.schema-registry.interval',
    type: 'duration',
    default: 60,
    description: 'Time between two schema registry collection cycles.',
  },
  {
    key: 'collector.schema-registry.timeout',
    type: 'duration',
    default: 30,
    description: 'Longest time one schema registry collection cycle may take before it counts as failed.',
  },
  {
    key: 'collector.schema-registry.concurrency',
    type: 'integer',
    default: 4,
    description: 'Requests to the schema registry in flight at once during a cycle.',
  },

  {
    key: 'jmx.jolokia-url',
    type: 'list',
    default: [],
    description:
      "Jolokia agent URL of a broker (http(s)://host:8778/jolokia), repeatable or comma-separated, one per broker; or one URL with {host} in it, filled with each broker's host from the cluster metadata (needs kafka.server). Empty: no JMX collector.",
  },
  { key: 'jmx.username', type: 'string', default: '', description: 'User name for HTTP basic authentication to the Jolokia agents.' },
  {
    key: 'jmx.password',
    type: 'string',
    default: '',
    secret: true,
    description: 'Password for HTTP basic authentication to the Jolokia agents (prefer the environment variable or the file to a flag).',
  },
  {
    key: 'jmx.ca-file',
    type: 'string',
    default: '',
    description: "PEM file with the certificate authorities that signed the agents' certificates.",
  },
  {
    key: 'jmx.cert-file',
    type: 'string',
    default: '',
    description: 'PEM client certificate, for agents that require TLS client authentication.',
  },
  { key: 'jmx.key-file', type: 'string', default: '', description: 'PEM private key of the client certificate.' },
  {
    key: 'jmx.insecure-skip-tls-verify',
    type: 'boolean',
    default: false,
    description: "Do not verify the agents' certificates (testing only).",
  },
  {
    key: 'jmx.rules-file',
    type: 'list',
    default: [],
    description:
      "Rules files in the Prometheus JMX exporter's format (pattern, name, labels, type, value; includeObjectNames says which MBeans each reads), repeatable; an MBean is named by the first file whose includeObjectNames take it. Empty: the bundled jmx/kafka-broker-rules.yaml (broker metrics as Strimzi's JMX exporter rules name them) and jmx/jvm-rules.yaml (the JMX exporter's JVM metrics).",
  },

  { key: 'collector.jmx.enabled', type: 'boolean', default: true, description: 'Collect broker MBeans when jmx.jolokia-url is set.' },
  { key: 'collector.jmx.interval', type: 'duration', default: 30, description: 'Time between two JMX collection cycles.' },
  {
    key: 'collector.jmx.timeout',
    type: 'duration',
    default: 10,
    description: 'Longest time one agent may take to answer a cycle; an agent that takes longer counts as down for that cycle.',
  },
  {
    key: 'collector.jmx.max-series',
    type: 'integer',
    default: 100000,
    description: 'Largest number of series the JMX collector exports (all brokers together); the rest are dropped and counted.',
  },

  {
    key: 'sniff.interface',
    type: 'string',
    default: '',
    description:
      'Network interface to capture Kafka traffic on (eth0, any, lo, ...); needs root or CAP_NET_RAW and the capture addon. Empty: no live capture.',
  },
  {
    key: 'sniff.replay',
    type: 'string',
    default: '',
    description: 'pcap or pcapng file to decode once instead of a live capture; its clients are served as if captured (and never expire).',
  },
  {
    key: 'sniff.broker-ports',
    type: 'list',
    default: ['9092'],
    description:
      'Broker listener ports, repeatable or comma-separated: they tell the broker side of connections and build the default capture filter.',
  },
  { key: 'sniff.bpf-filter', type: 'string', default: '', description: 'Capture filter (BPF syntax). Empty: TCP on the broker ports.' },
  {
    key: 'sniff.buffer-size',
    type: 'integer',
    default: 33554432,
    description: 'Kernel capture buffer in bytes; a larger buffer absorbs longer bursts before packets are dropped.',
  },
  {
    key: 'sniff.max-frame-size',
    type: 'integer',
    default: 8388608,
    description:
      'Largest Kafka frame (request or response) buffered whole to decode it, in bytes. Larger Produce requests and Fetch responses are decoded as they pass (records counted from batch headers); other larger frames count as requests and bytes but not records; kafka_sonar_sniffer_oversize_frames_total counts both. Each connection may buffer one frame of this size per direction.',
  },
  {
    key: 'sniff.print',
    type: 'boolean',
    default: false,
    description: 'Write one line per request with its response to standard output, as kafka-sonar replay does.',
  },
  {
    key: 'sniff.client-idle-timeout',
    type: 'duration',
    default: 600,
    description: 'Clients that sent nothing for this long are forgotten and their series removed.',
  },
  {
    key: 'sniff.max-clients',
    type: 'integer',
    default: 10000,
    description:
      'Clients (client address and client id) tracked at once. When full, a new client takes the place of the least recently active one if that one has been silent for a minute (kafka_sonar_sniffer_clients_evicted_total); otherwise its requests are counted in kafka_sonar_sniffer_clients_dropped_total.',
  },
  {
    key: 'sniff.max-series',
    type: 'integer',
    default: 200000,
    description:
      'Series budget of the client metrics; series beyond it are left out and counted in kafka_sonar_series_dropped_total{collector="sniffer"}.',
  },
  {
    key: 'sniff.conntrack',
    type: 'enum',
    default: 'auto',
    choices: ['auto', 'on', 'off'],
    description:
      'Resolve clients hidden behind NAT (SNAT, masquerade, Kubernetes Services) from the conntrack table during a live capture: auto uses it when readable, on warns when it is not.',
  },
  {
    key: 'sniff.conntrack-file',
    type: 'string',
    default: '/proc/net/nf_conntrack',
    description: 'The conntrack table to read; when unreadable, the conntrack tool (netlink) is tried.',
  },
  {
    key: 'sniff.kubernetes-pods',
    type: 'boolean',
    default: false,
    description:
      "Label kafka_client_info and /clients entries with the pod and namespace of the client's address, listed through the Kubernetes API with the agent's service account (needs RBAC permission to list pods in all namespaces). Outside a cluster it stays off and says so.",
  },
  {
    key: 'sniff.kubernetes-pods-refresh',
    type: 'duration',
    default: 60,
    description: 'Time between two lists of the pods (sniff.kubernetes-pods).',
  },

  {
    key: 'admin.enabled',
    type: 'boolean',
    default: false,
    description:
      'Serve the admin REST API (/v3 and /sonar/v1: topics, configs) on the web listener. Needs admin.users-file (or admin.insecure-no-auth), admin.audit-file and kafka.server.',
  },
  {
    key: 'admin.users-file',
    type: 'string',
    default: '',
    description:
      "YAML file of the admin API's users (bcrypt password hashes, as htpasswd -nbB makes them) and custom roles; reloaded when it changes and on SIGHUP.",
  },
  {
    key: 'admin.users-reload-interval',
    type: 'duration',
    default: 30,
    description: 'Time between two checks of the users file for a change.',
  },
  {
    key: 'admin.insecure-no-auth',
    type: 'boolean',
    default: false,
    description: 'Serve the admin API without authentication, everyone an admin (testing only; a warning is logged at start).',
  },
  {
    key: 'admin.read-only',
    type: 'boolean',
    default: false,
    description: 'Refuse every mutation of the admin API (403); reads are served.',
  },
  {
    key: 'admin.audit-file',
    type: 'string',
    default: '',
    description:
      'File the admin API appends one JSON line per mutation to (done, dry run or refused). When it cannot be written, mutations are refused (503).',
  },
  { key: 'admin.timeout', type: 'duration', default: 30, description: 'Longest time one admin request to Kafka may take.' },

  {
    key: 'otlp.endpoint',
    type: 'string',
    default: '',
    description: 'OTLP/HTTP metrics endpoint (for example http://collector:4318/v1/metrics). Empty: no push.',
  },
  { key: 'otlp.interval', type: 'duration', default: 60, description: 'Time between two OTLP pushes.' },
  {
    key: 'otlp.headers',
    type: 'list',
    default: [],
    secret: true,
    description: 'Extra HTTP headers for the OTLP push, as name=value, repeatable.',
  },
] as const satisfies readonly OptionDefinition[];

/** Each entry keeps its literal types and is also an OptionDefinition, so `option.secret` or `option.choices` reads on any entry. */
type DefinedOptions<T extends readonly OptionDefinition[]> = { readonly [I in keyof T]: T[I] & OptionDefinition };

export const OPTIONS: DefinedOptions<typeof OPTION_TABLE> = OPTION_TABLE;

/** The key of a known option; a misspelt key is a type error. */
export type OptionKey = (typeof OPTIONS)[number]['key'];

/** The value an option of each type has once loaded (durations in seconds); an enum's is the union of its choices. */
interface ValueOfOptionType {
  readonly string: string;
  readonly list: string[];
  readonly boolean: boolean;
  readonly integer: number;
  readonly duration: number;
  readonly enum: string;
}

type OptionEntry = (typeof OPTION_TABLE)[number];

/** The loaded value type of every option, by key. */
export type OptionValues = {
  readonly [O in OptionEntry as O['key']]: O extends { readonly type: 'enum'; readonly choices: readonly (infer Choice extends string)[] }
    ? Choice
    : ValueOfOptionType[O['type']];
};

export type OptionValueOf<K extends OptionKey> = OptionValues[K];

export const OPTION_BY_KEY: ReadonlyMap<string, OptionDefinition> = new Map(OPTIONS.map((option) => [option.key, option]));

export function environmentVariableFor(key: string): string {
  return 'KAFKA_SONAR_' + key.toUpperCase().replace(/[.-]/g, '_');
}

export function formatDefault(option: OptionDefinition): string {
  const value = option.default;
  if (Array.isArray(value)) return value.join(',');
  if (option.type === 'duration') return `${String(value)}s`;
  return String(value);
}
