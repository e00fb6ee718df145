import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { passesFilter, type KafkaConnectionConfig, type NameFilter, type ZookeeperCollectorConfig } from '../../config/config.ts';
import type { Logger } from '../../log/logger.ts';
import { zookeeperEnsembleMetrics, zookeeperMemberMetrics } from '../../metrics/catalogue/zookeeper.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import { buildTlsOptions } from '../../tls/tls-options.ts';
import type { Collector } from '../collector.ts';
import { StageLog } from '../stage-log.ts';
import { StageReport } from '../stage-report.ts';
import { latestOffsets } from './latest-offsets.ts';
import { readMemberAnswers } from './member-reader.ts';
import { summarizeMember, type MemberState } from './member-state.ts';
import { ZnodeReader, type KafkaZnodes } from './znode-reader.ts';
import { buildZookeeperSnapshot, type ZookeeperConsumerLag } from './zookeeper-snapshot.ts';

const WHITELIST_HINT =
  "add the word to 4lw.commands.whitelist in that member's zoo.cfg (or the zookeeper.4lw.commands.whitelist system property) and restart it";

function zookeeperTls(settings: ZookeeperCollectorConfig): TlsOptions | undefined {
  return settings.tls.enabled ? buildTlsOptions(settings.tls, 'zookeeper.tls') : undefined;
}

/**
 * Watches a ZooKeeper ensemble: every member answers the four-letter words at once, and one
 * ZooKeeper session reads what Kafka keeps in its znodes. The cycle fails only when no member answers.
 */
export class ZookeeperCollector implements Collector {
  readonly name = 'zookeeper';
  readonly #settings: ZookeeperCollectorConfig;
  readonly #kafka: KafkaConnectionConfig;
  readonly #filters: { topics: NameFilter; groups: NameFilter };
  readonly #logger: Logger;
  readonly #tls: TlsOptions | undefined;
  readonly #znodes: ZnodeReader | undefined;
  readonly #stageLog: StageLog;
  readonly #memberErrors = new Map<string, string | undefined>();
  readonly #refusals = new Set<string>();

  constructor(
    settings: ZookeeperCollectorConfig,
    kafka: KafkaConnectionConfig,
    filters: { topics: NameFilter; groups: NameFilter },
    logger: Logger,
  ) {
    this.#settings = settings;
    this.#kafka = kafka;
    this.#filters = filters;
    this.#logger = logger;
    this.#tls = zookeeperTls(settings);
    this.#znodes = settings.znodes
      ? new ZnodeReader(settings.servers, settings.chroot, Math.max(6000, settings.timeoutSeconds * 1000))
      : undefined;
    this.#stageLog = new StageLog(logger, this.name);
  }

  async collect(signal: AbortSignal): Promise<Snapshot> {
    const timeoutMs = this.#settings.timeoutSeconds * 1000;
    const stages = new StageReport();
    const members = await stages.require('four_letter_words', async () => {
      const answers = await Promise.all(
        this.#settings.servers.map((server) => readMemberAnswers(server, { timeoutMs, tls: this.#tls, signal })),
      );
      return answers.map(summarizeMember);
    });
    this.#reportMembers(members);
    if (!members.some((member) => member.up)) {
      throw new Error(`no ZooKeeper member serves requests (${members.map((member) => `${member.server}: ${member.error}`).join('; ')})`);
    }

    const reader = this.#znodes;
    const znodes = reader ? await stages.run('znodes', () => this.#readZnodes(reader, timeoutMs, stages)) : undefined;
    const consumerLags =
      znodes && znodes.consumerOffsets.length > 0 ? await stages.run('consumer_lag', () => this.#consumerLags(znodes)) : undefined;
    this.#stageLog.report(stages.errors);
    return buildZookeeperSnapshot({ members, znodes, consumerLags, stages }, this.name);
  }

  /** The znodes stage: down, with what was read kept, when some znodes are unreadable; a failed session is closed for the next cycle to open anew. */
  async #readZnodes(reader: ZnodeReader, timeoutMs: number, stages: StageReport): Promise<KafkaZnodes> {
    try {
      const znodes = await reader.read(
        {
          topic: (name) => passesFilter(this.#filters.topics, name),
          group: (id) => passesFilter(this.#filters.groups, id),
        },
        timeoutMs,
      );
      if (znodes.unreadable.length > 0) stages.fail('znodes', `unreadable znodes: ${znodes.unreadable.join('; ')}`);
      return znodes;
    } catch (error) {
      await reader.close();
      throw error;
    }
  }

  async #consumerLags(znodes: KafkaZnodes): Promise<ZookeeperConsumerLag[]> {
    const partitions = new Map<string, Set<number>>();
    for (const { topic, partition } of znodes.consumerOffsets) {
      let set = partitions.get(topic);
      if (!set) partitions.set(topic, (set = new Set()));
      set.add(partition);
    }
    const latest = await latestOffsets(this.#kafka, partitions, this.#settings.timeoutSeconds);
    return znodes.consumerOffsets.flatMap(({ group, topic, partition, offset }) => {
      const end = latest.get(topic)?.get(partition);
      return end === undefined ? [] : [{ group, topic, partition, lag: Math.max(0, end - offset) }];
    });
  }

  /** One log line when a member goes down or comes back, and one per word a member's whitelist refuses. */
  #reportMembers(members: readonly MemberState[]): void {
    for (const member of members) {
      const known = this.#memberErrors.has(member.server);
      const previous = this.#memberErrors.get(member.server);
      if (member.error !== undefined && member.error !== previous)
        this.#logger.error('zookeeper member down', { collector: this.name, server: member.server, error: member.error });
      else if (member.error === undefined && known && previous !== undefined)
        this.#logger.info('zookeeper member recovered', { collector: this.name, server: member.server });
      this.#memberErrors.set(member.server, member.error);
      for (const [command, outcome] of member.commands) {
        const key = `${member.server} ${command}`;
        if (outcome === 'refused' && !this.#refusals.has(key)) {
          this.#refusals.add(key);
          this.#logger.warn('four-letter word refused by the ZooKeeper whitelist', {
            collector: this.name,
            server: member.server,
            command,
            hint: WHITELIST_HINT,
          });
        } else if (outcome === 'answered') {
          this.#refusals.delete(key);
        }
      }
    }
  }

  failureSnapshot(): Snapshot {
    const snapshot = new Snapshot();
    for (const server of this.#settings.servers) snapshot.add(zookeeperMemberMetrics.up, { server }, 0);
    return snapshot
      .add(zookeeperEnsembleMetrics.members, {}, this.#settings.servers.length)
      .add(zookeeperEnsembleMetrics.membersUp, {}, 0)
      .add(zookeeperEnsembleMetrics.leaders, {}, 0)
      .add(zookeeperEnsembleMetrics.healthy, {}, 0);
  }

  async close(): Promise<void> {
    await this.#znodes?.close();
  }
}
