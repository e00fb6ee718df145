/** Pure parsers of the JSON Kafka (up to 3.9) keeps in ZooKeeper. */

export interface BrokerRegistration {
  readonly id: number;
  /** Version of the registration JSON (1 to 5). */
  readonly version: number;
  readonly host: string;
  readonly port: number;
  /** -1 when JMX is off. */
  readonly jmxPort: number;
  readonly endpoints: readonly string[];
  /** Listener name to security protocol (version 4+); before that each listener is named after its protocol. */
  readonly securityProtocolMap: Readonly<Record<string, string>>;
  readonly rack: string | null;
  /** When the broker registered (ms since the epoch). */
  readonly timestampMs: number | undefined;
}

export interface ControllerRegistration {
  readonly brokerId: number;
  readonly timestampMs: number | undefined;
}

export type DynamicConfigEntity = 'brokers' | 'topics' | 'clients' | 'users';
export const DYNAMIC_CONFIG_ENTITIES: readonly DynamicConfigEntity[] = ['brokers', 'topics', 'clients', 'users'];

export interface DynamicConfig {
  readonly entityType: DynamicConfigEntity;
  /** Broker id, topic, client id, user (or `<default>`; users/<user>/clients/<client> is `<user>/<client>`). */
  readonly entity: string;
  readonly configs: ReadonlyMap<string, string>;
}

export interface PartitionReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
}

type Json = Record<string, unknown>;

function parseObject(text: string, what: string): Json {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what}: not a JSON object`);
  return value as Json;
}

const integer = (value: unknown): number | undefined => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
};
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** `host:port` of the first endpoint, for registrations whose host/port fields are empty (version 2+ with only TLS or named listeners). */
function firstEndpointAddress(endpoints: readonly string[]): { host: string; port: number } | undefined {
  const match = /^[^:]+:\/\/(\[[^\]]+\]|[^:]*):(\d+)$/.exec(endpoints[0] ?? '');
  return match ? { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) } : undefined;
}

/** /brokers/ids/<id>, JSON versions 1 to 5. */
export function parseBrokerRegistration(id: number, data: string): BrokerRegistration {
  const json = parseObject(data, `/brokers/ids/${id}`);
  const endpoints = Array.isArray(json.endpoints) ? json.endpoints.filter((entry): entry is string => typeof entry === 'string') : [];
  const protocolMap =
    typeof json.listener_security_protocol_map === 'object' && json.listener_security_protocol_map !== null
      ? Object.fromEntries(
          Object.entries(json.listener_security_protocol_map as Json).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        )
      : Object.fromEntries(endpoints.map((endpoint) => endpoint.split('://')[0]!).map((name) => [name, name]));
  const fallback = firstEndpointAddress(endpoints);
  const host = text(json.host);
  const port = integer(json.port);
  return {
    id,
    version: integer(json.version) ?? 1,
    host: host || fallback?.host || '',
    port: port !== undefined && port > 0 ? port : (fallback?.port ?? -1),
    jmxPort: integer(json.jmx_port) ?? -1,
    endpoints,
    securityProtocolMap: protocolMap,
    rack: text(json.rack) ?? null,
    timestampMs: integer(json.timestamp),
  };
}

/** /controller: `{"version":1|2,"brokerid":N,"timestamp":"ms"}` (version 2 adds kraftControllerEpoch, -1 outside a migration). */
export function parseController(data: string): ControllerRegistration {
  const json = parseObject(data, '/controller');
  const brokerId = integer(json.brokerid);
  if (brokerId === undefined) throw new Error('/controller: no brokerid');
  return { brokerId, timestampMs: integer(json.timestamp) };
}

export function parseControllerEpoch(data: string): number {
  const epoch = integer(data.trim());
  if (epoch === undefined) throw new Error(`/controller_epoch: ${JSON.stringify(data)} is not a number`);
  return epoch;
}

/** /config/<entity type>/<entity>: `{"version":1,"config":{...}}`. */
export function parseDynamicConfig(entityType: DynamicConfigEntity, entity: string, data: string): DynamicConfig {
  const json = parseObject(data, `/config/${entityType}/${entity}`);
  const config = typeof json.config === 'object' && json.config !== null ? (json.config as Json) : {};
  const configs = new Map<string, string>();
  for (const [name, value] of Object.entries(config)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') configs.set(name, String(value));
  }
  return { entityType, entity, configs };
}

/** /admin/reassign_partitions: `{"version":1,"partitions":[{"topic":..,"partition":..,"replicas":[..]}]}`. */
export function parseReassignments(data: string): PartitionReassignment[] {
  const json = parseObject(data, '/admin/reassign_partitions');
  const partitions = Array.isArray(json.partitions) ? json.partitions : [];
  return partitions.flatMap((entry: unknown): PartitionReassignment[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { topic, partition, replicas } = entry as Json;
    const index = integer(partition);
    if (typeof topic !== 'string' || index === undefined || !Array.isArray(replicas)) return [];
    return [{ topic, partition: index, replicas: replicas.map(integer).filter((id): id is number => id !== undefined) }];
  });
}

/**
 * /brokers/topics/<topic>: `{"version":3,"partitions":{"0":[2,1]},"adding_replicas":{"0":[2]},"removing_replicas":{"0":[1]}}`.
 * Since Kafka 2.4 a reassignment in progress lives here (adding and removing replicas); its target is the
 * replica list without the replicas being removed.
 */
export function parseTopicReassignments(topic: string, data: string): PartitionReassignment[] {
  const json = parseObject(data, `/brokers/topics/${topic}`);
  const replicaMap = (value: unknown): Map<number, number[]> =>
    new Map(
      Object.entries(typeof value === 'object' && value !== null ? (value as Json) : {})
        .filter((entry): entry is [string, unknown[]] => /^\d+$/.test(entry[0]) && Array.isArray(entry[1]))
        .map(([partition, replicas]) => [Number(partition), replicas.map(integer).filter((id): id is number => id !== undefined)]),
    );
  const partitions = replicaMap(json.partitions);
  const adding = replicaMap(json.adding_replicas);
  const removing = replicaMap(json.removing_replicas);
  const moving = [...new Set([...adding.keys(), ...removing.keys()])].filter(
    (partition) => (adding.get(partition)?.length ?? 0) + (removing.get(partition)?.length ?? 0) > 0,
  );
  return moving
    .sort((a, b) => a - b)
    .map((partition) => {
      const removed = new Set(removing.get(partition) ?? []);
      return { topic, partition, replicas: (partitions.get(partition) ?? []).filter((id) => !removed.has(id)) };
    });
}
