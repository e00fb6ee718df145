/** Burrow-style consumer group health, judged over a window of seconds rather than of commits. */
export const GROUP_STATUSES = ['OK', 'WARN', 'REWIND', 'STALL', 'STOP', 'ERR'] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];

interface Observation {
  readonly timeSeconds: number;
  readonly committedOffset: number;
  readonly lag: number;
}

export interface PartitionObservation {
  readonly partitionKey: string;
  readonly committedOffset: number;
  readonly lag: number;
}

const severity = (status: GroupStatus): number => GROUP_STATUSES.indexOf(status);

const sameProgress = (observation: Observation, committedOffset: number, lag: number): boolean =>
  observation.committedOffset === committedOffset && observation.lag === lag;

/**
 * Follows the committed offsets and lag of one group's partitions over time.
 * - REWIND: a committed offset went back within the window;
 * - STALL: members are there, lag > 0 throughout the window and the committed offset has not moved;
 * - STOP: no members (nobody commits), lag > 0 throughout the window and the committed offset has not moved;
 * - WARN: offsets move, but the lag grew at every observation across the whole window;
 * - ERR: the group's offsets could not be read;
 * - OK otherwise. The group's status is its worst partition's.
 */
export class GroupStatusTracker {
  readonly #windowSeconds: number;
  readonly #partitions = new Map<string, Observation[]>();

  constructor(windowSeconds: number) {
    this.#windowSeconds = windowSeconds;
  }

  observe(timeSeconds: number, partitions: readonly PartitionObservation[]): void {
    const seen = new Set<string>();
    for (const { partitionKey, committedOffset, lag } of partitions) {
      seen.add(partitionKey);
      let observations = this.#partitions.get(partitionKey);
      if (!observations) this.#partitions.set(partitionKey, (observations = []));
      const last = observations.at(-1);
      const beforeLast = observations.at(-2);
      // A run of equal observations keeps its first and last: the judgement is the same, and an idle group costs two.
      if (last && beforeLast && sameProgress(last, committedOffset, lag) && sameProgress(beforeLast, committedOffset, lag))
        observations.pop();
      observations.push({ timeSeconds, committedOffset, lag });
      const horizon = timeSeconds - this.#windowSeconds;
      while (observations.length > 1 && observations[1]!.timeSeconds <= horizon) observations.shift();
    }
    for (const key of this.#partitions.keys()) if (!seen.has(key)) this.#partitions.delete(key);
  }

  /** Observations kept, over all partitions. */
  get observationCount(): number {
    let count = 0;
    for (const observations of this.#partitions.values()) count += observations.length;
    return count;
  }

  status(hasMembers: boolean, readFailed: boolean): GroupStatus {
    if (readFailed) return 'ERR';
    let worst: GroupStatus = 'OK';
    for (const observations of this.#partitions.values()) {
      const status = this.#partitionStatus(observations, hasMembers);
      if (severity(status) > severity(worst)) worst = status;
    }
    return worst;
  }

  #partitionStatus(observations: readonly Observation[], hasMembers: boolean): GroupStatus {
    for (let index = 1; index < observations.length; index++) {
      if (observations[index]!.committedOffset < observations[index - 1]!.committedOffset) return 'REWIND';
    }
    const first = observations[0]!;
    const last = observations.at(-1)!;
    if (last.lag <= 0) return 'OK';
    const coversWindow = last.timeSeconds - first.timeSeconds >= this.#windowSeconds;
    if (!coversWindow) return 'OK';
    const laggedThroughout = observations.every((observation) => observation.lag > 0);
    if (laggedThroughout && first.committedOffset === last.committedOffset) return hasMembers ? 'STALL' : 'STOP';
    const lagGrewThroughout = observations.every((observation, index) => index === 0 || observation.lag >= observations[index - 1]!.lag);
    const committing = last.committedOffset > first.committedOffset;
    return committing && lagGrewThroughout && last.lag > first.lag ? 'WARN' : 'OK';
  }
}
