import { mapWithConcurrency } from '../util/concurrency.ts';
import { parseConsumerOffset } from '../zookeeper/consumer-offset.ts';
import type { ZookeeperSession } from '../zookeeper/zookeeper-session.ts';
import { AdminError, asAdminError } from './admin-error.ts';
import { partitionKey } from './offset-reset.ts';
import type { PartitionOffsets } from './partition-offsets.ts';

export interface ZookeeperGroupSummary {
  readonly id: string;
  /** Registered consumers (/consumers/<group>/ids). */
  readonly members: number;
  readonly topics: readonly string[];
}

export interface ZookeeperPartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Undefined when the partition no longer exists. */
  readonly latest: number | undefined;
  readonly lag: number | undefined;
}

export interface ZookeeperGroup {
  readonly id: string;
  readonly members: readonly string[];
  readonly offsets: readonly ZookeeperPartitionLag[];
}

const CONCURRENCY = 16;

/** Old consumer groups (Scala consumers) that commit their offsets in ZooKeeper under /consumers: listed, read with their lag, deleted. */
export class ZookeeperConsumerService {
  readonly #session: ZookeeperSession | undefined;
  readonly #offsets: PartitionOffsets;
  readonly #timeoutMs: number;

  constructor(session: ZookeeperSession | undefined, offsets: PartitionOffsets, timeoutSeconds: number) {
    this.#session = session;
    this.#offsets = offsets;
    this.#timeoutMs = Math.round(timeoutSeconds * 1000);
  }

  async #client(): Promise<{ session: ZookeeperSession; client: Awaited<ReturnType<ZookeeperSession['connect']>> }> {
    const session = this.#session;
    if (!session)
      throw new AdminError(
        'not-found',
        'no ZooKeeper configured: set zookeeper.server (and zookeeper.chroot) to manage old consumer groups',
      );
    try {
      return { session, client: await session.connect(this.#timeoutMs) };
    } catch (error) {
      throw asAdminError(error, 'connecting to ZooKeeper');
    }
  }

  async list(): Promise<ZookeeperGroupSummary[]> {
    const { session, client } = await this.#client();
    try {
      const groups = await session.children(client, '/consumers');
      return await mapWithConcurrency(groups, CONCURRENCY, async (id) => ({
        id,
        members: (await session.children(client, `/consumers/${id}/ids`)).length,
        topics: await session.children(client, `/consumers/${id}/offsets`),
      }));
    } catch (error) {
      throw asAdminError(error, 'listing /consumers');
    }
  }

  async describe(id: string): Promise<ZookeeperGroup> {
    const { session, client } = await this.#client();
    let members: string[];
    const committed: { topic: string; partition: number; offset: number }[] = [];
    try {
      if ((await session.data(client, `/consumers/${id}`)) === undefined)
        throw new AdminError('not-found', `no old consumer group ${id} in ZooKeeper (/consumers/${id})`);
      members = await session.children(client, `/consumers/${id}/ids`);
      for (const topic of await session.children(client, `/consumers/${id}/offsets`)) {
        for (const partition of (await session.children(client, `/consumers/${id}/offsets/${topic}`)).filter((name) =>
          /^\d+$/.test(name),
        )) {
          const data = await session.data(client, `/consumers/${id}/offsets/${topic}/${partition}`);
          const offset = data === undefined ? undefined : parseConsumerOffset(data);
          if (offset !== undefined) committed.push({ topic, partition: Number(partition), offset });
        }
      }
    } catch (error) {
      throw asAdminError(error, `reading /consumers/${id}`);
    }
    const latest =
      committed.length === 0 ? new Map<string, number>() : await this.#offsets.latest(committed).catch(() => new Map<string, number>());
    return {
      id,
      members,
      offsets: committed
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
        .map((entry) => {
          const end = latest.get(partitionKey(entry));
          return { ...entry, latest: end, lag: end === undefined ? undefined : Math.max(0, end - entry.offset) };
        }),
    };
  }

  /** Removes /consumers/<group>; refused while consumers are registered under its ids. */
  async delete(id: string): Promise<ZookeeperGroup> {
    const group = await this.describe(id);
    if (group.members.length > 0) {
      throw new AdminError(
        'conflict',
        `old consumer group ${id} has ${group.members.length} registered consumer(s) in /consumers/${id}/ids: stop them first`,
      );
    }
    const { session, client } = await this.#client();
    try {
      await session.removeTree(client, `/consumers/${id}`);
    } catch (error) {
      throw asAdminError(error, `deleting /consumers/${id}`);
    }
    return group;
  }

  close(): Promise<void> {
    return this.#session?.close() ?? Promise.resolve();
  }
}
