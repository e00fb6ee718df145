import { Counter, Gauge, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue, type RegistryContentType } from 'prom-client';
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
 * A prom-client metric whose values are read from the store at scrape time instead of being
 * set one by one; a label-less metric with no sample renders no series (not a made-up 0).
 * prom-client's OpenMetrics output appends `_total` to counter samples itself, so there the
 * counter is registered under its family name.
 */
function registerMetric(definition: MetricDefinition, store: SeriesStore, registry: Registry<RegistryContentType>, openMetrics: boolean): void {
  const name = openMetrics && definition.type === 'counter' ? definition.name.replace(/_total$/, '') : definition.name;
  const settings = { name, help: definition.help, labelNames: [...definition.labels], registers: [registry] };
  const metric = definition.type === 'gauge' ? new Gauge(settings) : new Counter(settings);
  const emptyMetric: Promise<MetricSnapshot> = metric.get();
  metric.get = async () => ({ ...(await emptyMetric), values: currentValues(definition, store) });
}

/** prom-client gauges named like counters, which `promtool check metrics` rightly rejects. */
const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function acceptsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept);
}

export function createPrometheusView(catalogue: readonly MetricDefinition[], store: SeriesStore, defaultLabels: Record<string, string>): PrometheusView {
  const text = new Registry<RegistryContentType>();
  const openMetrics = new Registry<RegistryContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const registries: [Registry<RegistryContentType>, boolean][] = [[text, false], [openMetrics, true]];
  for (const [registry, isOpenMetrics] of registries) {
    registry.setDefaultLabels(defaultLabels);
    collectDefaultMetrics({ register: registry });
    for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
    for (const definition of catalogue) registerMetric(definition, store, registry, isOpenMetrics);
  }

  return {
    async render(accept) {
      const registry = acceptsOpenMetrics(accept) ? openMetrics : text;
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
