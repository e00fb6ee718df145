import type { Labels, MetricDefinition, Sample } from './definition.ts';

/** Something that can say, at render time, the current series of a metric. */
export interface SeriesSource {
  series(metricName: string): Iterable<Sample> | undefined;
}

/** An immutable set of series, built once per collection cycle; optionally capped by a series budget. */
export class Snapshot implements SeriesSource {
  readonly #byMetric = new Map<string, Sample[]>();
  readonly #budget: number;
  #size = 0;
  #dropped = 0;

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

  add(metric: MetricDefinition, labels: Labels, value: number): this {
    if (this.#size >= this.#budget) {
      this.#dropped++;
      return this;
    }
    this.#size++;
    return this.addOutsideBudget(metric, labels, value);
  }

  /** For the few series that report on the budget itself. */
  addOutsideBudget(metric: MetricDefinition, labels: Labels, value: number): this {
    let samples = this.#byMetric.get(metric.name);
    if (!samples) this.#byMetric.set(metric.name, (samples = []));
    samples.push({ labels, value });
    return this;
  }

  series(metricName: string): Iterable<Sample> | undefined {
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
    this.#sources.set(owner, source);
  }

  delete(owner: string): void {
    this.#sources.delete(owner);
  }

  *samples(metricName: string): Iterable<Sample> {
    for (const source of this.#sources.values()) {
      const samples = source.series(metricName);
      if (samples) yield* samples;
    }
  }
}
