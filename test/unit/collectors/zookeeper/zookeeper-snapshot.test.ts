import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FourLetterWord } from '../../../../src/collectors/zookeeper/four-letter-word-parsers.ts';
import { summarizeMember, type MemberState } from '../../../../src/collectors/zookeeper/member-state.ts';
import type { KafkaZnodes } from '../../../../src/collectors/zookeeper/znode-reader.ts';
import { buildZookeeperSnapshot, ensembleHealth } from '../../../../src/collectors/zookeeper/zookeeper-snapshot.ts';
import type { Snapshot } from '../../../../src/metrics/series-store.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/zookeeper/${name}`, import.meta.url), 'utf8');

function member(server: string, role: 'leader' | 'follower'): MemberState {
  const answers = new Map<FourLetterWord, string>(
    (['mntr', 'srvr', 'ruok', 'envi', 'cons', 'wchs'] as const).map((word) => [word, fixture(`${word}-${role}.txt`)]),
  );
  return summarizeMember({ server, answers, failures: new Map() });
}
const down = (server: string): MemberState =>
  summarizeMember({ server, answers: new Map(), failures: new Map([['ruok', `${server}: ECONNREFUSED`]]) });

function value(snapshot: Snapshot, name: string, labels: Record<string, string> = {}): number | undefined {
  return [...(snapshot.series(name) ?? [])].find((sample) =>
    Object.entries(labels).every(([key, expected]) => sample.labels[key] === expected),
  )?.value;
}

test('a healthy three-member ensemble: one leader, two synced followers', () => {
  const members = [member('a:2181', 'follower'), member('b:2181', 'leader'), member('c:2181', 'follower')];
  assert.deepEqual(ensembleHealth(members), { leaders: 1, missingSyncedFollowers: 0, healthy: true });
  const snapshot = buildZookeeperSnapshot(
    { members, znodes: undefined, consumerLags: undefined, stages: { errors: new Map(), durations: new Map() } },
    'zookeeper',
  );
  assert.equal(value(snapshot, 'zookeeper_server_leader', { server: 'b:2181' }), 1);
  assert.equal(value(snapshot, 'zookeeper_server_leader', { server: 'a:2181' }), 0);
  assert.equal(value(snapshot, 'zookeeper_server_state', { server: 'a:2181', state: 'follower' }), 1);
  assert.equal(value(snapshot, 'zookeeper_server_state', { server: 'a:2181', state: 'leader' }), 0);
  assert.equal(value(snapshot, 'zookeeper_synced_followers', { server: 'b:2181' }), 2);
  assert.equal(value(snapshot, 'zookeeper_synced_followers', { server: 'a:2181' }), undefined);
  assert.equal(value(snapshot, 'zookeeper_ensemble_healthy'), 1);
  assert.equal(value(snapshot, 'zookeeper_ensemble_members_up'), 3);
});

test('a stopped member: down with no other series, and the leader short of a synced follower is unhealthy', () => {
  const leader = { ...member('b:2181', 'leader'), syncedFollowers: 1 };
  const members = [down('a:2181'), leader, member('c:2181', 'follower')];
  assert.deepEqual(ensembleHealth(members), { leaders: 1, missingSyncedFollowers: 1, healthy: false });
  const snapshot = buildZookeeperSnapshot(
    { members, znodes: undefined, consumerLags: undefined, stages: { errors: new Map(), durations: new Map() } },
    'zookeeper',
  );
  assert.equal(value(snapshot, 'zookeeper_up', { server: 'a:2181' }), 0);
  assert.equal(value(snapshot, 'zookeeper_server_leader', { server: 'a:2181' }), undefined);
  assert.equal(value(snapshot, 'zookeeper_ensemble_missing_synced_followers'), 1);
  assert.equal(value(snapshot, 'zookeeper_ensemble_healthy'), 0);
});

test('two members claiming to lead, or none, is unhealthy and has no synced-follower count', () => {
  assert.deepEqual(ensembleHealth([member('a', 'leader'), member('b', 'leader')]), {
    leaders: 2,
    missingSyncedFollowers: undefined,
    healthy: false,
  });
  assert.deepEqual(ensembleHealth([member('a', 'follower'), down('b')]), { leaders: 0, missingSyncedFollowers: undefined, healthy: false });
});

test('a refused word is a 0 in zookeeper_command_allowed, never a silent 0 in the numbers', () => {
  const answers = new Map<FourLetterWord, string>([
    ['mntr', fixture('mntr-refused.txt')],
    ['srvr', fixture('srvr-standalone.txt')],
    ['ruok', 'imok'],
  ]);
  const standalone = summarizeMember({ server: 's:2181', answers, failures: new Map() });
  const snapshot = buildZookeeperSnapshot(
    { members: [standalone], znodes: undefined, consumerLags: undefined, stages: { errors: new Map(), durations: new Map() } },
    'zookeeper',
  );
  assert.equal(value(snapshot, 'zookeeper_command_allowed', { server: 's:2181', command: 'mntr' }), 0);
  assert.equal(value(snapshot, 'zookeeper_command_allowed', { server: 's:2181', command: 'srvr' }), 1);
  assert.equal(value(snapshot, 'zookeeper_ephemeral_nodes', { server: 's:2181' }), undefined);
  assert.equal(value(snapshot, 'zookeeper_znodes', { server: 's:2181' }), 5);
  assert.equal(value(snapshot, 'zookeeper_ensemble_healthy'), 1, 'a standalone server is its own leader');
});

test("Kafka znodes: brokers, controller, throttles (secrets hidden), reassignments and old consumers' lag", () => {
  const znodes: KafkaZnodes = {
    brokers: [
      {
        id: 1,
        version: 5,
        host: 'k1',
        port: 9092,
        jmxPort: -1,
        endpoints: ['PLAINTEXT://k1:9092'],
        securityProtocolMap: { PLAINTEXT: 'PLAINTEXT' },
        rack: null,
        timestampMs: 1_700_000_000_000,
      },
    ],
    controller: { brokerId: 1, timestampMs: 1_700_000_001_000 },
    controllerEpoch: 4,
    dynamicConfigs: [
      { entityType: 'brokers', entity: '1', configs: new Map([['leader.replication.throttled.rate', '1000000']]) },
      {
        entityType: 'users',
        entity: 'alice',
        configs: new Map([
          ['SCRAM-SHA-256', 'salt=abc,stored_key=def'],
          ['producer_byte_rate', '1024'],
        ]),
      },
    ],
    reassignments: [{ topic: 'orders', partition: 0, replicas: [2, 1] }],
    consumerOffsets: [],
    unreadable: [],
  };
  const snapshot = buildZookeeperSnapshot(
    {
      members: [member('b:2181', 'leader')],
      znodes,
      consumerLags: [{ group: 'old', topic: 'orders', partition: 0, lag: 7 }],
      stages: { errors: new Map(), durations: new Map([['znodes', 0.01]]) },
    },
    'zookeeper',
  );
  assert.equal(value(snapshot, 'zookeeper_kafka_brokers'), 1);
  assert.equal(
    value(snapshot, 'zookeeper_kafka_broker_info', {
      id: '1',
      endpoints: 'PLAINTEXT://k1:9092',
      security_protocol_map: 'PLAINTEXT:PLAINTEXT',
      registration_version: '5',
    }),
    1,
  );
  assert.equal(value(snapshot, 'zookeeper_kafka_broker_registration_timestamp_seconds', { id: '1' }), 1_700_000_000);
  assert.equal(value(snapshot, 'zookeeper_kafka_controller_id'), 1);
  assert.equal(value(snapshot, 'zookeeper_kafka_controller_epoch'), 4);
  assert.equal(
    value(snapshot, 'zookeeper_kafka_dynamic_config_info', {
      entity_type: 'brokers',
      entity: '1',
      config: 'leader.replication.throttled.rate',
      value: '1000000',
    }),
    1,
  );
  assert.equal(
    value(snapshot, 'zookeeper_kafka_dynamic_config_info', { entity_type: 'users', config: 'SCRAM-SHA-256', value: '(hidden)' }),
    1,
  );
  assert.equal(value(snapshot, 'zookeeper_kafka_reassigning_partitions'), 1);
  assert.equal(
    value(snapshot, 'zookeeper_kafka_partition_reassignment_info', { topic: 'orders', partition: '0', target_replicas: '2,1' }),
    1,
  );
  assert.equal(value(snapshot, 'kafka_consumergroupzookeeper_lag_zookeeper', { consumergroup: 'old', topic: 'orders', partition: '0' }), 7);
  assert.equal(value(snapshot, 'kafka_sonar_collector_stage_up', { collector: 'zookeeper', stage: 'znodes' }), 1);
});
