import { ConfigError } from '../config/errors.ts';
import type { MetricDefinition } from './definition.ts';

/**
 * Refuses constant labels (--kafka.labels) that a metric already has: the series would carry the name
 * twice, which Prometheus rejects, so the clash is a configuration error naming the label and a metric.
 */
export function checkConstantLabels(labels: Readonly<Record<string, string>>, definitions: readonly MetricDefinition[]): void {
  for (const name of Object.keys(labels)) {
    const user = definitions.find((definition) => definition.labels.includes(name));
    if (user) {
      throw new ConfigError(`kafka.labels: ${name} is a label of ${user.name} already: choose another name (for example kafka_${name})`);
    }
  }
}
