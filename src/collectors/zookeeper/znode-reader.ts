import type { Client } from 'node-zookeeper-client';
import { mapWithConcurrency } from '../../util/concurrency.ts';
import { parseConsumerOffset } from '../../zookeeper/consumer-offset.ts';
import { ZookeeperSession } from '../../zookeeper/zookeeper-session.ts';
import {
  DYNAMIC_CONFIG_ENTITIES,
  parseBrokerRegistration,
  parseController,
  parseControllerEpoch,
  parseDynamicConfig,
  parseReassignments,
  parseTopicReassignments,
  type BrokerRegistration,
  type ControllerRegistration,
  type DynamicConfig,
  type PartitionReassignment,
} from './kafka-znodes.ts';

export interface ZookeeperConsumerOffset {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** What Kafka keeps in ZooKeeper, as read in one cycle. */
export interface KafkaZnodes {
  readonly brokers: readonly BrokerRegistration[];
  readonly controller: ControllerRegistration | undefined;
  readonly controllerEpoch: number | undefined;
  readonly dynamicConfigs: readonly DynamicConfig[];
  /** From /brokers/topics/<topic> (Kafka 2.4+) and the legacy /admin/reassign_partitions. */
  readonly reassignments: readonly PartitionReassignment[];
  readonly consumerOffsets: readonly ZookeeperConsumerOffset[];
  /** Znodes that exist but could not be parsed, with the reason. */
  readonly unreadable: readonly string[];
}

export interface ZnodeFilters {
  readonly topic: (name: string) => boolean;
  readonly group: (id: string) => boolean;
}

const CONCURRENCY = 32;

/** Kafka stores user principals and client ids URL-encoded (its Sanitizer). */
function desanitize(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** One ZooKeeper session, kept across cycles, that reads Kafka's znodes. */
export class ZnodeReader {
  readonly #session: ZookeeperSession;

  /** `servers` as host:port; `chroot` the path Kafka's zookeeper.connect ends with, or empty. */
  constructor(servers: readonly string[], chroot: string, sessionTimeoutMs: number) {
    this.#session = new ZookeeperSession(servers, chroot, sessionTimeoutMs);
  }

  async read(filters: ZnodeFilters, timeoutMs: number): Promise<KafkaZnodes> {
    const client = await this.#session.connect(timeoutMs);
    const unreadable: string[] = [];
    const parsed = async <T>(path: string, parse: (data: string) => T): Promise<T | undefined> => {
      const data = await this.#data(client, path);
      if (data === undefined || data === '') return undefined;
      try {
        return parse(data);
      } catch (error) {
        unreadable.push(`${path}: ${(error as Error).message}`);
        return undefined;
      }
    };

    const [brokers, controller, controllerEpoch, dynamicConfigs, legacyReassignments, topicReassignments, consumerOffsets] =
      await Promise.all([
        this.#children(client, '/brokers/ids').then((ids) =>
          mapWithConcurrency(
            ids.filter((id) => /^\d+$/.test(id)),
            CONCURRENCY,
            (id) => parsed(`/brokers/ids/${id}`, (data) => parseBrokerRegistration(Number(id), data)),
          ),
        ),
        parsed('/controller', parseController),
        parsed('/controller_epoch', parseControllerEpoch),
        this.#dynamicConfigs(client, filters, parsed),
        parsed('/admin/reassign_partitions', parseReassignments),
        this.#children(client, '/brokers/topics').then((topics) =>
          mapWithConcurrency(topics.filter(filters.topic), CONCURRENCY, (topic) =>
            parsed(`/brokers/topics/${topic}`, (data) => parseTopicReassignments(topic, data)),
          ),
        ),
        this.#consumerOffsets(client, filters),
      ]);
    const reassignments = new Map<string, PartitionReassignment>();
    for (const reassignment of [...(legacyReassignments ?? []), ...topicReassignments.flatMap((entries) => entries ?? [])]) {
      reassignments.set(`${reassignment.topic}\u0000${reassignment.partition}`, reassignment);
    }
    return {
      brokers: brokers.filter((broker): broker is BrokerRegistration => broker !== undefined).sort((a, b) => a.id - b.id),
      controller,
      controllerEpoch,
      dynamicConfigs: dynamicConfigs.filter((config) => config.configs.size > 0),
      reassignments: [...reassignments.values()],
      consumerOffsets,
      unreadable,
    };
  }

  async #dynamicConfigs(
    client: Client,
    filters: ZnodeFilters,
    parsed: <T>(path: string, parse: (data: string) => T) => Promise<T | undefined>,
  ): Promise<DynamicConfig[]> {
    const perType = await Promise.all(
      DYNAMIC_CONFIG_ENTITIES.map(async (entityType) => {
        const entities = (await this.#children(client, `/config/${entityType}`)).filter(
          (entity) => entityType !== 'topics' || filters.topic(entity),
        );
        const paths = entities.map((entity) => ({ path: `/config/${entityType}/${entity}`, entity: desanitize(entity) }));
        if (entityType === 'users') {
          // Quotas of a client of a user live one level down: /config/users/<user>/clients/<client>.
          const nested = await mapWithConcurrency(entities, CONCURRENCY, async (user) =>
            (await this.#children(client, `/config/users/${user}/clients`)).map((clientId) => ({
              path: `/config/users/${user}/clients/${clientId}`,
              entity: `${desanitize(user)}/${desanitize(clientId)}`,
            })),
          );
          paths.push(...nested.flat());
        }
        const configs = await mapWithConcurrency(paths, CONCURRENCY, ({ path, entity }) =>
          parsed(path, (data) => parseDynamicConfig(entityType, entity, data)),
        );
        return configs.filter((config): config is DynamicConfig => config !== undefined);
      }),
    );
    return perType.flat();
  }

  /** Offsets old (Scala, ZooKeeper-based) consumers committed under /consumers/<group>/offsets/<topic>/<partition>. */
  async #consumerOffsets(client: Client, filters: ZnodeFilters): Promise<ZookeeperConsumerOffset[]> {
    const groups = (await this.#children(client, '/consumers')).filter(filters.group);
    const perGroup = await mapWithConcurrency(groups, CONCURRENCY, async (group) => {
      const topics = (await this.#children(client, `/consumers/${group}/offsets`)).filter(filters.topic);
      const perTopic = await mapWithConcurrency(topics, CONCURRENCY, async (topic) => {
        const partitions = (await this.#children(client, `/consumers/${group}/offsets/${topic}`)).filter((partition) =>
          /^\d+$/.test(partition),
        );
        const offsets = await mapWithConcurrency(partitions, CONCURRENCY, async (partition) => {
          const data = await this.#data(client, `/consumers/${group}/offsets/${topic}/${partition}`);
          const offset = data === undefined ? undefined : parseConsumerOffset(data);
          return offset === undefined ? undefined : { group, topic, partition: Number(partition), offset };
        });
        return offsets.filter((entry): entry is ZookeeperConsumerOffset => entry !== undefined);
      });
      return perTopic.flat();
    });
    return perGroup.flat();
  }

  /** Ends the session; the next read opens a new one. */
  close(): Promise<void> {
    return this.#session.close();
  }

  #children(client: Client, path: string): Promise<string[]> {
    return this.#session.children(client, path);
  }

  #data(client: Client, path: string): Promise<string | undefined> {
    return this.#session.data(client, path);
  }
}
