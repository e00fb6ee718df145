import type { MetricDefinition } from '../definition.ts';
import { clusterMetrics } from './cluster.ts';
import { exporterMetrics } from './exporter.ts';

export { clusterMetrics, exporterMetrics };

export interface MetricGroup {
  readonly title: string;
  readonly metrics: readonly MetricDefinition[];
}

/** Every metric kafka-sonar defines, grouped as the README documents them. */
export const METRIC_GROUPS: readonly MetricGroup[] = [
  { title: 'Exporter', metrics: Object.values(exporterMetrics) },
  { title: 'Cluster', metrics: Object.values(clusterMetrics) },
];

export const ALL_METRICS: readonly MetricDefinition[] = METRIC_GROUPS.flatMap((group) => group.metrics);
