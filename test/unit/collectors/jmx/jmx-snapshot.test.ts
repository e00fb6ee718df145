import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Admin } from '@platformatic/kafka';
import type { JmxSample } from '../../../../src/jmx/bean-samples.ts';
import type { AgentReading } from '../../../../src/collectors/jmx/agent-reader.ts';
import { agentAddress, agentTargets } from '../../../../src/collectors/jmx/agent-targets.ts';
import { buildJmxSnapshot } from '../../../../src/collectors/jmx/jmx-snapshot.ts';
import { loadJmxRules } from '../../../../src/collectors/jmx/jmx-collector.ts';
import { ConfigError } from '../../../../src/config/errors.ts';
import { Snapshot } from '../../../../src/metrics/series-store.ts';

const sample = (name: string, labels: Record<string, string>, value: number, type: JmxSample['type'] = 'gauge'): JmxSample => ({
  name,
  type,
  help: `help of ${name}`,
  labels,
  value,
  objectName: 'kafka.server<type=X><>Value',
});

const reading = (url: string, brokerId: string | undefined, samples: JmxSample[], up = true): AgentReading => ({
  target: { url, brokerId },
  brokerId,
  up,
  seconds: 0.25,
  samples,
  unmatched: 7,
  failures: up ? ['kafka.log:* : boom'] : [],
  ...(up ? {} : { error: 'ECONNREFUSED' }),
});

const settings = { collector: 'jmx', maxSeries: 100, droppedBefore: 0 };

test('every series carries the broker id; a rule-made broker label becomes exported_broker', () => {
  const { snapshot } = buildJmxSnapshot(
    [
      reading('http://b1:8778/jolokia', '1', [sample('kafka_server_replicamanager_leadercount', {}, 12)]),
      reading('http://b2:8778/jolokia', '2', [sample('kafka_controller_kafkacontroller_brokerregistrationstate', { broker: '3' }, 30)]),
    ],
    settings,
  );
  assert.deepEqual(snapshot.series('kafka_server_replicamanager_leadercount'), [{ labels: { broker: '1' }, value: 12 }]);
  assert.deepEqual(snapshot.series('kafka_controller_kafkacontroller_brokerregistrationstate'), [
    { labels: { broker: '2', exported_broker: '3' }, value: 30 },
  ]);
  const definitions = new Map([...snapshot.runtimeDefinitions()].map((definition) => [definition.name, definition]));
  assert.deepEqual(definitions.get('kafka_controller_kafkacontroller_brokerregistrationstate')?.labels, ['broker', 'exported_broker']);
  assert.equal(definitions.get('kafka_server_replicamanager_leadercount')?.type, 'gauge');
});

test('one definition per name with every label its series use; counters stay counters', () => {
  const { snapshot } = buildJmxSnapshot(
    [
      reading('http://b1:8778/jolokia', '1', [
        sample('kafka_server_brokertopicmetrics_bytesin_total', {}, 10, 'counter'),
        sample('kafka_server_brokertopicmetrics_bytesin_total', { topic: 'orders' }, 4, 'counter'),
      ]),
    ],
    settings,
  );
  const [definition] = [...snapshot.runtimeDefinitions()];
  assert.deepEqual(definition, {
    name: 'kafka_server_brokertopicmetrics_bytesin_total',
    help: 'help of kafka_server_brokertopicmetrics_bytesin_total',
    type: 'counter',
    labels: ['broker', 'topic'],
  });
});

test('agents up and down: kafka_jmx_up, read errors and unmatched counts only for agents that answered', () => {
  const { snapshot } = buildJmxSnapshot(
    [reading('http://b1:8778/jolokia', '1', []), reading('https://user@b2:8779/jolokia', undefined, [], false)],
    settings,
  );
  assert.deepEqual(snapshot.series('kafka_jmx_up'), [
    { labels: { broker: '1', agent: 'b1:8778' }, value: 1 },
    { labels: { broker: '', agent: 'b2:8779' }, value: 0 },
  ]);
  assert.deepEqual(snapshot.series('kafka_sonar_jmx_read_errors'), [{ labels: { broker: '1' }, value: 1 }]);
  assert.deepEqual(snapshot.series('kafka_sonar_jmx_unmatched_attributes'), [{ labels: { broker: '1' }, value: 7 }]);
});

test('series over the budget are dropped and counted, on top of those dropped before', () => {
  const samples = Array.from({ length: 5 }, (_, index) => sample('kafka_log_log_size', { partition: String(index) }, index));
  const { snapshot, dropped } = buildJmxSnapshot([reading('http://b1:8778/jolokia', '1', samples)], {
    ...settings,
    maxSeries: 3,
    droppedBefore: 4,
  });
  assert.equal(snapshot.series('kafka_log_log_size')?.length, 3);
  assert.equal(dropped, 2);
  assert.deepEqual(snapshot.series('kafka_sonar_series_dropped_total'), [{ labels: { collector: 'jmx' }, value: 6 }]);
  assert.deepEqual(snapshot.series('kafka_sonar_series_budget'), [{ labels: { collector: 'jmx' }, value: 3 }]);
  assert.ok(snapshot instanceof Snapshot);
});

test('agents: URLs as given, or a {host} template filled from the metadata in broker id order', async () => {
  const noAdmin = () => assert.fail('no metadata needed for plain URLs');
  assert.deepEqual(await agentTargets(['http://a:1/jolokia', 'http://b:2/jolokia'], noAdmin), [
    { url: 'http://a:1/jolokia', brokerId: undefined },
    { url: 'http://b:2/jolokia', brokerId: undefined },
  ]);
  const brokers = new Map([
    [3, { host: 'kafka-3.internal', port: 9092 }],
    [1, { host: 'kafka-1.internal', port: 9092 }],
  ]);
  const admin = { metadata: async () => ({ brokers }) } as unknown as Admin;
  assert.deepEqual(await agentTargets(['https://{host}:8778/jolokia'], () => admin), [
    { url: 'https://kafka-1.internal:8778/jolokia', brokerId: '1' },
    { url: 'https://kafka-3.internal:8778/jolokia', brokerId: '3' },
  ]);
  assert.equal(agentAddress('https://user:secret@kafka-1.internal:8778/jolokia'), 'kafka-1.internal:8778');
});

test("a series a rule names like one of kafka-sonar's own metrics is left out and counted", () => {
  const { snapshot, dropped } = buildJmxSnapshot(
    [reading('http://b1:8778/jolokia', '1', [sample('kafka_brokers', {}, 3), sample('kafka_server_replicamanager_leadercount', {}, 12)])],
    settings,
  );
  assert.equal(snapshot.series('kafka_brokers'), undefined);
  assert.deepEqual(
    [...snapshot.runtimeDefinitions()].map((definition) => definition.name),
    ['kafka_server_replicamanager_leadercount'],
  );
  assert.equal(dropped, 1);
  assert.deepEqual(snapshot.series('kafka_sonar_series_dropped_total'), [{ labels: { collector: 'jmx' }, value: 1 }]);
});

test('jmx.rules-file: the bundled broker and JVM rules by default; a missing or broken file is a configuration error naming it', () => {
  const bundled = loadJmxRules([]);
  assert.deepEqual(
    bundled.map((set) => set.patterns.slice(0, 1)),
    [['kafka.server:*'], ['java.lang:type=Memory']],
  );
  const heap = { domain: 'java.lang', properties: [['type', 'Memory']] as const };
  assert.deepEqual(
    bundled.map((set) => set.keep(heap)),
    [false, true],
  );
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sonar-jmx-rules-'));
  assert.throws(
    () => loadJmxRules([join(dir, 'absent.yaml')]),
    (error: unknown) => error instanceof ConfigError && error.message === `jmx.rules-file: cannot read ${join(dir, 'absent.yaml')}: ENOENT`,
  );
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'rules:\n- pattern: "kafka(.+"\n  name: x\n');
  assert.throws(
    () => loadJmxRules([broken]),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.startsWith(`jmx.rules-file: ${broken}: rule 1: pattern "kafka(.+" is not a valid regular expression`),
  );
});
