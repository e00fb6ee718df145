import { kafkaClientsDashboard } from './kafka-clients.ts';
import { kafkaClusterDashboard } from './kafka-cluster.ts';

/** Every dashboard kafka-sonar ships, by the file name it is written to under dashboards/. */
export const DASHBOARDS: Readonly<Record<string, Record<string, unknown>>> = {
  'kafka-cluster.json': kafkaClusterDashboard,
  'kafka-clients.json': kafkaClientsDashboard,
};

export function renderDashboard(model: Record<string, unknown>): string {
  return JSON.stringify(model, null, 2) + '\n';
}
