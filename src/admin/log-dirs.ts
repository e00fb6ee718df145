import { describeLogDirsV4 } from '@platformatic/kafka';
import { errorCodeName } from '../protocol/error-codes.ts';
import { describeError } from './admin-error.ts';
import type { ClusterGateway } from './cluster-gateway.ts';

export interface ReplicaDirectory {
  readonly topic: string;
  readonly partition: number;
  readonly sizeBytes: number;
  /** How far the replica is behind the partition's log end (0 for the leader and caught-up followers). */
  readonly offsetLag: number;
  /** A replica being moved here from another directory of the same broker. */
  readonly future: boolean;
}

export interface LogDirectory {
  readonly path: string;
  /** NONE, or Kafka's error for an offline directory (KAFKA_STORAGE_ERROR). */
  readonly error: string;
  readonly totalBytes: number;
  readonly usableBytes: number;
  readonly replicas: readonly ReplicaDirectory[];
}

/** One broker's directories, or why it did not say. */
export interface BrokerLogDirs {
  readonly brokerId: number;
  readonly error: string | null;
  readonly logDirs: readonly LogDirectory[];
}

/** Log directories of every broker: sizes, usable and total bytes, replicas and their lag. */
export class LogDirService {
  readonly #gateway: ClusterGateway;

  constructor(gateway: ClusterGateway) {
    this.#gateway = gateway;
  }

  /** Every broker is asked; one that does not answer is an entry with its error, not a failure of the whole. */
  async list(): Promise<BrokerLogDirs[]> {
    const { brokers } = await this.#gateway.brokers();
    return await Promise.all(
      brokers.map(async (broker): Promise<BrokerLogDirs> => {
        try {
          const response = await this.#gateway.onBroker(broker.id, `log dirs of broker ${broker.id}`, (connection) =>
            describeLogDirsV4.api.async(connection, null),
          );
          return {
            brokerId: broker.id,
            error: null,
            logDirs: response.results.map((result) => ({
              path: result.logDir,
              error: errorCodeName(result.errorCode),
              totalBytes: Number(result.totalBytes),
              usableBytes: Number(result.usableBytes),
              replicas: result.topics.flatMap((topic) =>
                topic.partitions.map((partition) => ({
                  topic: topic.name,
                  partition: partition.partitionIndex,
                  sizeBytes: Number(partition.partitionSize),
                  offsetLag: Number(partition.offsetLag),
                  future: partition.isFutureKey,
                })),
              ),
            })),
          };
        } catch (error) {
          return { brokerId: broker.id, error: describeError(error), logDirs: [] };
        }
      }),
    );
  }
}
