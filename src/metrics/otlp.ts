import type { Attributes, ObservableCounter, ObservableGauge } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricDefinition } from './definition.ts';
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

/** Pushes the same catalogue and state as /metrics, read at each export through observable instruments. */
export function startOtlpPush(catalogue: readonly MetricDefinition[], store: SeriesStore, options: OtlpPushOptions): OtlpPush {
  const exporter = new OTLPMetricExporter({ url: options.endpoint, headers: { ...options.headers } });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: Math.max(1, options.intervalSeconds) * 1000,
    exportTimeoutMillis: Math.max(1, Math.min(options.intervalSeconds, 30)) * 1000,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'kafka-sonar', 'service.version': options.serviceVersion }),
    readers: [reader],
  });
  const meter = provider.getMeter('kafka-sonar', options.serviceVersion);

  const instruments = catalogue.map((definition) => {
    const settings = { description: definition.help, ...(definition.unit ? { unit: definition.unit } : {}) };
    const instrument: ObservableGauge | ObservableCounter = definition.type === 'gauge'
      ? meter.createObservableGauge(otlpMetricName(definition), settings)
      : meter.createObservableCounter(otlpMetricName(definition), settings);
    return { definition, instrument };
  });

  meter.addBatchObservableCallback((result) => {
    for (const { definition, instrument } of instruments) {
      for (const sample of store.samples(definition.name)) {
        result.observe(instrument, sample.value, { ...options.defaultLabels, ...sample.labels } as Attributes);
      }
    }
  }, instruments.map(({ instrument }) => instrument));

  return {
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
