import { listPartitionReassignmentsV0 } from '@platformatic/kafka';
import { AdminError } from './admin-error.ts';
import type { ClusterGateway } from './cluster-gateway.ts';

export interface OngoingReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
  readonly adding: readonly number[];
  readonly removing: readonly number[];
}

/** Partition reassignments in progress, as the controller lists them (read only). */
export class ReassignmentService {
  readonly #gateway: ClusterGateway;

  constructor(gateway: ClusterGateway) {
    this.#gateway = gateway;
  }

  /** All of them, or those of one topic (every partition of it). */
  async ongoing(topic?: { name: string; partitions: readonly number[] }): Promise<OngoingReassignment[]> {
    const request = topic ? [{ name: topic.name, partitionIndexes: [...topic.partitions] }] : null;
    const response = await this.#gateway.onController('listing partition reassignments', (connection) =>
      listPartitionReassignmentsV0.api.async(connection, this.#gateway.timeoutMs, request),
    );
    if (response.errorCode !== 0) throw AdminError.fromKafka(response.errorCode, 'listing partition reassignments', response.errorMessage);
    return response.topics
      .flatMap((entry) =>
        entry.partitions.map((partition) => ({
          topic: entry.name,
          partition: partition.partitionIndex,
          replicas: partition.replicas,
          adding: partition.addingReplicas,
          removing: partition.removingReplicas,
        })),
      )
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }
}
