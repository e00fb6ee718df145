import type { Admin } from '@platformatic/kafka';
import { passesFilter, type ClusterCollectorConfig, type KafkaConnectionConfig } from '../../config/config.ts';
import { createAdminClient } from '../../kafka/admin-client.ts';
import { describeKafkaError } from '../../kafka/errors.ts';
import type { Logger } from '../../log/logger.ts';
import { clusterMetrics, collectionMetrics } from '../../metrics/catalogue/index.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import type { TopicFeeder } from '../../sniffer/topic-resolver.ts';
import type { Collector } from '../collector.ts';
import { StageLog } from '../stage-log.ts';
import { StageReport } from '../stage-report.ts';
import { ClusterHistory } from './cluster-history.ts';
import type { ClusterState } from './cluster-model.ts';
import { buildClusterSnapshot } from './cluster-snapshot.ts';
import { KafkaClusterReader } from './kafka-reader.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An interpolation between two log end samples at most this far apart (or two cycles) dates a record well enough not to read it. */
const INTERPOLATION_EXACT_ENOUGH_SECONDS = 60;

/**
 * Reads the whole cluster through the admin protocol in stages. Metadata must succeed for the
 * cycle to count; every other stage (quorum, configs, offsets, log dirs, groups) may fail alone,
 * which leaves its metrics out and marks the stage down.
 */
export class ClusterCollector implements Collector {
  readonly name = 'cluster';
  readonly #connection: KafkaConnectionConfig;
  readonly #settings: ClusterCollectorConfig;
  readonly #logger: Logger;
  readonly #history: ClusterHistory;
  readonly #stageLog: StageLog;
  #client: { admin: Admin; reader: KafkaClusterReader } | undefined;
  readonly #topicFeeder: TopicFeeder | undefined;
  readonly #clusterName: string;
  #droppedSeries = 0;
  readonly #timestampReads = { read: 0, failed: 0, skipped: 0 };

  /**
   * topicFeeder learns every topic's id and name from each metadata read (the sniffer names topic ids with them);
   * clusterName (--cluster.name) names the cluster in kafka-lag-exporter's cluster_name, the cluster id when empty.
   */
  constructor(
    connection: KafkaConnectionConfig,
    settings: ClusterCollectorConfig,
    options: { readonly logger: Logger; readonly topicFeeder?: TopicFeeder | undefined; readonly clusterName?: string },
  ) {
    const { logger, topicFeeder } = options;
    this.#clusterName = options.clusterName ?? '';
    this.#topicFeeder = topicFeeder;
    this.#connection = connection;
    this.#settings = settings;
    this.#logger = logger;
    this.#history = new ClusterHistory(settings);
    this.#stageLog = new StageLog(logger, this.name);
  }

  async collect(signal: AbortSignal): Promise<Snapshot> {
    const client = (this.#client ??= this.#createClient());
    signal.addEventListener('abort', () => void this.#discardClient(client), { once: true });
    let state: ClusterState;
    try {
      state = await this.#read(client.reader);
    } catch (error) {
      await this.#discardClient(client);
      throw new Error(`cluster metadata from ${this.#connection.bootstrapServers.join(',')}: ${describeKafkaError(error)}`);
    }
    this.#stageLog.report(state.stages.errors);
    const snapshot = await buildClusterSnapshot(state, this.#history, {
      collector: this.name,
      granularity: this.#settings.granularity,
      maxSeries: this.#settings.maxSeries,
      topicInfoConfigs: this.#settings.topicInfoConfigs,
      kafkaLagExporterCluster: this.#settings.kafkaLagExporter ? this.#clusterName || state.clusterId : undefined,
    });
    this.#droppedSeries += snapshot.dropped;
    if (snapshot.dropped > 0)
      this.#logger.warn('series budget spent', {
        collector: this.name,
        budget: this.#settings.maxSeries,
        dropped: snapshot.dropped,
        hint: 'raise collector.cluster.max-series, narrow topic.filter/group.filter, or set collector.cluster.granularity=topic',
      });
    snapshot.addOutsideBudget(collectionMetrics.seriesDropped, { collector: this.name }, this.#droppedSeries);
    for (const [outcome, count] of Object.entries(this.#timestampReads)) {
      snapshot.addOutsideBudget(collectionMetrics.lagTimestampReads, { collector: this.name, outcome }, count);
    }
    snapshot.addOutsideBudget(collectionMetrics.seriesBudget, { collector: this.name }, this.#settings.maxSeries);
    return snapshot;
  }

  async #read(reader: KafkaClusterReader): Promise<ClusterState> {
    const stages = new StageReport(describeKafkaError);
    const timeSeconds = Date.now() / 1000;
    /** A stage whose reader answers for some items and not others is down, with what was read kept. */
    const partial = <T>(stage: string, result: { failures: string[] } & T): T => {
      if (result.failures.length > 0) stages.fail(stage, result.failures.join('; '));
      return result;
    };

    const metadata = await stages.require('metadata', () => reader.readMetadata());
    if (this.#topicFeeder) for (const topic of metadata.topics) this.#topicFeeder.learnTopic(topic.id, topic.name);
    const topics = metadata.topics
      .filter((topic) => passesFilter(this.#settings.topics, topic.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    const brokerIds = metadata.brokers.map((broker) => broker.id);
    const anyBroker = brokerIds[0];
    if (anyBroker === undefined) throw new Error('the cluster metadata lists no broker');

    const [quorum, topicConfigs, offsets, logDirs, groups] = await Promise.all([
      stages.run('quorum', () => reader.readQuorum(anyBroker)),
      stages.run('configs', () =>
        reader.readTopicConfigs(
          topics.map((topic) => topic.name),
          this.#settings.topicInfoConfigs,
          anyBroker,
        ),
      ),
      stages.run('offsets', async () => partial('offsets', await reader.readOffsets(topics)).offsets),
      this.#settings.logDirs
        ? stages.run('log_dirs', async () => partial('log_dirs', await reader.readLogDirs(brokerIds)).logDirs)
        : Promise.resolve(undefined),
      stages.run(
        'groups',
        async () => partial('groups', await reader.readGroups(brokerIds, (id) => passesFilter(this.#settings.groups, id))).groups,
      ),
    ]);

    const state: Mutable<ClusterState> = {
      timeSeconds,
      clusterId: metadata.clusterId,
      controllerId: metadata.controllerId,
      brokers: metadata.brokers,
      topics,
      topicConfigs,
      offsets,
      logDirs,
      groups: groups?.sort((a, b) => a.id.localeCompare(b.id)),
      quorum,
      stages,
    };
    await this.#history.recordOffsets(state);
    await this.#readLagTimestamps(reader, state, stages);
    return state;
  }

  /** The lag_timestamps stage: dates the records lagging groups have still to read where the offset history cannot. */
  async #readLagTimestamps(reader: KafkaClusterReader, state: ClusterState, stages: StageReport): Promise<void> {
    if (this.#settings.lagTimestampReads === 0 || !state.groups || !state.offsets) return;
    const history = this.#history;
    const plan = await history.recordTimestamps.plan(
      state,
      (topic, partition, committed) => history.logEndHistory(topic, partition)?.estimateLagSeconds(committed, state.timeSeconds),
      {
        budget: this.#settings.lagTimestampReads,
        maxSpanSeconds: Math.max(INTERPOLATION_EXACT_ENOUGH_SECONDS, 2 * this.#settings.intervalSeconds),
      },
    );
    this.#timestampReads.skipped += plan.skipped;
    if (plan.reads.length === 0) return;
    await stages.run('lag_timestamps', async () => {
      const { timestamps, failures } = await reader.readRecordTimestamps(plan.reads);
      history.recordTimestamps.store(timestamps);
      this.#timestampReads.read += timestamps.size;
      this.#timestampReads.failed += failures.length;
      if (failures.length > 0) stages.fail('lag_timestamps', `${failures.length} record(s) unreadable: ${failures.slice(0, 5).join('; ')}`);
    });
  }

  failureSnapshot(): Snapshot {
    return new Snapshot()
      .add(clusterMetrics.up, {}, 0)
      .add(collectionMetrics.seriesDropped, { collector: this.name }, this.#droppedSeries)
      .add(collectionMetrics.seriesBudget, { collector: this.name }, this.#settings.maxSeries);
  }

  async close(): Promise<void> {
    if (this.#client) await this.#discardClient(this.#client);
  }

  #createClient(): { admin: Admin; reader: KafkaClusterReader } {
    const admin = createAdminClient(this.#connection, this.#settings.stageTimeoutSeconds);
    return {
      admin,
      reader: new KafkaClusterReader(admin, {
        stageTimeoutSeconds: this.#settings.stageTimeoutSeconds,
        concurrency: this.#settings.concurrency,
        groupsPerRequest: this.#settings.groupsPerRequest,
      }),
    };
  }

  /** A client that failed may hold dead connections: the next cycle starts from the bootstrap servers again. */
  async #discardClient(client: { admin: Admin; reader: KafkaClusterReader }): Promise<void> {
    if (this.#client === client) this.#client = undefined;
    client.reader.forgetConnections();
    await client.admin.close().catch(() => undefined);
  }
}
