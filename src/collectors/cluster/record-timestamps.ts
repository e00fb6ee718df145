import { TimeSlicer } from '../../util/time-slicer.ts';
import type { ClusterState } from './cluster-model.ts';
import type { RecordTimestampRead } from './kafka-reader.ts';
import { recordTimestampKey } from './kafka-reader.ts';
import type { LagTimeEstimate } from './offset-history.ts';

export interface TimestampReadPlan {
  readonly reads: readonly RecordTimestampRead[];
  /** Reads wanted beyond the cycle's budget, left for later cycles. */
  readonly skipped: number;
}

export interface TimestampPlanSettings {
  /** Reads a cycle may make. */
  readonly budget: number;
  /** An interpolation between samples further apart than this is not exact enough, and the record is read instead. */
  readonly maxSpanSeconds: number;
}

/** The offset whose record tells a group's lag in seconds: its committed offset, or the log start when retention passed it. */
export const unreadOffset = (committed: number, earliest: number): number => Math.max(committed, earliest);

/**
 * Timestamps of the records groups have still to read, read once per (partition, offset) and kept while
 * some group sits at that offset, so a stuck group costs one read in all.
 */
export class RecordTimestamps {
  #timestamps = new Map<string, number>();

  /** Milliseconds since the epoch of the record at the offset, when it was read. */
  get(topic: string, partition: number, offset: number): number | undefined {
    return this.#timestamps.get(recordTimestampKey(topic, partition, offset));
  }

  store(timestamps: ReadonlyMap<string, number>): void {
    for (const [key, timestamp] of timestamps) this.#timestamps.set(key, timestamp);
  }

  /**
   * The records to read this cycle: for every group behind on a partition whose lag in seconds neither
   * a read timestamp nor an exact enough interpolation tells, largest lag first, up to the budget.
   * Timestamps no group sits at any more are forgotten. A group per slice.
   */
  async plan(
    state: ClusterState,
    historyEstimate: (topic: string, partition: number, committed: number) => LagTimeEstimate | undefined,
    settings: TimestampPlanSettings,
    slicer = new TimeSlicer(),
  ): Promise<TimestampReadPlan> {
    const leaders = new Map(state.topics.flatMap((topic) => topic.partitions.map((p) => [`${topic.name}\u0000${p.partition}`, p.leader])));
    const wanted = new Set<string>();
    const candidates = new Map<string, RecordTimestampRead & { lag: number }>();
    for (const group of state.groups ?? []) {
      await slicer.turn();
      for (const [topic, partitions] of group.offsets ?? []) {
        for (const [partition, committed] of partitions) {
          const offsets = state.offsets?.get(topic)?.get(partition);
          const leader = leaders.get(`${topic}\u0000${partition}`);
          if (!offsets || committed >= offsets.latest || leader === undefined || leader < 0) continue;
          const offset = unreadOffset(committed, offsets.earliest);
          const key = recordTimestampKey(topic, partition, offset);
          wanted.add(key);
          if (this.#timestamps.has(key) || candidates.has(key)) continue;
          const estimate = historyEstimate(topic, partition, committed);
          if (estimate?.method === 'interpolated' && (estimate.spanSeconds ?? Infinity) <= settings.maxSpanSeconds) continue;
          candidates.set(key, { topic, partition, offset, leader, lag: offsets.latest - committed });
        }
      }
    }
    for (const key of this.#timestamps.keys()) if (!wanted.has(key)) this.#timestamps.delete(key);
    const ordered = [...candidates.values()].sort((a, b) => b.lag - a.lag);
    const reads = ordered.slice(0, settings.budget).map(({ topic, partition, offset, leader }) => ({ topic, partition, offset, leader }));
    return { reads, skipped: ordered.length - reads.length };
  }
}
