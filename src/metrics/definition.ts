export type MetricType = 'gauge' | 'counter';

export interface MetricDefinition {
  /** Prometheus name; counters end in _total, units are base units in the name. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  /** Unit as OpenTelemetry spells it (UCUM): s, By, 1. */
  readonly unit?: string;
}

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}
