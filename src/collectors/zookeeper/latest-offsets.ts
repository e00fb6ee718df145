import type { KafkaConnectionConfig } from '../../config/config.ts';
import { createAdminClient } from '../../kafka/admin-client.ts';
import { describeKafkaError } from '../../kafka/errors.ts';
import { withTimeout } from '../../util/concurrency.ts';

const LATEST = -1n;

/** Log end offsets of the given partitions, through a short-lived admin client. */
export async function latestOffsets(
  kafka: KafkaConnectionConfig,
  partitions: ReadonlyMap<string, ReadonlySet<number>>,
  timeoutSeconds: number,
): Promise<Map<string, Map<number, number>>> {
  const admin = createAdminClient(kafka, timeoutSeconds);
  try {
    const topics = [...partitions].map(([name, indexes]) => ({
      name,
      partitions: [...indexes].map((partitionIndex) => ({ partitionIndex, timestamp: LATEST })),
    }));
    const listed = await withTimeout(
      admin.listOffsets({ topics }),
      timeoutSeconds,
      'latest offsets of the partitions old consumers committed in ZooKeeper',
    );
    return new Map(
      listed.map((topic) => [
        topic.name,
        new Map(topic.partitions.map((partition) => [partition.partitionIndex, Number(partition.offset)])),
      ]),
    );
  } catch (error) {
    throw new Error(`latest offsets from ${kafka.bootstrapServers.join(',')}: ${describeKafkaError(error)}`);
  } finally {
    await admin.close().catch(() => undefined);
  }
}
