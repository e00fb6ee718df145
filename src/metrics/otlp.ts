import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { MetricDefinition, Sample } from './definition.ts';
import type { SeriesStore } from './series-store.ts';

export interface OtlpPushOptions {
  readonly endpoint: string;
  readonly intervalSeconds: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceVersion: string;
  readonly defaultLabels: Readonly<Record<string, string>>;
}

export interface OtlpPush {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** OpenTelemetry names counters without the Prometheus `_total` suffix; its Prometheus translation adds it back. */
export function otlpMetricName(definition: MetricDefinition): string {
  return definition.type === 'counter' ? definition.name.replace(/_total$/, '') : definition.name;
}

function hrTime(milliseconds: number): HrTime {
  const seconds = Math.floor(milliseconds / 1000);
  return [seconds, Math.round((milliseconds - seconds * 1000) * 1e6)];
}

function toMetricData(
  definition: MetricDefinition,
  samples: readonly Sample[],
  defaultLabels: Readonly<Record<string, string>>,
  startTime: HrTime,
  endTime: HrTime,
): MetricData {
  const descriptor = {
    name: otlpMetricName(definition),
    description: definition.help,
    unit: definition.unit ?? '',
    valueType: ValueType.DOUBLE,
  };
  const point = <T>(sample: Sample, value: T) => ({
    startTime,
    endTime,
    attributes: { ...defaultLabels, ...sample.labels } as Attributes,
    value,
  });
  const aggregationTemporality = AggregationTemporality.CUMULATIVE;
  switch (definition.type) {
    case 'gauge':
      return {
        descriptor,
        aggregationTemporality,
        dataPointType: DataPointType.GAUGE,
        dataPoints: samples.map((sample) => point(sample, sample.value)),
      };
    case 'counter':
      return {
        descriptor,
        aggregationTemporality,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: samples.map((sample) => point(sample, sample.value)),
      };
    case 'histogram':
      return {
        descriptor,
        aggregationTemporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: samples.map((sample) =>
          point(sample, {
            buckets: { boundaries: [...(definition.buckets ?? [])], counts: [...(sample.histogram?.counts ?? [])] },
            sum: sample.histogram?.sum ?? 0,
            count: sample.value,
            hasMinMax: false,
          }),
        ),
      };
  }
}

/** Converts the store's state, at each export, into OTLP data points: the catalogue's second view. */
export class StoreMetricProducer implements MetricProducer {
  readonly #catalogue: readonly MetricDefinition[];
  readonly #store: SeriesStore;
  readonly #defaultLabels: Readonly<Record<string, string>>;
  readonly #version: string;
  readonly #startTime = hrTime(Date.now());

  constructor(
    catalogue: readonly MetricDefinition[],
    store: SeriesStore,
    defaultLabels: Readonly<Record<string, string>>,
    version: string,
  ) {
    this.#catalogue = catalogue;
    this.#store = store;
    this.#defaultLabels = defaultLabels;
    this.#version = version;
  }

  async collect(): Promise<CollectionResult> {
    const endTime = hrTime(Date.now());
    const metrics: MetricData[] = [];
    for (const definition of this.#store.definitions(this.#catalogue)) {
      const samples = [...this.#store.samples(definition.name)];
      if (samples.length > 0) metrics.push(toMetricData(definition, samples, this.#defaultLabels, this.#startTime, endTime));
    }
    return {
      resourceMetrics: {
        resource: resourceFromAttributes({}),
        scopeMetrics: [{ scope: { name: 'kafka-sonar', version: this.#version }, metrics }],
      },
      errors: [],
    };
  }
}

/** Pushes the same catalogue and state as /metrics over OTLP/HTTP. */
export function startOtlpPush(catalogue: readonly MetricDefinition[], store: SeriesStore, options: OtlpPushOptions): OtlpPush {
  const exporter = new OTLPMetricExporter({ url: options.endpoint, headers: { ...options.headers } });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: Math.max(1, options.intervalSeconds) * 1000,
    exportTimeoutMillis: Math.max(1, Math.min(options.intervalSeconds, 30)) * 1000,
    metricProducers: [new StoreMetricProducer(catalogue, store, options.defaultLabels, options.serviceVersion)],
  });
  // The provider has no instruments: it only binds the reader and carries the resource.
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'kafka-sonar', 'service.version': options.serviceVersion }),
    readers: [reader],
  });
  return {
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
