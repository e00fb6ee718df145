/** When a partition's log end offset had a given value: (time, offset) points, oldest first. */
export interface OffsetPoint {
  readonly timeSeconds: number;
  readonly offset: number;
}

export type LagTimeMethod = 'caught_up' | 'interpolated' | 'extrapolated' | 'lower_bound' | 'record_timestamp';

export interface LagTimeEstimate {
  readonly seconds: number;
  readonly method: LagTimeMethod;
  /** How far apart the two samples an interpolation lies between are: the most it can be off by. */
  readonly spanSeconds?: number;
}

/**
 * The log end offset of one partition over time, bounded in size. A run of equal offsets keeps its
 * first and last point, so the moment the log end left a value is known to within one cycle.
 */
export class OffsetHistory {
  readonly #points: OffsetPoint[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = Math.max(4, capacity);
  }

  get points(): readonly OffsetPoint[] {
    return this.#points;
  }

  record(timeSeconds: number, offset: number): void {
    const points = this.#points;
    const last = points.at(-1);
    if (last && offset < last.offset) points.length = 0; // the log was truncated or recreated: old history no longer applies
    const beforeLast = points.at(-2);
    if (last && beforeLast && last.offset === offset && beforeLast.offset === offset) points.pop();
    points.push({ timeSeconds, offset });
    if (points.length > this.#capacity) this.#thin();
  }

  /** Drops every other point of the older half: recent history stays precise, old history coarser. */
  #thin(): void {
    const points = this.#points;
    const half = Math.floor(points.length / 2);
    const kept = points.slice(0, half).filter((_, index) => index % 2 === 0);
    points.splice(0, half, ...kept);
  }

  /**
   * How long ago the log end was at `committedOffset`, i.e. how old the next message the group has
   * to read is. A group that has read everything is 0 seconds behind, however long ago data came in.
   */
  estimateLagSeconds(committedOffset: number, nowSeconds: number): LagTimeEstimate | undefined {
    const points = this.#points;
    const latest = points.at(-1);
    if (!latest) return undefined;
    if (committedOffset >= latest.offset) return { seconds: 0, method: 'caught_up' };

    for (let index = points.length - 1; index > 0; index--) {
      const after = points[index]!;
      const before = points[index - 1]!;
      if (before.offset <= committedOffset && committedOffset < after.offset) {
        const share = (committedOffset - before.offset) / (after.offset - before.offset);
        const time = before.timeSeconds + share * (after.timeSeconds - before.timeSeconds);
        return { seconds: Math.max(0, nowSeconds - time), method: 'interpolated', spanSeconds: after.timeSeconds - before.timeSeconds };
      }
    }

    const oldest = points[0]!;
    const spanSeconds = latest.timeSeconds - oldest.timeSeconds;
    const spanOffsets = latest.offset - oldest.offset;
    if (spanSeconds > 0 && spanOffsets > 0) {
      const time = oldest.timeSeconds - (oldest.offset - committedOffset) * (spanSeconds / spanOffsets);
      return { seconds: Math.max(0, nowSeconds - time), method: 'extrapolated' };
    }
    return { seconds: Math.max(0, nowSeconds - oldest.timeSeconds), method: 'lower_bound' };
  }
}
