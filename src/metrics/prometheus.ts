import { Registry, collectDefaultMetrics, type RegistryContentType } from 'prom-client';
import type { MetricDefinition } from './definition.ts';
import { TimeSlicer } from '../util/time-slicer.ts';
import { prerenderSnapshots, renderSeries } from './exposition.ts';
import type { SeriesStore } from './series-store.ts';

export interface PrometheusView {
  /** Renders the exposition, as buffers to send in order; OpenMetrics when the scraper asks for it in its Accept header. */
  render(accept: string | undefined): Promise<{ contentType: string; body: readonly Buffer[] }>;
  /** Renders newly published snapshots ahead of the next scrape, in slices, so scrapes find them ready. */
  prerender(): void;
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
  let prerendering: Promise<void> | undefined;
  return {
    async render(accept) {
      const wantsOpenMetrics = acceptsOpenMetrics(accept);
      while (!wantsOpenMetrics && prerendering) await prerendering;
      const registry = wantsOpenMetrics ? openMetrics : text;
      const series = renderSeries(catalogue, store, defaultLabels, wantsOpenMetrics ? 'openmetrics' : 'prometheus');
      return { contentType: registry.contentType, body: [...series, Buffer.from(await registry.metrics())] };
    },
    prerender() {
      // A block that failed to render here is rendered again by the scrape, which reports the error.
      const run: Promise<void> = prerenderSnapshots(catalogue, store, defaultLabels, 'prometheus', new TimeSlicer())
        .catch(() => undefined)
        .finally(() => {
          if (prerendering === run) prerendering = undefined;
        });
      prerendering = run;
    },
  };
}
