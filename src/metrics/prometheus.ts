import { Counter, Gauge, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { MetricDefinition } from './definition.ts';
import type { SeriesStore } from './series-store.ts';

export interface PrometheusView {
  /** Renders the exposition; OpenMetrics when the scraper asks for it in its Accept header. */
  render(accept: string | undefined): Promise<{ contentType: string; body: string }>;
}

type MetricSnapshot = MetricObjectWithValues<MetricValue<string>>;

function currentValues(definition: MetricDefinition, store: SeriesStore): MetricValue<string>[] {
  const values: MetricValue<string>[] = [];
  for (const sample of store.samples(definition.name)) values.push({ labels: sample.labels, value: sample.value });
  return values;
}

/**
 * prom-client metrics whose values are read from the store at scrape time instead of being
 * set one by one; a label-less metric with no sample renders no series (not a made-up 0).
 */
function registerMetric(definition: MetricDefinition, store: SeriesStore, registers: Registry[]): void {
  const settings = { name: definition.name, help: definition.help, labelNames: [...definition.labels], registers };
  const metric = definition.type === 'gauge' ? new Gauge(settings) : new Counter(settings);
  const emptyMetric: Promise<MetricSnapshot> = metric.get();
  metric.get = async () => ({ ...(await emptyMetric), values: currentValues(definition, store) });
}

export function acceptsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept);
}

export function createPrometheusView(catalogue: readonly MetricDefinition[], store: SeriesStore, defaultLabels: Record<string, string>): PrometheusView {
  const text = new Registry();
  const openMetrics = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const registries = [text, openMetrics] as Registry[];
  for (const registry of registries) {
    registry.setDefaultLabels(defaultLabels);
    collectDefaultMetrics({ register: registry });
  }
  for (const definition of catalogue) registerMetric(definition, store, registries);

  return {
    async render(accept) {
      const registry = acceptsOpenMetrics(accept) ? openMetrics : text;
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
