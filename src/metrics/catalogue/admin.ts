import type { MetricDefinition } from '../definition.ts';

export const adminMetrics = {
  requests: {
    name: 'kafka_sonar_admin_requests_total',
    type: 'counter',
    labels: ['operation', 'outcome'],
    help: 'Requests to the admin API by operation (topics.create, ...) and outcome (ok, dry_run, replayed, unauthenticated, rate_limited, forbidden, invalid, not_found, conflict, unavailable, error).',
  },
  usersReloadSuccess: {
    name: 'kafka_sonar_admin_users_reload_success',
    type: 'gauge',
    labels: [],
    help: 'Whether the last load of the admin users file succeeded (1) or failed and the last good set is still in use (0).',
  },
  usersLastReloadSuccess: {
    name: 'kafka_sonar_admin_users_last_reload_success_timestamp_seconds',
    type: 'gauge',
    labels: [],
    unit: 's',
    help: 'Unix time of the last successful load of the admin users file.',
  },
} as const satisfies Record<string, MetricDefinition>;
