import { ConfigError } from './errors.ts';
import { readConfigFile } from './file.ts';
import { OPTIONS, OPTION_BY_KEY, environmentVariableFor, type OptionDefinition, type OptionKey, type OptionValueOf } from './options.ts';
import { coerceOptionValue, type OptionValue } from './values.ts';

export type SaslMechanism = 'plain' | 'scram-sha256' | 'scram-sha512';

export interface KafkaConnectionConfig {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly tls: {
    readonly enabled: boolean;
    readonly caFile: string;
    readonly certFile: string;
    readonly keyFile: string;
    readonly serverName: string;
    readonly insecureSkipVerify: boolean;
  };
  readonly sasl: { readonly enabled: boolean; readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
}

export interface CollectorSchedule {
  readonly enabled: boolean;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
}

export interface ClusterCollectorConfig extends CollectorSchedule {
  readonly stageTimeoutSeconds: number;
  readonly concurrency: number;
  readonly granularity: 'partition' | 'topic';
  readonly maxSeries: number;
  readonly topicInfoConfigs: readonly string[];
  readonly logDirs: boolean;
  readonly offsetHistory: number;
  /** Records read per cycle for their timestamp (lag in seconds); 0 for none. */
  readonly lagTimestampReads: number;
  /** --compat.kafka-lag-exporter */
  readonly kafkaLagExporter: boolean;
  readonly statusWindowSeconds: number;
  readonly groupsPerRequest: number;
  readonly topics: NameFilter;
  readonly groups: NameFilter;
}

export interface TlsFilesConfig {
  readonly enabled: boolean;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly insecureSkipVerify: boolean;
}

export interface ZookeeperCollectorConfig extends CollectorSchedule {
  /** Ensemble members as host:port; the collector is enabled when there is at least one. */
  readonly servers: readonly string[];
  readonly chroot: string;
  readonly tls: TlsFilesConfig;
  readonly znodes: boolean;
}

export interface SchemaRegistryCollectorConfig extends CollectorSchedule {
  /** Base URL; the collector is enabled when it is set. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** `enabled` is true for https URLs. */
  readonly tls: TlsFilesConfig;
  readonly concurrency: number;
}

export interface JmxCollectorConfig extends CollectorSchedule {
  /** One URL per broker, or one template with {host}. */
  readonly jolokiaUrls: readonly string[];
  readonly username: string;
  readonly password: string;
  readonly tls: TlsFilesConfig;
  /** Empty for the bundled rules. */
  readonly rulesFiles: readonly string[];
  readonly maxSeries: number;
}

/** Allow and deny regular expressions, matched against whole names. */
export interface NameFilter {
  readonly include: RegExp;
  readonly exclude: RegExp;
}

export interface SnifferConfig {
  /** A live capture or a replayed file is configured (or the demo replay runs). */
  readonly enabled: boolean;
  /** Capture interface; '' when not capturing live. */
  readonly interface: string;
  /** Capture file to replay; '' when none. */
  readonly replay: string;
  /** Nothing at all was configured: the bundled demo capture is replayed. */
  readonly demo: boolean;
  readonly brokerPorts: readonly number[];
  /** '' means built from the broker ports. */
  readonly bpfFilter: string;
  readonly bufferSizeBytes: number;
  readonly maxFrameBytes: number;
  readonly print: boolean;
  readonly clientIdleTimeoutSeconds: number;
  readonly maxClients: number;
  readonly maxSeries: number;
  /** Resolve clients behind NAT from the conntrack table (live capture only). */
  readonly conntrack: 'auto' | 'on' | 'off';
  readonly conntrackFile: string;
  /** Map client addresses to pods through the Kubernetes API. */
  readonly kubernetesPods: boolean;
  readonly kubernetesPodsRefreshSeconds: number;
}

export interface AdminConfig {
  readonly enabled: boolean;
  /** '' only with insecureNoAuth. */
  readonly usersFile: string;
  readonly usersReloadSeconds: number;
  readonly insecureNoAuth: boolean;
  readonly readOnly: boolean;
  readonly auditFile: string;
  readonly timeoutSeconds: number;
}

export interface Config {
  readonly web: { readonly listenAddress: string; readonly telemetryPath: string; readonly configFile: string };
  readonly log: { readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly format: 'json' | 'logfmt' };
  readonly clusterName: string;
  /** --kafka.labels: constant labels on every series, beside the cluster label. */
  readonly constantLabels: Readonly<Record<string, string>>;
  readonly kafka: KafkaConnectionConfig;
  readonly collectors: {
    readonly cluster: ClusterCollectorConfig;
    readonly zookeeper: ZookeeperCollectorConfig;
    readonly quorum: CollectorSchedule;
    readonly schemaRegistry: SchemaRegistryCollectorConfig;
    readonly jmx: JmxCollectorConfig;
  };
  readonly sniffer: SnifferConfig;
  readonly otlp: { readonly endpoint: string; readonly intervalSeconds: number; readonly headers: Readonly<Record<string, string>> };
  readonly admin: AdminConfig;
}

export interface ConfigSources {
  readonly flags?: ReadonlyMap<string, readonly string[]>;
  readonly environment?: Readonly<Record<string, string | undefined>>;
  readonly configFile?: string | undefined;
}

function valueFromFlags(option: OptionDefinition, raws: readonly string[]): OptionValue {
  if (option.type === 'list') return raws.flatMap((raw) => coerceOptionValue(option, raw, `flag --${option.key}`) as string[]);
  return coerceOptionValue(option, raws.at(-1), `flag --${option.key}`);
}

/**
 * Resolves every option: flags win over the environment, the environment over the file, the file over defaults.
 * Keyed by plain strings: flag and file keys are checked against OPTION_BY_KEY when they are parsed.
 */
export function resolveOptionValues(sources: ConfigSources): Map<string, OptionValue> {
  const values = new Map<string, OptionValue>();
  for (const option of OPTIONS)
    values.set(option.key, Array.isArray(option.default) ? [...option.default] : (option.default as OptionValue));

  if (sources.configFile !== undefined) {
    for (const [key, raw] of readConfigFile(sources.configFile)) {
      values.set(key, coerceOptionValue(OPTION_BY_KEY.get(key)!, raw, `config file ${sources.configFile}`));
    }
  }
  for (const option of OPTIONS) {
    const name = environmentVariableFor(option.key);
    const raw = sources.environment?.[name];
    if (raw !== undefined) values.set(option.key, coerceOptionValue(option, raw, `environment variable ${name}`));
  }
  for (const [key, raws] of sources.flags ?? []) values.set(key, valueFromFlags(OPTION_BY_KEY.get(key)!, raws));
  return values;
}

/** name=value entries of a list option (later entries win); a ConfigError naming the option for anything else. */
function parsePairs(entries: readonly string[], key: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new ConfigError(`${key}: expected name=value, got ${JSON.stringify(entry)}`);
    pairs[entry.slice(0, equals).trim()] = entry.slice(equals + 1).trim();
  }
  return pairs;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function parseConstantLabels(entries: readonly string[], clusterName: string): Record<string, string> {
  const labels = parsePairs(entries, 'kafka.labels');
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw new ConfigError(
        `kafka.labels: ${JSON.stringify(name)} is not a Prometheus label name (a letter or _, then letters, digits or _; no leading __)`,
      );
    }
    if (name === 'cluster' && clusterName !== '')
      throw new ConfigError('kafka.labels: cluster is the label cluster.name sets: set one or the other');
  }
  return labels;
}

function wholeNameRegex(pattern: string, key: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw new ConfigError(`${key}: ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`);
  }
}

export function passesFilter(filter: NameFilter, name: string): boolean {
  return filter.include.test(name) && !filter.exclude.test(name);
}

function checkConsistency(config: Config): void {
  const { tls, sasl, bootstrapServers } = config.kafka;
  for (const server of bootstrapServers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(server) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(server)) {
      throw new ConfigError(`kafka.server: ${JSON.stringify(server)} is not host:port`);
    }
  }
  if ((tls.certFile === '') !== (tls.keyFile === '')) {
    throw new ConfigError('tls.cert-file and tls.key-file go together: set both or neither');
  }
  if (sasl.enabled && sasl.username === '') throw new ConfigError('sasl.enabled is set but sasl.username is empty');
  if (!/^(\[[^\]]+\]|[^:]*):\d{1,5}$/.test(config.web.listenAddress)) {
    throw new ConfigError(`web.listen-address: ${JSON.stringify(config.web.listenAddress)} is not [host]:port`);
  }
  if (!config.web.telemetryPath.startsWith('/')) throw new ConfigError('web.telemetry-path must start with /');
  if (config.otlp.endpoint !== '' && !/^https?:\/\//.test(config.otlp.endpoint)) {
    throw new ConfigError(`otlp.endpoint: ${JSON.stringify(config.otlp.endpoint)} is not an http(s) URL`);
  }
  if (config.collectors.cluster.intervalSeconds <= 0) throw new ConfigError('collector.cluster.interval must be greater than 0');
  const cluster = config.collectors.cluster;
  if (cluster.timeoutSeconds <= 0) throw new ConfigError('collector.cluster.timeout must be greater than 0');
  if (cluster.stageTimeoutSeconds <= 0) throw new ConfigError('collector.cluster.stage-timeout must be greater than 0');
  if (cluster.lagTimestampReads < 0) throw new ConfigError('collector.cluster.lag-timestamp-reads must be 0 or more');
  checkCollectorsConsistency(config);
  checkSnifferConsistency(config.sniffer);
  checkAdminConsistency(config);
  for (const [key, value] of [
    ['collector.cluster.concurrency', cluster.concurrency],
    ['collector.cluster.max-series', cluster.maxSeries],
    ['collector.cluster.offset-history', cluster.offsetHistory],
    ['collector.cluster.groups-per-request', cluster.groupsPerRequest],
  ] as const) {
    if (value < 1) throw new ConfigError(`${key} must be at least 1`);
  }
}

function checkCollectorsConsistency(config: Config): void {
  const { zookeeper, quorum, schemaRegistry } = config.collectors;
  for (const server of zookeeper.servers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(server) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(server)) {
      throw new ConfigError(`zookeeper.server: ${JSON.stringify(server)} is not host:port (give the chroot in zookeeper.chroot)`);
    }
  }
  if (zookeeper.tls.enabled && zookeeper.enabled && zookeeper.znodes) {
    throw new ConfigError(
      'zookeeper.tls.enabled: znodes are read over plain TCP only; set collector.zookeeper.znodes=false to watch a TLS-only ensemble through its four-letter words',
    );
  }
  if (schemaRegistry.url !== '' && !/^https?:\/\/[^/]/.test(schemaRegistry.url)) {
    throw new ConfigError(`schema-registry.url: ${JSON.stringify(schemaRegistry.url)} is not an http(s) URL`);
  }
  if (schemaRegistry.password !== '' && schemaRegistry.username === '')
    throw new ConfigError('schema-registry.password is set but schema-registry.username is empty');
  for (const [prefix, tls] of [
    ['zookeeper.tls', zookeeper.tls],
    ['schema-registry', schemaRegistry.tls],
  ] as const) {
    if ((tls.certFile === '') !== (tls.keyFile === ''))
      throw new ConfigError(`${prefix}.cert-file and ${prefix}.key-file go together: set both or neither`);
  }
  for (const [name, schedule] of [
    ['zookeeper', zookeeper],
    ['quorum', quorum],
    ['schema-registry', schemaRegistry],
  ] as const) {
    if (schedule.intervalSeconds <= 0) throw new ConfigError(`collector.${name}.interval must be greater than 0`);
    if (schedule.timeoutSeconds <= 0) throw new ConfigError(`collector.${name}.timeout must be greater than 0`);
  }
  if (schemaRegistry.concurrency < 1) throw new ConfigError('collector.schema-registry.concurrency must be at least 1');
  checkJmxConsistency(config);
}

function checkJmxConsistency(config: Config): void {
  const { jmx } = config.collectors;
  for (const url of jmx.jolokiaUrls) {
    if (!/^https?:\/\/[^/]/.test(url)) {
      const shown = url.replace(/\/\/[^/@]*@/, '//***@');
      throw new ConfigError(`jmx.jolokia-url: ${JSON.stringify(shown)} is not an http(s) URL`);
    }
  }
  const templates = jmx.jolokiaUrls.filter((url) => url.includes('{host}'));
  if (templates.length > 0 && jmx.jolokiaUrls.length > 1)
    throw new ConfigError('jmx.jolokia-url: give either one URL with {host} in it or one URL per broker, not both');
  if (templates.length > 0 && jmx.enabled && config.kafka.bootstrapServers.length === 0)
    throw new ConfigError('jmx.jolokia-url: {host} is filled from the cluster metadata, which needs kafka.server');
  if (jmx.password !== '' && jmx.username === '') throw new ConfigError('jmx.password is set but jmx.username is empty');
  if ((jmx.tls.certFile === '') !== (jmx.tls.keyFile === ''))
    throw new ConfigError('jmx.cert-file and jmx.key-file go together: set both or neither');
  if (jmx.intervalSeconds <= 0) throw new ConfigError('collector.jmx.interval must be greater than 0');
  if (jmx.timeoutSeconds <= 0) throw new ConfigError('collector.jmx.timeout must be greater than 0');
  if (jmx.maxSeries < 1) throw new ConfigError('collector.jmx.max-series must be at least 1');
}

function checkAdminConsistency(config: Config): void {
  const { admin } = config;
  if (!admin.enabled) return;
  if (admin.usersFile === '' && !admin.insecureNoAuth) {
    throw new ConfigError(
      'admin.enabled needs admin.users-file: give the users file, or set admin.insecure-no-auth to serve the admin API without authentication',
    );
  }
  if (admin.auditFile === '')
    throw new ConfigError('admin.enabled needs admin.audit-file: every mutation is audited, give the file to append to');
  if (config.kafka.bootstrapServers.length === 0)
    throw new ConfigError('admin.enabled needs kafka.server: the cluster the admin API acts on');
  if (admin.usersReloadSeconds <= 0) throw new ConfigError('admin.users-reload-interval must be greater than 0');
  if (admin.timeoutSeconds <= 0) throw new ConfigError('admin.timeout must be greater than 0');
}

function checkSnifferConsistency(sniffer: SnifferConfig): void {
  if (sniffer.interface !== '' && sniffer.replay !== '')
    throw new ConfigError('sniff.interface and sniff.replay exclude each other: capture live or replay a file');
  if (sniffer.clientIdleTimeoutSeconds <= 0) throw new ConfigError('sniff.client-idle-timeout must be greater than 0');
  if (sniffer.kubernetesPodsRefreshSeconds <= 0) throw new ConfigError('sniff.kubernetes-pods-refresh must be greater than 0');
  if (sniffer.bufferSizeBytes < 65_536) throw new ConfigError('sniff.buffer-size must be at least 65536 bytes');
  if (sniffer.maxFrameBytes < 65_536) throw new ConfigError('sniff.max-frame-size must be at least 65536 bytes');
  for (const [key, value] of [
    ['sniff.max-clients', sniffer.maxClients],
    ['sniff.max-series', sniffer.maxSeries],
  ] as const) {
    if (value < 1) throw new ConfigError(`${key} must be at least 1`);
  }
}

function parsePorts(entries: readonly string[]): number[] {
  return entries.map((entry) => {
    const port = Number(entry);
    if (!/^\d+$/.test(entry) || port < 1 || port > 65_535)
      throw new ConfigError(`sniff.broker-ports: ${JSON.stringify(entry)} is not a port (1-65535)`);
    return port;
  });
}

/** Reads one resolved option: the key must be a known one, and the value has that option's loaded type. */
export type OptionGetter = <K extends OptionKey>(key: K) => OptionValueOf<K>;

/** The typed accessor over resolved values; resolveOptionValues holds every key, so each read finds its value. */
export function optionGetter(values: ReadonlyMap<string, OptionValue>): OptionGetter {
  return <K extends OptionKey>(key: K): OptionValueOf<K> => values.get(key) as OptionValueOf<K>;
}

/** With nothing to watch configured (no Kafka, ZooKeeper, registry, Jolokia agent, capture or file), the demo capture is replayed. */
function snifferConfig(get: OptionGetter): SnifferConfig {
  const nothingConfigured =
    get('kafka.server').length === 0 &&
    get('zookeeper.server').length === 0 &&
    get('schema-registry.url') === '' &&
    get('jmx.jolokia-url').length === 0 &&
    get('sniff.interface') === '' &&
    get('sniff.replay') === '';
  return {
    enabled: nothingConfigured || get('sniff.interface') !== '' || get('sniff.replay') !== '',
    interface: get('sniff.interface'),
    replay: get('sniff.replay'),
    demo: nothingConfigured,
    brokerPorts: parsePorts(get('sniff.broker-ports')),
    bpfFilter: get('sniff.bpf-filter'),
    bufferSizeBytes: get('sniff.buffer-size'),
    maxFrameBytes: get('sniff.max-frame-size'),
    print: get('sniff.print'),
    clientIdleTimeoutSeconds: get('sniff.client-idle-timeout'),
    maxClients: get('sniff.max-clients'),
    maxSeries: get('sniff.max-series'),
    conntrack: get('sniff.conntrack'),
    conntrackFile: get('sniff.conntrack-file'),
    kubernetesPods: get('sniff.kubernetes-pods'),
    kubernetesPodsRefreshSeconds: get('sniff.kubernetes-pods-refresh'),
  };
}

export function loadConfig(sources: ConfigSources): Config {
  const get = optionGetter(resolveOptionValues(sources));
  const config: Config = {
    web: { listenAddress: get('web.listen-address'), telemetryPath: get('web.telemetry-path'), configFile: get('web.config.file') },
    log: { level: get('log.level'), format: get('log.format') },
    clusterName: get('cluster.name'),
    constantLabels: parseConstantLabels(get('kafka.labels'), get('cluster.name')),
    kafka: {
      bootstrapServers: get('kafka.server'),
      clientId: get('kafka.client-id'),
      tls: {
        enabled: get('tls.enabled'),
        caFile: get('tls.ca-file'),
        certFile: get('tls.cert-file'),
        keyFile: get('tls.key-file'),
        serverName: get('tls.server-name'),
        insecureSkipVerify: get('tls.insecure-skip-tls-verify'),
      },
      sasl: {
        enabled: get('sasl.enabled'),
        mechanism: get('sasl.mechanism'),
        username: get('sasl.username'),
        password: get('sasl.password'),
      },
    },
    collectors: {
      cluster: {
        enabled: get('collector.cluster.enabled') && get('kafka.server').length > 0,
        intervalSeconds: get('collector.cluster.interval'),
        timeoutSeconds: get('collector.cluster.timeout'),
        stageTimeoutSeconds: get('collector.cluster.stage-timeout'),
        concurrency: get('collector.cluster.concurrency'),
        granularity: get('collector.cluster.granularity'),
        maxSeries: get('collector.cluster.max-series'),
        topicInfoConfigs: get('collector.cluster.topic-info-configs'),
        logDirs: get('collector.cluster.log-dirs'),
        offsetHistory: get('collector.cluster.offset-history'),
        lagTimestampReads: get('collector.cluster.lag-timestamp-reads'),
        kafkaLagExporter: get('compat.kafka-lag-exporter'),
        statusWindowSeconds: get('collector.cluster.status-window'),
        groupsPerRequest: get('collector.cluster.groups-per-request'),
        topics: {
          include: wholeNameRegex(get('topic.filter'), 'topic.filter'),
          exclude: wholeNameRegex(get('topic.exclude'), 'topic.exclude'),
        },
        groups: {
          include: wholeNameRegex(get('group.filter'), 'group.filter'),
          exclude: wholeNameRegex(get('group.exclude'), 'group.exclude'),
        },
      },
      zookeeper: {
        enabled: get('collector.zookeeper.enabled') && get('zookeeper.server').length > 0,
        servers: get('zookeeper.server'),
        chroot: get('zookeeper.chroot'),
        intervalSeconds: get('collector.zookeeper.interval'),
        timeoutSeconds: get('collector.zookeeper.timeout'),
        znodes: get('collector.zookeeper.znodes'),
        tls: {
          enabled: get('zookeeper.tls.enabled'),
          caFile: get('zookeeper.tls.ca-file'),
          certFile: get('zookeeper.tls.cert-file'),
          keyFile: get('zookeeper.tls.key-file'),
          insecureSkipVerify: get('zookeeper.tls.insecure-skip-tls-verify'),
        },
      },
      quorum: {
        enabled: get('collector.quorum.enabled') && get('kafka.server').length > 0,
        intervalSeconds: get('collector.quorum.interval'),
        timeoutSeconds: get('collector.quorum.timeout'),
      },
      schemaRegistry: {
        enabled: get('collector.schema-registry.enabled') && get('schema-registry.url') !== '',
        url: get('schema-registry.url').replace(/\/+$/, ''),
        username: get('schema-registry.username'),
        password: get('schema-registry.password'),
        tls: {
          enabled: get('schema-registry.url').startsWith('https:'),
          caFile: get('schema-registry.ca-file'),
          certFile: get('schema-registry.cert-file'),
          keyFile: get('schema-registry.key-file'),
          insecureSkipVerify: get('schema-registry.insecure-skip-tls-verify'),
        },
        intervalSeconds: get('collector.schema-registry.interval'),
        timeoutSeconds: get('collector.schema-registry.timeout'),
        concurrency: get('collector.schema-registry.concurrency'),
      },
      jmx: {
        enabled: get('collector.jmx.enabled') && get('jmx.jolokia-url').length > 0,
        jolokiaUrls: get('jmx.jolokia-url').map((url) => url.replace(/\/+$/, '')),
        username: get('jmx.username'),
        password: get('jmx.password'),
        tls: {
          enabled: get('jmx.jolokia-url').some((url) => url.startsWith('https:')),
          caFile: get('jmx.ca-file'),
          certFile: get('jmx.cert-file'),
          keyFile: get('jmx.key-file'),
          insecureSkipVerify: get('jmx.insecure-skip-tls-verify'),
        },
        rulesFiles: get('jmx.rules-file'),
        intervalSeconds: get('collector.jmx.interval'),
        timeoutSeconds: get('collector.jmx.timeout'),
        maxSeries: get('collector.jmx.max-series'),
      },
    },
    sniffer: snifferConfig(get),
    otlp: {
      endpoint: get('otlp.endpoint'),
      intervalSeconds: get('otlp.interval'),
      headers: parsePairs(get('otlp.headers'), 'otlp.headers'),
    },
    admin: {
      enabled: get('admin.enabled'),
      usersFile: get('admin.users-file'),
      usersReloadSeconds: get('admin.users-reload-interval'),
      insecureNoAuth: get('admin.insecure-no-auth'),
      readOnly: get('admin.read-only'),
      auditFile: get('admin.audit-file'),
      timeoutSeconds: get('admin.timeout'),
    },
  };
  checkConsistency(config);
  return config;
}
