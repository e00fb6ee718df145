import { TimeSlicer } from '../../util/time-slicer.ts';
import type { ClusterState } from './cluster-model.ts';
import { GroupStatusTracker, type GroupStatus, type PartitionObservation } from './group-status.ts';
import { OffsetHistory, type LagTimeEstimate } from './offset-history.ts';
import { RecordTimestamps, unreadOffset } from './record-timestamps.ts';

export interface HistorySettings {
  readonly offsetHistory: number;
  readonly statusWindowSeconds: number;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** What the collector remembers between cycles: log end offsets over time and each group's recent progress. */
export class ClusterHistory {
  readonly #settings: HistorySettings;
  readonly #logEnds = new Map<string, OffsetHistory>();
  readonly #earliest = new Map<string, number>();
  readonly #groups = new Map<string, GroupStatusTracker>();
  /** Timestamps of records groups have still to read, where the log end history cannot date them. */
  readonly recordTimestamps = new RecordTimestamps();

  constructor(settings: HistorySettings) {
    this.#settings = settings;
  }

  logEndHistory(topic: string, partition: number): OffsetHistory | undefined {
    return this.#logEnds.get(partitionKey(topic, partition));
  }

  /**
   * How old the next message a group has to read on a partition is: 0 when it read everything; the
   * timestamp of that record when it was read; else from the log end history.
   */
  lagSeconds(topic: string, partition: number, committed: number, nowSeconds: number): LagTimeEstimate | undefined {
    const history = this.logEndHistory(topic, partition);
    const latest = history?.points.at(-1);
    if (latest && committed >= latest.offset) return { seconds: 0, method: 'caught_up' };
    const earliest = this.#earliest.get(partitionKey(topic, partition)) ?? 0;
    const timestampMs = this.recordTimestamps.get(topic, partition, unreadOffset(committed, earliest));
    if (timestampMs !== undefined) return { seconds: Math.max(0, nowSeconds - timestampMs / 1000), method: 'record_timestamp' };
    return history?.estimateLagSeconds(committed, nowSeconds);
  }

  /** Records this cycle's log end offsets, a topic per slice; partitions that are gone are forgotten. */
  async recordOffsets(state: ClusterState, slicer = new TimeSlicer()): Promise<void> {
    if (!state.offsets) return;
    const seen = new Set<string>();
    for (const [topic, partitions] of state.offsets) {
      await slicer.turn();
      for (const [partition, { latest, earliest }] of partitions) {
        const key = partitionKey(topic, partition);
        seen.add(key);
        this.#earliest.set(key, earliest);
        let history = this.#logEnds.get(key);
        if (!history) this.#logEnds.set(key, (history = new OffsetHistory(this.#settings.offsetHistory)));
        history.record(state.timeSeconds, latest);
      }
    }
    const existing = new Set(state.topics.flatMap((topic) => topic.partitions.map(({ partition }) => partitionKey(topic.name, partition))));
    for (const key of this.#logEnds.keys()) {
      if (!seen.has(key) && !existing.has(key)) {
        this.#logEnds.delete(key);
        this.#earliest.delete(key);
      }
    }
  }

  /** Records each group's committed offsets and lag, a group per slice, and returns its status; deleted groups are forgotten. */
  async recordGroups(
    state: ClusterState,
    lagOf: (topic: string, partition: number, committed: number) => number | undefined,
    slicer = new TimeSlicer(),
  ): Promise<Map<string, GroupStatus>> {
    const statuses = new Map<string, GroupStatus>();
    if (!state.groups) return statuses;
    for (const group of state.groups) {
      await slicer.turn();
      let tracker = this.#groups.get(group.id);
      if (!tracker) this.#groups.set(group.id, (tracker = new GroupStatusTracker(this.#settings.statusWindowSeconds)));
      if (group.offsets) {
        const observations: PartitionObservation[] = [];
        for (const [topic, partitions] of group.offsets) {
          for (const [partition, committedOffset] of partitions) {
            const lag = lagOf(topic, partition, committedOffset);
            if (lag !== undefined) observations.push({ partitionKey: partitionKey(topic, partition), committedOffset, lag });
          }
        }
        tracker.observe(state.timeSeconds, observations);
      }
      statuses.set(group.id, tracker.status(group.members.length > 0, group.offsets === undefined));
    }
    const present = new Set(state.groups.map((group) => group.id));
    for (const id of this.#groups.keys()) if (!present.has(id)) this.#groups.delete(id);
    return statuses;
  }
}
