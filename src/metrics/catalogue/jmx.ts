import type { MetricDefinition } from '../definition.ts';

const AGENT = ['broker', 'agent'] as const;

/**
 * The JMX collector's own series; the broker metrics it reads are named at run time by the JMX exporter rules
 * (the bundled ones give kafka_server_brokertopicmetrics_bytesin_total and the rest of Strimzi's names).
 */
export const jmxMetrics = {
  up: {
    name: 'kafka_jmx_up',
    type: 'gauge',
    labels: AGENT,
    help: "Whether the broker's Jolokia agent answered the last cycle (1) or not (0); agent is its host:port, broker its id (empty until it first answered).",
  },
  scrapeDuration: {
    name: 'kafka_jmx_scrape_duration_seconds',
    type: 'gauge',
    labels: AGENT,
    unit: 's',
    help: "How long the broker's agent took to answer the last cycle.",
  },
  readErrors: {
    name: 'kafka_sonar_jmx_read_errors',
    type: 'gauge',
    labels: ['broker'],
    help: 'MBeans, or MBean patterns, the agent could not read in the last cycle (the rest of its MBeans were collected).',
  },
  unmatchedAttributes: {
    name: 'kafka_sonar_jmx_unmatched_attributes',
    type: 'gauge',
    labels: ['broker'],
    help: 'Numeric MBean attributes read in the last cycle that no rule matched (left out).',
  },
} as const satisfies Record<string, MetricDefinition>;
