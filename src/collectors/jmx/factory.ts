import type { CollectorFactory } from '../collector.ts';

/** Beyond the agents' own deadline, for the cluster metadata a {host} template needs. */
const METADATA_GRACE_SECONDS = 5;

export const jmxCollectorFactory: CollectorFactory = {
  name: 'jmx',
  enabled: (config) => config.collectors.jmx.enabled,
  // Each agent has collector.jmx.timeout to answer; the cycle as a whole a little more, so that a slow agent
  // counts as down on its own instead of failing the cycle of every broker.
  schedule: ({ collectors: { jmx } }) => ({
    intervalSeconds: jmx.intervalSeconds,
    timeoutSeconds: jmx.timeoutSeconds + METADATA_GRACE_SECONDS,
  }),
  create: async (config, { logger }) => (await import('./jmx-collector.ts')).createJmxCollector(config, logger),
};
