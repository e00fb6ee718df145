import type { HistogramValue, LabelsOf, MetricDefinition, Sample } from './definition.ts';

/** Something that can say, at render time, the current series of a metric. */
export interface SeriesSource {
  series(metricName: string): Iterable<Sample> | undefined;
}

/**
 * The series of one collection cycle; optionally capped by a series budget. Once handed to the
 * store it is sealed: its sample lists never change again, so views may cache what they render.
 */
export class Snapshot implements SeriesSource {
  readonly #byMetric = new Map<string, Sample[]>();
  readonly #budget: number;
  #size = 0;
  #dropped = 0;
  #sealed = false;

  constructor(budget = Infinity) {
    this.#budget = budget;
  }

  /** Series left out because the budget was spent. */
  get dropped(): number {
    return this.#dropped;
  }

  get size(): number {
    return this.#size;
  }

  get sealed(): boolean {
    return this.#sealed;
  }

  seal(): this {
    this.#sealed = true;
    return this;
  }

  add<M extends MetricDefinition>(metric: M, labels: LabelsOf<M>, value: number): this {
    if (this.#size >= this.#budget) {
      this.#dropped++;
      return this;
    }
    this.#size++;
    return this.addOutsideBudget(metric, labels, value);
  }

  /** A histogram series (one series against the budget, however many buckets it has). */
  addHistogram<M extends MetricDefinition>(metric: M, labels: LabelsOf<M>, histogram: HistogramValue): this {
    if (metric.type !== 'histogram' || metric.buckets === undefined || histogram.counts.length !== metric.buckets.length + 1) {
      throw new Error(`${metric.name}: not a histogram, or bucket counts do not match its bounds`);
    }
    if (this.#size >= this.#budget) {
      this.#dropped++;
      return this;
    }
    this.#size++;
    let count = 0;
    for (const bucket of histogram.counts) count += bucket;
    this.#push(metric, { labels, value: count, histogram });
    return this;
  }

  /** For the few series that report on the budget itself. */
  addOutsideBudget<M extends MetricDefinition>(metric: M, labels: LabelsOf<M>, value: number): this {
    this.#push(metric, { labels, value });
    return this;
  }

  #push(metric: MetricDefinition, sample: Sample): void {
    if (this.#sealed) throw new Error(`snapshot already published: cannot add ${metric.name}`);
    let samples = this.#byMetric.get(metric.name);
    if (!samples) this.#byMetric.set(metric.name, (samples = []));
    samples.push(sample);
  }

  series(metricName: string): readonly Sample[] | undefined {
    return this.#byMetric.get(metricName);
  }
}

/**
 * The state every view renders: each owner (a collector, the exporter itself) installs a source;
 * replacing an owner's source atomically drops the series it no longer has.
 */
export class SeriesStore {
  readonly #sources = new Map<string, SeriesSource>();

  set(owner: string, source: SeriesSource): void {
    if (source instanceof Snapshot) source.seal();
    this.#sources.set(owner, source);
  }

  delete(owner: string): void {
    this.#sources.delete(owner);
  }

  sources(): Iterable<SeriesSource> {
    return this.#sources.values();
  }

  *samples(metricName: string): Iterable<Sample> {
    for (const source of this.#sources.values()) {
      const samples = source.series(metricName);
      if (samples) yield* samples;
    }
  }
}
