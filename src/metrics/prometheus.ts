import { Registry, collectDefaultMetrics, type RegistryContentType } from 'prom-client';
import type { MetricDefinition } from './definition.ts';
import { TimeSlicer } from '../util/time-slicer.ts';
import { prerenderSnapshot, renderSeries } from './exposition.ts';
import type { SeriesStore, Snapshot } from './series-store.ts';

export interface PrometheusView {
  /** Renders the exposition, as buffers to send in order; OpenMetrics when the scraper asks for it in its Accept header. */
  render(accept: string | undefined): Promise<{ contentType: string; body: readonly Buffer[] }>;
  /** Renders a snapshot about to be published, in slices; scrapes meanwhile serve the one it replaces. */
  prepare(snapshot: Snapshot): Promise<void>;
}

/** prom-client gauges named like counters, which `promtool check metrics` rightly rejects. */
const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function acceptsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept);
}

function processRegistry(contentType: RegistryContentType, defaultLabels: Record<string, string>): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(contentType);
  registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  return registry;
}

/**
 * /metrics: the catalogue's series from the store, then prom-client's process and runtime metrics,
 * in the format and content type prom-client negotiates.
 */
export function createPrometheusView(
  catalogue: readonly MetricDefinition[],
  store: SeriesStore,
  defaultLabels: Record<string, string>,
): PrometheusView {
  const text = processRegistry(Registry.PROMETHEUS_CONTENT_TYPE, defaultLabels);
  const openMetrics = processRegistry(Registry.OPENMETRICS_CONTENT_TYPE, defaultLabels);
  return {
    async render(accept) {
      const wantsOpenMetrics = acceptsOpenMetrics(accept);
      const registry = wantsOpenMetrics ? openMetrics : text;
      const series = renderSeries(catalogue, store, defaultLabels, wantsOpenMetrics ? 'openmetrics' : 'prometheus');
      return { contentType: registry.contentType, body: [...series, Buffer.from(await registry.metrics())] };
    },
    async prepare(snapshot) {
      // A block that failed to render here is rendered by the scrape, which reports the error.
      await prerenderSnapshot(catalogue, snapshot, defaultLabels, new TimeSlicer()).catch(() => undefined);
    },
  };
}
