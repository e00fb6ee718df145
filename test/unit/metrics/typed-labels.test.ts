import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumerGroupMetrics, exporterMetrics } from '../../../src/metrics/catalogue/index.ts';
import type { MetricDefinition } from '../../../src/metrics/definition.ts';
import { Snapshot } from '../../../src/metrics/series-store.ts';

test('a metric takes exactly the labels its definition names: a misspelt or missing label fails the type check', () => {
  const snapshot = new Snapshot();
  snapshot.add(consumerGroupMetrics.lag, { consumergroup: 'billing', topic: 'orders', partition: '0' }, 3);
  // @ts-expect-error consumer_group is not a label of kafka_consumergroup_lag (consumergroup is)
  snapshot.add(consumerGroupMetrics.lag, { consumer_group: 'billing', topic: 'orders', partition: '0' }, 3);
  // @ts-expect-error the partition label is missing
  snapshot.add(consumerGroupMetrics.lag, { consumergroup: 'billing', topic: 'orders' }, 3);
  // @ts-expect-error kafka_sonar_collector_up has a collector label only
  snapshot.addOutsideBudget(exporterMetrics.collectorUp, { collector: 'cluster', stage: 'metadata' }, 1);
  const dynamic: MetricDefinition = { name: 'made_at_run_time', help: 'x', type: 'gauge', labels: ['anything'] };
  snapshot.add(dynamic, { whatever: 'goes' }, 1);
  assert.equal(snapshot.series(consumerGroupMetrics.lag.name)?.length, 3, 'the type check is compile-time only');
});
