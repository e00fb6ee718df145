import type { MetricDefinition } from '../definition.ts';

export const exporterMetrics = {
  buildInfo: {
    name: 'kafka_sonar_build_info',
    type: 'gauge',
    labels: ['version', 'node_version'],
    help: 'Version of kafka-sonar and of the Node.js runtime running it; always 1.',
  },
  collectorUp: {
    name: 'kafka_sonar_collector_up',
    type: 'gauge',
    labels: ['collector'],
    help: 'Whether the last cycle of the collector succeeded (1) or failed (0).',
  },
  collectorDuration: {
    name: 'kafka_sonar_collector_duration_seconds',
    type: 'gauge',
    labels: ['collector'],
    unit: 's',
    help: 'How long the last cycle of the collector took.',
  },
  collectorLastSuccess: {
    name: 'kafka_sonar_collector_last_success_timestamp_seconds',
    type: 'gauge',
    labels: ['collector'],
    unit: 's',
    help: 'Unix time of the end of the last successful cycle of the collector; 0 before the first success.',
  },
  collectorErrors: {
    name: 'kafka_sonar_collector_errors_total',
    type: 'counter',
    labels: ['collector'],
    help: 'Collection cycles that failed or timed out.',
  },
} as const satisfies Record<string, MetricDefinition>;

export const collectionMetrics = {
  stageUp: {
    name: 'kafka_sonar_collector_stage_up',
    type: 'gauge',
    labels: ['collector', 'stage'],
    help: "Whether a stage of the last cycle (metadata, offsets, configs, log_dirs, groups, quorum) succeeded (1) or failed (0); a failed stage's metrics are absent.",
  },
  stageDuration: {
    name: 'kafka_sonar_collector_stage_duration_seconds',
    type: 'gauge',
    labels: ['collector', 'stage'],
    unit: 's',
    help: 'How long a stage of the last cycle took.',
  },
  lagTimestampReads: {
    name: 'kafka_sonar_lag_timestamp_reads_total',
    type: 'counter',
    labels: ['collector', 'outcome'],
    help: 'Records read for their timestamp to date lag in seconds, by outcome: read, failed (an error, or no record at the offset), skipped (over collector.cluster.lag-timestamp-reads in that cycle).',
  },
  seriesDropped: {
    name: 'kafka_sonar_series_dropped_total',
    type: 'counter',
    labels: ['collector'],
    help: "Series left out because the collector's series budget was spent.",
  },
  seriesBudget: {
    name: 'kafka_sonar_series_budget',
    type: 'gauge',
    labels: ['collector'],
    help: 'Largest number of series the collector may export.',
  },
} as const satisfies Record<string, MetricDefinition>;
