export type MetricType = 'gauge' | 'counter' | 'histogram';

export interface MetricDefinition {
  /** Prometheus name; counters end in _total, units are base units in the name. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  /** Unit as OpenTelemetry spells it (UCUM): s, By, 1. */
  readonly unit?: string;
  /** Histograms: the finite upper bounds of the buckets, ascending (+Inf is implied). */
  readonly buckets?: readonly number[];
}

export type Labels = Readonly<Record<string, string>>;

/**
 * The label set a metric's definition names, exactly: a misspelt or missing label fails the type
 * check. Definitions typed only as MetricDefinition (built at run time) accept any labels.
 */
export type LabelsOf<M extends MetricDefinition> = string extends M['labels'][number]
  ? Labels
  : Readonly<Record<M['labels'][number], string>>;

/** Observations of one histogram series: per-bucket (not cumulative) counts, one more than the bounds for +Inf. */
export interface HistogramValue {
  readonly counts: readonly number[];
  readonly sum: number;
}

/** One series; for a histogram `value` is its observation count and `histogram` holds the buckets. */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
  readonly histogram?: HistogramValue;
}

/** Counts per bucket, plus the sum, of observations against a histogram's bounds; cheap to update. */
export class HistogramAccumulator implements HistogramValue {
  readonly #bounds: readonly number[];
  readonly counts: number[];
  sum = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let index = 0;
    while (index < this.#bounds.length && value > this.#bounds[index]!) index++;
    this.counts[index]!++;
    this.sum += value;
  }

  get count(): number {
    let total = 0;
    for (const count of this.counts) total += count;
    return total;
  }

  /** A copy that later observations leave alone. */
  freeze(): HistogramValue {
    return { counts: [...this.counts], sum: this.sum };
  }
}
