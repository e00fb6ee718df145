import type { Admin } from '@platformatic/kafka';
import type { KafkaConnectionConfig } from '../../config/config.ts';
import { createAdminClient } from '../../kafka/admin-client.ts';
import { describeMetadataQuorum, type QuorumDescription } from '../../kafka/describe-quorum.ts';
import { describeKafkaError } from '../../kafka/errors.ts';
import type { Logger } from '../../log/logger.ts';
import { quorumMetrics } from '../../metrics/catalogue/quorum.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import { withTimeout } from '../../util/concurrency.ts';
import type { Collector, Schedule } from '../collector.ts';
import { addStageSeries, StageReport } from '../stage-report.ts';
import { buildQuorumSnapshot } from './quorum-snapshot.ts';

/** The KRaft controller quorum through DescribeQuorum (any broker forwards it to the controllers); idle on ZooKeeper clusters. */
export class QuorumCollector implements Collector {
  readonly name = 'quorum';
  readonly #kafka: KafkaConnectionConfig;
  readonly #schedule: Schedule;
  readonly #logger: Logger;
  #admin: Admin | undefined;
  #kraft: boolean | undefined;

  constructor(kafka: KafkaConnectionConfig, schedule: Schedule, logger: Logger) {
    this.#kafka = kafka;
    this.#schedule = schedule;
    this.#logger = logger;
  }

  async collect(signal: AbortSignal): Promise<Snapshot> {
    const admin = (this.#admin ??= createAdminClient(this.#kafka, this.#schedule.timeoutSeconds));
    signal.addEventListener('abort', () => void this.#discard(admin), { once: true });
    const stages = new StageReport(describeKafkaError);
    let quorum: QuorumDescription | undefined;
    try {
      quorum = await stages.require('describe_quorum', () => this.#describe(admin));
    } catch (error) {
      await this.#discard(admin);
      throw new Error(`controller quorum through ${this.#kafka.bootstrapServers.join(',')}: ${describeKafkaError(error)}`);
    }
    const kraft = quorum !== undefined;
    if (kraft !== this.#kraft) {
      this.#logger.info(
        kraft
          ? 'KRaft controller quorum found'
          : 'no KRaft controller quorum: the cluster runs ZooKeeper, the quorum collector exports nothing',
        { collector: this.name },
      );
      this.#kraft = kraft;
    }
    if (!quorum) return new Snapshot();
    const snapshot = buildQuorumSnapshot(quorum, Date.now());
    addStageSeries(snapshot, this.name, stages);
    return snapshot;
  }

  /** Asks the brokers one after the other: a stopped node must not hide the quorum. */
  async #describe(admin: Admin): Promise<QuorumDescription | undefined> {
    const timeout = this.#schedule.timeoutSeconds;
    const cluster = await withTimeout(admin.metadata({ topics: [], forceUpdate: true }), timeout, 'cluster metadata');
    const failures: string[] = [];
    for (const brokerId of cluster.brokers.keys()) {
      try {
        const connections = await withTimeout(admin.connectToBrokers([brokerId]), timeout, `connecting to broker ${brokerId}`);
        const connection = connections.get(brokerId);
        if (!connection) throw new Error('not in the cluster metadata');
        return await describeMetadataQuorum(connection, timeout);
      } catch (error) {
        failures.push(`broker ${brokerId}: ${describeKafkaError(error)}`);
      }
    }
    throw new Error(`no broker answered DescribeQuorum (${failures.join('; ')})`);
  }

  failureSnapshot(): Snapshot {
    return this.#kraft === false ? new Snapshot() : new Snapshot().add(quorumMetrics.up, {}, 0);
  }

  async close(): Promise<void> {
    if (this.#admin) await this.#discard(this.#admin);
  }

  async #discard(admin: Admin): Promise<void> {
    if (this.#admin === admin) this.#admin = undefined;
    await admin.close().catch(() => undefined);
  }
}
