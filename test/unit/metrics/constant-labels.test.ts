import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/config/errors.ts';
import { catalogue } from '../../../src/metrics/catalogue/index.ts';
import { checkConstantLabels } from '../../../src/metrics/constant-labels.ts';

test('constant labels that no metric has pass; one that a metric has is a configuration error naming both', () => {
  const metrics = catalogue();
  checkConstantLabels({ kafka_cluster: 'prod', env: 'eu' }, metrics);
  for (const clash of ['topic', 'consumergroup', 'client_id', 'partition']) {
    assert.throws(
      () => checkConstantLabels({ [clash]: 'x' }, metrics),
      (error: unknown) =>
        error instanceof ConfigError && new RegExp(`^kafka\\.labels: ${clash} is a label of kafka_\\w+ already`).test(error.message),
      clash,
    );
  }
});
