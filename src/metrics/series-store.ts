import type { HistogramValue, Labels, LabelsOf, MetricDefinition, Sample } from './definition.ts';

/** Something that can say, at render time, the current series of a metric. */
export interface SeriesSource {
  series(metricName: string): Iterable<Sample> | undefined;
  /** Metrics the source defines at run time, outside the catalogue (e.g. named by JMX exporter rules). */
  runtimeDefinitions?(): Iterable<MetricDefinition>;
}

/**
 * One metric's series in a snapshot, column by column: the label values of each series flat, in the
 * order of the definition's labels (undefined where a series lacks one), and the values. Far fewer
 * objects than a Sample per series, so a 150,000-series snapshot costs a few megabytes.
 */
export class SeriesColumns {
  readonly labelNames: readonly string[];
  readonly labelValues: (string | undefined)[] = [];
  readonly values: number[] = [];
  /** Histograms only, one per series. */
  readonly histograms: HistogramValue[] = [];

  constructor(labelNames: readonly string[]) {
    this.labelNames = labelNames;
  }

  get length(): number {
    return this.values.length;
  }

  push(labels: Labels, value: number, histogram?: HistogramValue): void {
    for (const name of this.labelNames) this.labelValues.push(labels[name]);
    this.values.push(value);
    if (histogram) this.histograms.push(histogram);
  }

  /** The series at `index` as a Sample, with the labels it was added with. */
  sample(index: number): Sample {
    const labels: Record<string, string> = {};
    const base = index * this.labelNames.length;
    this.labelNames.forEach((name, offset) => {
      const value = this.labelValues[base + offset];
      if (value !== undefined) labels[name] = value;
    });
    const histogram = this.histograms[index];
    return histogram ? { labels, value: this.values[index]!, histogram } : { labels, value: this.values[index]! };
  }
}

/**
 * The series of one collection cycle; optionally capped by a series budget. Once handed to the
 * store it is sealed: its columns never change again, so views may cache what they render.
 */
export class Snapshot implements SeriesSource {
  readonly #byMetric = new Map<string, SeriesColumns>();
  readonly #runtime = new Map<string, MetricDefinition>();
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
    this.#columnsFor(metric).push(labels, count, histogram);
    return this;
  }

  /** A series of a metric defined at run time, which renderers list after the catalogue's (see runtimeDefinitions). */
  addRuntime(metric: MetricDefinition, labels: Labels, value: number): this {
    if (!this.#runtime.has(metric.name)) this.#runtime.set(metric.name, metric);
    return this.add(metric, labels, value);
  }

  runtimeDefinitions(): Iterable<MetricDefinition> {
    return this.#runtime.values();
  }

  /** For the few series that report on the budget itself. */
  addOutsideBudget<M extends MetricDefinition>(metric: M, labels: LabelsOf<M>, value: number): this {
    this.#columnsFor(metric).push(labels, value);
    return this;
  }

  #columnsFor(metric: MetricDefinition): SeriesColumns {
    if (this.#sealed) throw new Error(`snapshot already published: cannot add ${metric.name}`);
    let columns = this.#byMetric.get(metric.name);
    if (!columns) this.#byMetric.set(metric.name, (columns = new SeriesColumns(metric.labels)));
    return columns;
  }

  /** The metric's series as stored: what renderers read without making a Sample per series. */
  columns(metricName: string): SeriesColumns | undefined {
    return this.#byMetric.get(metricName);
  }

  series(metricName: string): readonly Sample[] | undefined {
    const columns = this.#byMetric.get(metricName);
    return columns && Array.from({ length: columns.length }, (_, index) => columns.sample(index));
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

  /** The catalogue, then every metric a source defines at run time under a name the catalogue does not use. */
  definitions(catalogue: readonly MetricDefinition[]): readonly MetricDefinition[] {
    let names: Set<string> | undefined;
    const all = [...catalogue];
    for (const source of this.#sources.values()) {
      for (const definition of source.runtimeDefinitions?.() ?? []) {
        names ??= new Set(catalogue.map((metric) => metric.name));
        if (names.has(definition.name)) continue;
        names.add(definition.name);
        all.push(definition);
      }
    }
    return all;
  }

  *samples(metricName: string): Iterable<Sample> {
    for (const source of this.#sources.values()) {
      const samples = source.series(metricName);
      if (samples) yield* samples;
    }
  }
}
