/**
 * The admin API against a real cluster: every change it makes is checked with Kafka's admin client
 * (@platformatic/kafka, not the API's own answer), every refused one is shown to change nothing, and
 * every mutation leaves its audit line. Run for each test bed mode.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { describeConfigsV4, type Admin } from '@platformatic/kafka';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { auditLines, callApi, recordedCalls, writeUsersFile, type AuditLine, type TestUser } from '../../support/admin-api.ts';
import { freePort, startExporterProcess, type ExporterProcess } from '../../support/exporter-process.ts';
import { Kafka, logLevel } from 'kafkajs';
import { endOffsets } from '../../fixtures/sniffer/record/offsets.ts';
import { removeZnode, writeZnode, znodeExists } from '../../support/znodes.ts';
import { adminClient, produceMessages, startClassicConsumer, startKip848Consumer } from '../../support/kafka-clients.ts';
import { scrape, valueOf } from '../../support/scrape.ts';
import { waitUntil } from '../../support/wait.ts';
import {
  kafkaToolMainClasses,
  runKafkaTool,
  testbedDown,
  testbedUp,
  uniqueName,
  type KafkaMode,
  type Testbed,
} from '../../testbed/index.ts';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const TOPIC_RESOURCE = 2;

const alice: TestUser = { name: 'alice', password: 'alice-secret-1', roles: ['admin'] };
const bob: TestUser = { name: 'bob', password: 'bob-secret-1', roles: ['viewer', 'team-a'] };
const carol: TestUser = { name: 'carol', password: 'carol-secret-1', roles: ['viewer'] };
const dave: TestUser = { name: 'dave', password: 'dave-secret-1', roles: ['operator'] };
/** Locked out by the rate-limit test; nobody else's calls depend on it. */
const grace: TestUser = { name: 'grace', password: 'grace-secret-1', roles: ['viewer'] };
const USERS = [alice, bob, carol, dave, grace];
const TEAM_A_ROLE = 'roles:\n  team-a:\n    - { resource: topic, actions: [view, create, edit], names: "team-a\\\\..*" }\n';

async function kafkaTopics(admin: Admin): Promise<Set<string>> {
  return new Set(await admin.listTopics());
}

async function kafkaPartitions(admin: Admin, topic: string): Promise<{ count: number; replicationFactor: number }> {
  const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
  const described = metadata.topics.get(topic);
  assert.ok(described, `Kafka knows topic ${topic}`);
  return { count: described.partitionsCount, replicationFactor: described.partitions[0]!.replicas.length };
}

/** The topic's configs as Kafka describes them: value and whether it was set on the topic. */
async function kafkaTopicConfigs(
  admin: Admin,
  topic: string,
): Promise<Map<string, { value: string | null | undefined; dynamic: boolean }>> {
  const [description] = await admin.describeConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic }] });
  return new Map(description!.configs.map((config) => [config.name, { value: config.value, dynamic: config.configSource === 1 }]));
}

/** Kafka applies metadata changes asynchronously: a check of Kafka's state after a change retries until it holds. */
async function eventually(description: string, check: () => Promise<void>): Promise<void> {
  await waitUntil(
    description,
    async () => {
      await check();
      return true;
    },
    { timeoutMs: 30_000 },
  );
}

async function kafkaGroups(admin: Admin): Promise<Set<string>> {
  return new Set((await admin.listGroups({ types: ['classic', 'consumer'] })).keys());
}

/** Committed offsets of the group as Kafka's admin client reads them: "topic:partition" -> offset. */
async function kafkaCommitted(admin: Admin, group: string): Promise<Map<string, number>> {
  const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] });
  return new Map(
    (offsets?.topics ?? []).flatMap((topic) =>
      topic.partitions
        .filter((partition) => partition.committedOffset >= 0n)
        .map((partition) => [`${topic.name}:${partition.partitionIndex}`, Number(partition.committedOffset)] as const),
    ),
  );
}

/** Ten records on each of the topic's two partitions, with CreateTime base + i seconds, from kafkajs. */
async function produceTimed(bootstrapServers: string, topic: string, base: number): Promise<void> {
  const producer = new Kafka({ clientId: 'sonar-test-timed', brokers: bootstrapServers.split(','), logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const messages = [0, 1].flatMap((partition) =>
      Array.from({ length: 10 }, (_, index) => ({ partition, value: `record-${index}`, timestamp: String(base + index * 1000) })),
    );
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export function adminApiScenario(mode: KafkaMode): void {
  let bed: Testbed;
  let admin: Admin;
  let exporter: ExporterProcess;
  let clusterId: string;
  let dir: string;
  let usersFile: string;
  let auditFile: string;
  const v3 = (path: string): string => `/v3/clusters/${clusterId}${path}`;
  const linesOf = (operation: string, predicate: (line: AuditLine) => boolean = () => true): AuditLine[] =>
    auditLines(auditFile).filter((line) => line.operation === operation && predicate(line));

  before(async () => {
    bed = await testbedUp({ mode, brokers: 3, authorizer: true, name: `admin-${mode}` });
    admin = adminClient(bed.bootstrapServers);
    clusterId = (await admin.metadata({ topics: [] })).id;
    dir = mkdtempSync(join(tmpdir(), 'sonar-admin-'));
    usersFile = join(dir, 'users.yaml');
    auditFile = join(dir, 'audit.jsonl');
    writeUsersFile(usersFile, USERS, TEAM_A_ROLE);
    exporter = await startExporterProcess([
      `--kafka.server=${bed.bootstrapServers}`,
      '--collector.cluster.enabled=false',
      '--cluster.name=testbed',
      '--admin.enabled',
      `--admin.users-file=${usersFile}`,
      `--admin.audit-file=${auditFile}`,
      '--admin.users-reload-interval=1s',
      ...(mode === 'zk' ? [`--zookeeper.server=${bed.zookeeper}`, '--collector.zookeeper.interval=60s'] : []),
    ]);
  });

  after(async () => {
    await exporter?.stop();
    await admin?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await testbedDown({ name: `admin-${mode}` });
  });

  test(`${mode}: admin.enabled without a users file is a configuration error naming both options`, () => {
    const result = spawnSync(
      process.execPath,
      [MAIN, `--kafka.server=${bed.bootstrapServers}`, '--admin.enabled', `--admin.audit-file=${join(dir, 'x.jsonl')}`],
      { encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(result.status, 2, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /admin\.enabled.*admin\.users-file/);
    assert.match(lines[0]!, /admin\.insecure-no-auth/);
  });

  test(`${mode}: the cluster, its brokers and its id or name alias`, async () => {
    const clusters = await callApi(exporter.url, 'GET', '/v3/clusters', { as: carol });
    assert.equal(clusters.status, 200, clusters.text);
    assert.equal(clusters.json!['kind'], 'KafkaClusterList');
    const [cluster] = clusters.json!['data'] as Record<string, unknown>[];
    assert.equal(cluster!['cluster_id'], clusterId);
    const brokers = await callApi(exporter.url, 'GET', '/v3/clusters/testbed/brokers', { as: carol });
    assert.equal(brokers.status, 200, brokers.text);
    const ids = (brokers.json!['data'] as { broker_id: number; port: number }[]).map((broker) => broker.broker_id).sort();
    assert.deepEqual(ids, bed.brokers.map((broker) => broker.id).sort());
    const unknown = await callApi(exporter.url, 'GET', '/v3/clusters/no-such-cluster/topics', { as: carol });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json!['error_code'], 404);
  });

  test(`${mode}: a created topic has its partitions, replication factor and configs in Kafka, and its audit line`, async () => {
    const topic = uniqueName('admin-created');
    const created = await callApi(exporter.url, 'POST', v3('/topics'), {
      as: alice,
      body: {
        topic_name: topic,
        partitions_count: 3,
        replication_factor: 2,
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'retention.ms', value: '7200000' },
        ],
      },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.get('location'), `${exporter.url}${v3(`/topics/${topic}`)}`);
    assert.equal(created.json!['kind'], 'KafkaTopic');
    await eventually(`${topic} in Kafka with its partitions and configs`, async () => {
      assert.deepEqual(await kafkaPartitions(admin, topic), { count: 3, replicationFactor: 2 });
      const configs = await kafkaTopicConfigs(admin, topic);
      assert.equal(configs.get('cleanup.policy')?.value, 'compact');
      assert.equal(configs.get('retention.ms')?.value, '7200000');
    });
    const [line] = linesOf(
      'topics.create',
      (entry) => (entry.parameters['body'] as { topic_name?: string } | undefined)?.topic_name === topic,
    );
    assert.ok(line, 'an audit line for the creation');
    assert.equal(line.user, 'alice');
    assert.equal(line.result.status, 201);
    assert.equal(line.dry_run, false);
  });

  test(`${mode}: validate_only checks a topic without creating it; an existing name is a conflict`, async () => {
    const topic = uniqueName('admin-validated');
    const checked = await callApi(exporter.url, 'POST', v3('/topics'), {
      as: alice,
      body: { topic_name: topic, partitions_count: 2, validate_only: true },
    });
    assert.equal(checked.status, 200, checked.text);
    assert.equal((await kafkaTopics(admin)).has(topic), false, 'validate_only created nothing');
    assert.equal(
      linesOf('topics.create', (entry) => entry.dry_run && (entry.parameters['body'] as { topic_name?: string }).topic_name === topic)
        .length,
      1,
    );
    const tooMany = await callApi(exporter.url, 'POST', v3('/topics'), {
      as: alice,
      body: { topic_name: topic, replication_factor: 9, validate_only: true },
    });
    assert.equal(tooMany.status, 400, tooMany.text);
    assert.match(String(tooMany.json!['message']), /INVALID_REPLICATION_FACTOR/);
    const existing = uniqueName('admin-existing');
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: existing, partitions_count: 1 } })).status,
      201,
    );
    const again = await callApi(exporter.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: existing, partitions_count: 4 } });
    assert.equal(again.status, 409, again.text);
    assert.match(String(again.json!['message']), /TOPIC_ALREADY_EXISTS/);
    await eventually(`${existing} in Kafka`, async () =>
      assert.equal((await kafkaPartitions(admin, existing)).count, 1, 'the existing topic is untouched'),
    );
  });

  test(`${mode}: configs change one by one and in a batch, incrementally: the others stay as they were`, async () => {
    const topic = uniqueName('admin-configs');
    assert.equal(
      (
        await callApi(exporter.url, 'POST', v3('/topics'), {
          as: dave,
          body: {
            topic_name: topic,
            partitions_count: 1,
            configs: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'max.message.bytes', value: '2000000' },
            ],
          },
        })
      ).status,
      201,
    );
    const listed = await callApi(exporter.url, 'GET', v3(`/topics/${topic}/configs`), { as: carol });
    assert.equal(listed.status, 200, listed.text);
    const cleanup = (listed.json!['data'] as { name: string; value: string; source: string; synonyms: unknown[] }[]).find(
      (entry) => entry.name === 'cleanup.policy',
    );
    assert.deepEqual([cleanup?.value, cleanup?.source], ['compact', 'DYNAMIC_TOPIC_CONFIG']);
    assert.ok((cleanup?.synonyms.length ?? 0) >= 1, 'synonyms are listed');

    const set = await callApi(exporter.url, 'PUT', v3(`/topics/${topic}/configs/retention.ms`), { as: dave, body: { value: '3600000' } });
    assert.equal(set.status, 204, set.text);
    await eventually('retention.ms set in Kafka', async () => {
      const configs = await kafkaTopicConfigs(admin, topic);
      assert.equal(configs.get('retention.ms')?.value, '3600000');
      assert.equal(configs.get('cleanup.policy')?.value, 'compact', 'untouched by setting another config');
      assert.equal(configs.get('max.message.bytes')?.value, '2000000', 'untouched by setting another config');
    });
    const [setLine] = linesOf('topic-configs.update', (entry) => entry.parameters['topic_name'] === topic);
    assert.deepEqual(setLine?.changes, [{ name: 'retention.ms', operation: 'SET', before: '604800000', after: '3600000' }]);

    const batch = await callApi(exporter.url, 'POST', v3(`/topics/${topic}/configs:alter`), {
      as: dave,
      body: {
        data: [
          { name: 'cleanup.policy', operation: 'DELETE' },
          { name: 'segment.ms', value: '86400000' },
        ],
      },
    });
    assert.equal(batch.status, 204, batch.text);
    await eventually('the batch applied in Kafka', async () => {
      const configs = await kafkaTopicConfigs(admin, topic);
      assert.deepEqual(configs.get('cleanup.policy'), { value: 'delete', dynamic: false }, 'deleted: back to the default');
      assert.equal(configs.get('segment.ms')?.value, '86400000');
      assert.equal(configs.get('retention.ms')?.value, '3600000', 'untouched by the batch');
      assert.equal(configs.get('max.message.bytes')?.value, '2000000', 'untouched by the batch');
    });
    const [batchLine] = linesOf('topic-configs.alter', (entry) => entry.parameters['topic_name'] === topic);
    assert.deepEqual(batchLine?.changes, [
      { name: 'cleanup.policy', operation: 'DELETE', before: 'compact', after: null },
      { name: 'segment.ms', operation: 'SET', before: '604800000', after: '86400000' },
    ]);

    const reset = await callApi(exporter.url, 'DELETE', v3(`/topics/${topic}/configs/retention.ms`), { as: dave });
    assert.equal(reset.status, 204, reset.text);
    await eventually('retention.ms reset in Kafka', async () =>
      assert.equal((await kafkaTopicConfigs(admin, topic)).get('retention.ms')?.dynamic, false),
    );
    const invalid = await callApi(exporter.url, 'PUT', v3(`/topics/${topic}/configs/cleanup.policy`), {
      as: dave,
      body: { value: 'shred' },
    });
    assert.equal(invalid.status, 400, invalid.text);
    assert.match(String(invalid.json!['message']), /INVALID_CONFIG/);
  });

  test(`${mode}: partitions are added and listed with leaders and in-sync replicas; a topic is deleted`, async () => {
    const topic = uniqueName('admin-grown');
    assert.equal(
      (
        await callApi(exporter.url, 'POST', v3('/topics'), {
          as: alice,
          body: { topic_name: topic, partitions_count: 2, replication_factor: 3 },
        })
      ).status,
      201,
    );
    const grown = await callApi(exporter.url, 'PATCH', v3(`/topics/${topic}`), { as: dave, body: { partitions_count: 5 } });
    assert.equal(grown.status, 200, grown.text);
    await eventually(`${topic} with 5 partitions in Kafka`, async () => assert.equal((await kafkaPartitions(admin, topic)).count, 5));
    const shrink = await callApi(exporter.url, 'PATCH', v3(`/topics/${topic}`), { as: dave, body: { partitions_count: 3 } });
    assert.equal(shrink.status, 400, shrink.text);
    assert.equal((await kafkaPartitions(admin, topic)).count, 5, 'a partition count cannot go down');

    const replicas = await waitUntil(`5 partitions of ${topic} with 3 in-sync replicas`, async () => {
      const answer = await callApi(exporter.url, 'GET', v3(`/topics/${topic}/partitions/4/replicas`), { as: carol });
      const data = (answer.json?.['data'] ?? []) as { is_in_sync: boolean; is_leader: boolean }[];
      return answer.status === 200 && data.length === 3 && data.every((replica) => replica.is_in_sync) ? data : undefined;
    });
    assert.equal(replicas.filter((replica) => replica.is_leader).length, 1);

    const deleted = await callApi(exporter.url, 'DELETE', v3(`/topics/${topic}`), { as: alice });
    assert.equal(deleted.status, 204, deleted.text);
    await waitUntil(`${topic} gone from Kafka`, async () => !(await kafkaTopics(admin)).has(topic));
    assert.equal((await callApi(exporter.url, 'DELETE', v3(`/topics/${topic}`), { as: alice })).status, 404);
  });

  test(`${mode}: Idempotency-Key: the same key and body replays the answer without doing it again; another body is 422`, async () => {
    const topic = uniqueName('admin-idempotent');
    const key = `create-${topic}`;
    const first = await callApi(exporter.url, 'POST', v3('/topics'), {
      as: dave,
      headers: { 'idempotency-key': key },
      body: { topic_name: topic, partitions_count: 2 },
    });
    assert.equal(first.status, 201, first.text);
    const again = await callApi(exporter.url, 'POST', v3('/topics'), {
      as: dave,
      headers: { 'idempotency-key': key },
      body: { topic_name: topic, partitions_count: 2 },
    });
    assert.equal(again.status, 201, `replayed, not TOPIC_ALREADY_EXISTS: ${again.text}`);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.json, first.json);
    const other = await callApi(exporter.url, 'POST', v3('/topics'), {
      as: dave,
      headers: { 'idempotency-key': key },
      body: { topic_name: `${topic}-other`, partitions_count: 2 },
    });
    assert.equal(other.status, 422, other.text);
    await eventually(`${topic} in Kafka`, async () => assert.equal((await kafkaPartitions(admin, topic)).count, 2));
    assert.equal((await kafkaTopics(admin)).has(`${topic}-other`), false, 'the other body did nothing');
    const lines = linesOf('topics.create', (line) => (line.parameters['body'] as { topic_name?: string }).topic_name === topic);
    assert.deepEqual(
      lines.map((line) => [line.result.status, (line as AuditLine & { replayed?: boolean }).replayed ?? false]),
      [
        [201, false],
        [201, true],
      ],
    );
  });

  test(`${mode}: log dirs by broker, topic and partition, and a topic's partition summary, agree with Kafka`, async () => {
    const topic = uniqueName('admin-sized');
    assert.equal(
      (
        await callApi(exporter.url, 'POST', v3('/topics'), {
          as: alice,
          body: { topic_name: topic, partitions_count: 3, replication_factor: 3 },
        })
      ).status,
      201,
    );
    await produceMessages(bed.bootstrapServers, topic, 150);
    const ends = await endOffsets(bed.bootstrapServers, { [topic]: 3 });
    assert.equal(ends[topic], 150);
    const summary = await callApi(exporter.url, 'GET', `/sonar/v1/clusters/${clusterId}/topics/${topic}/partition-summary`, { as: carol });
    assert.equal(summary.status, 200, summary.text);
    assert.equal(summary.json!['messages'], 150, 'the sum of latest minus earliest offsets');
    const metadata = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)!;
    for (const entry of summary.json!['partitions'] as {
      partition_id: number;
      leader: number;
      replicas: number[];
      earliest_offset: number;
    }[]) {
      const known = metadata.partitions[entry.partition_id]!;
      assert.equal(entry.leader, known.leader, `leader of partition ${entry.partition_id}`);
      assert.deepEqual([...entry.replicas].sort(), [...known.replicas].sort());
      assert.equal(entry.earliest_offset, 0);
    }
    const sonar = (query: string): Promise<Record<string, unknown>[]> =>
      callApi(exporter.url, 'GET', `/sonar/v1/clusters/${clusterId}/log-dirs${query}`, { as: carol }).then((answer) => {
        assert.equal(answer.status, 200, answer.text);
        return answer.json!['data'] as Record<string, unknown>[];
      });
    const brokers = await sonar('');
    assert.deepEqual(brokers.map((entry) => entry['broker_id']).sort(), bed.brokers.map((broker) => broker.id).sort());
    for (const broker of brokers) {
      assert.equal(broker['error'], null);
      for (const dir of broker['log_dirs'] as { usable_bytes: number; total_bytes: number; error: string }[]) {
        assert.equal(dir.error, 'NONE');
        assert.ok(dir.usable_bytes > 0 && dir.usable_bytes <= dir.total_bytes);
      }
    }
    const kafkaDirs = await admin.describeLogDirs({ topics: [{ name: topic, partitions: [0, 1, 2] }] });
    const kafkaReplicas = kafkaDirs.flatMap((broker) =>
      broker.results.flatMap((dir) => dir.topics.filter((entry) => entry.name === topic).flatMap((entry) => entry.partitions)),
    ).length;
    await eventually(`${topic} on disk`, async () => {
      const byTopic = (await sonar('?group_by=topic')).find((entry) => entry['topic_name'] === topic);
      assert.equal(byTopic?.['replicas'], 9);
      assert.equal(byTopic?.['replicas'], kafkaReplicas, "as many replicas as Kafka's own DescribeLogDirs lists");
      assert.ok((byTopic?.['size_bytes'] as number) > 0);
    });
    const byPartition = (await sonar('?group_by=partition')).filter((entry) => entry['topic_name'] === topic);
    assert.deepEqual(
      byPartition.map((entry) => (entry['replicas'] as unknown[]).length),
      [3, 3, 3],
    );
    assert.equal((await callApi(exporter.url, 'GET', `/sonar/v1/clusters/${clusterId}/log-dirs?group_by=disk`, { as: carol })).status, 400);
  });

  test(`${mode}: ACLs are created one by one and in a batch, listed by filter and deleted, as Kafka's own DescribeAcls shows`, async () => {
    const topic = uniqueName('admin-acl');
    const acl = {
      resource_type: 'TOPIC',
      resource_name: topic,
      pattern_type: 'LITERAL',
      principal: 'User:reader',
      host: '*',
      operation: 'READ',
      permission: 'ALLOW',
    };
    const kafkaAcls = async (): Promise<string[]> =>
      (
        await admin.describeAcls({
          filter: {
            resourceType: 2,
            resourceName: topic,
            resourcePatternType: 3,
            principal: null,
            host: null,
            operation: 1,
            permissionType: 1,
          },
        })
      )
        .flatMap((entry) => entry.acls.map((permission) => `${permission.principal} ${permission.operation} ${permission.permissionType}`))
        .sort();
    const created = await callApi(exporter.url, 'POST', v3('/acls'), { as: alice, body: acl });
    assert.equal(created.status, 201, created.text);
    await eventually('the ACL in Kafka', async () => assert.deepEqual(await kafkaAcls(), ['User:reader 3 3']));
    const batch = await callApi(exporter.url, 'POST', v3('/acls:batch'), {
      as: alice,
      body: {
        data: [
          { ...acl, principal: 'User:writer', operation: 'WRITE' },
          { ...acl, principal: 'User:intruder', operation: 'ALL', permission: 'DENY' },
        ],
      },
    });
    assert.equal(batch.status, 204, batch.text);
    await eventually('three ACLs in Kafka', async () =>
      assert.deepEqual(await kafkaAcls(), ['User:intruder 2 2', 'User:reader 3 3', 'User:writer 4 3']),
    );
    const listed = await callApi(exporter.url, 'GET', v3(`/acls?resource_type=TOPIC&resource_name=${topic}&principal=User:writer`), {
      as: carol,
    });
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      (listed.json!['data'] as Record<string, unknown>[]).map((entry) => [entry['principal'], entry['operation'], entry['permission']]),
      [['User:writer', 'WRITE', 'ALLOW']],
    );
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/acls'), { as: dave, body: { ...acl, principal: 'User:sneaky' } })).status,
      403,
      'ACLs are for admins',
    );
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/acls'), { as: alice, body: { ...acl, principal: 'reader' } })).status,
      400,
      'a principal needs its type',
    );
    assert.equal(
      (await callApi(exporter.url, 'DELETE', v3(`/acls?resource_name=${topic}`), { as: alice })).status,
      400,
      "v3's required filters",
    );
    const deleted = await callApi(
      exporter.url,
      'DELETE',
      v3(`/acls?resource_type=TOPIC&resource_name=${topic}&pattern_type=LITERAL&operation=ANY&permission=ALLOW`),
      { as: alice },
    );
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual((deleted.json!['data'] as Record<string, unknown>[]).map((entry) => entry['principal']).sort(), [
      'User:reader',
      'User:writer',
    ]);
    await eventually('only the DENY ACL left in Kafka', async () => assert.deepEqual(await kafkaAcls(), ['User:intruder 2 2']));
    const [line] = linesOf('acls.delete', (entry) => entry.result.status === 200 && JSON.stringify(entry.changes).includes(topic));
    assert.equal((line?.changes as unknown[] | undefined)?.length, 2, 'the audit line lists what was deleted');
  });

  test(`${mode}: broker configs per broker and cluster-wide: sources and synonyms, sensitive values never shown, dynamic values set and removed`, async () => {
    const brokerId = bed.brokers[0]!.id;
    const listed = await callApi(exporter.url, 'GET', v3(`/brokers/${brokerId}/configs`), { as: carol });
    assert.equal(listed.status, 200, listed.text);
    const entries = listed.json!['data'] as {
      name: string;
      value: string | null;
      is_sensitive: boolean;
      source: string;
      synonyms: { value: string | null }[];
    }[];
    assert.ok(entries.length > 100, 'a broker has hundreds of configs');
    const sensitive = entries.filter((entry) => entry.is_sensitive);
    assert.ok(sensitive.length > 0, 'some configs are sensitive (passwords)');
    assert.ok(
      sensitive.every((entry) => entry.value === null && entry.synonyms.every((synonym) => synonym.value === null)),
      'their values are never shown',
    );
    // The admin client's describeConfigs routes broker resources by id, so the cluster-wide default ('') is asked with its DescribeConfigs request directly.
    const kafkaBroker = async (
      resourceName: string,
      name: string,
    ): Promise<{ value: string | null | undefined; source: number } | undefined> => {
      const connection = (await admin.connectToBrokers([brokerId])).get(brokerId)!;
      const response = await describeConfigsV4.api.async(
        connection,
        [{ resourceType: 4, resourceName, configurationKeys: [name] }],
        false,
        false,
      );
      const config = response.results[0]?.configs.find((entry) => entry.name === name);
      return config && { value: config.value, source: config.configSource };
    };
    const perBroker = await callApi(exporter.url, 'PUT', v3(`/brokers/${brokerId}/configs/max.connections`), {
      as: alice,
      body: { value: '5000' },
    });
    assert.equal(perBroker.status, 204, perBroker.text);
    await eventually('the dynamic broker value in Kafka', async () =>
      assert.deepEqual(await kafkaBroker(String(brokerId), 'max.connections'), { value: '5000', source: 2 }),
    );
    const clusterWide = await callApi(exporter.url, 'POST', v3('/broker-configs:alter'), {
      as: alice,
      body: { data: [{ name: 'log.cleaner.backoff.ms', value: '20000' }] },
    });
    assert.equal(clusterWide.status, 204, clusterWide.text);
    await eventually('the cluster-wide default in Kafka', async () =>
      assert.deepEqual(await kafkaBroker('', 'log.cleaner.backoff.ms'), { value: '20000', source: 3 }),
    );
    const shown = await callApi(exporter.url, 'GET', v3('/broker-configs/log.cleaner.backoff.ms'), { as: carol });
    assert.equal(shown.json!['source'], 'DYNAMIC_DEFAULT_BROKER_CONFIG');
    assert.equal((await callApi(exporter.url, 'DELETE', v3(`/brokers/${brokerId}/configs/max.connections`), { as: alice })).status, 204);
    assert.equal((await callApi(exporter.url, 'DELETE', v3('/broker-configs/log.cleaner.backoff.ms'), { as: alice })).status, 204);
    await eventually('both dynamic values removed in Kafka', async () => {
      assert.notEqual((await kafkaBroker(String(brokerId), 'max.connections'))?.source, 2);
      assert.notEqual((await kafkaBroker('', 'log.cleaner.backoff.ms'))?.source, 3);
    });
    const [line] = linesOf('broker-configs.update', (entry) => entry.result.status === 204);
    assert.deepEqual(line?.changes, [{ name: 'max.connections', operation: 'SET', before: '2147483647', after: '5000' }]);
  });

  test(`${mode}: old consumer groups in ZooKeeper: listed, read with their lag, deleted only without registered consumers`, async () => {
    const groupsPath = `/sonar/v1/clusters/${clusterId}/zookeeper-consumer-groups`;
    if (mode === 'kraft') {
      const none = await callApi(exporter.url, 'GET', groupsPath, { as: carol });
      assert.equal(none.status, 404, none.text);
      assert.match(String(none.json!['message']), /zookeeper\.server/);
      return;
    }
    const topic = uniqueName('admin-zk-offsets');
    const group = uniqueName('admin-zk-group');
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: topic, partitions_count: 2 } })).status,
      201,
    );
    await produceTimed(bed.bootstrapServers, topic, Date.now());
    const ends = await endOffsets(bed.bootstrapServers, { [topic]: 2 });
    assert.equal(ends[topic], 20);
    await writeZnode(bed.zookeeper!, `/consumers/${group}/offsets/${topic}/0`, '3');
    await writeZnode(bed.zookeeper!, `/consumers/${group}/offsets/${topic}/1`, '10');
    await writeZnode(bed.zookeeper!, `/consumers/${group}/ids/${group}-consumer-1`, '{"version":1,"subscription":{}}');
    const listed = await callApi(exporter.url, 'GET', groupsPath, { as: carol });
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      (listed.json!['data'] as Record<string, unknown>[]).find((entry) => entry['consumer_group_id'] === group),
      { consumer_group_id: group, members: 1, topics: [topic] },
    );
    const described = await callApi(exporter.url, 'GET', `${groupsPath}/${group}`, { as: carol });
    assert.equal(described.status, 200, described.text);
    assert.deepEqual(
      (described.json!['offsets'] as Record<string, unknown>[]).map((entry) => [
        entry['partition_id'],
        entry['current_offset'],
        entry['log_end_offset'],
        entry['lag'],
      ]),
      [
        [0, 3, 10, 7],
        [1, 10, 10, 0],
      ],
      'lag against the end offsets Kafka reports',
    );
    assert.equal(described.json!['total_lag'], 7);
    const busy = await callApi(exporter.url, 'DELETE', `${groupsPath}/${group}`, { as: alice });
    assert.equal(busy.status, 409, busy.text);
    assert.equal(
      await znodeExists(bed.zookeeper!, `/consumers/${group}/offsets/${topic}/0`),
      true,
      'nothing removed while a consumer is registered',
    );
    await removeZnode(bed.zookeeper!, `/consumers/${group}/ids/${group}-consumer-1`);
    assert.equal((await callApi(exporter.url, 'DELETE', `${groupsPath}/${group}`, { as: dave })).status, 403, 'operators may not delete');
    assert.equal((await callApi(exporter.url, 'DELETE', `${groupsPath}/${group}`, { as: alice })).status, 204);
    assert.equal(await znodeExists(bed.zookeeper!, `/consumers/${group}`), false);
    assert.equal((await callApi(exporter.url, 'GET', `${groupsPath}/${group}`, { as: carol })).status, 404);
    const [line] = linesOf('zookeeper-groups.delete', (entry) => entry.result.status === 204);
    assert.deepEqual(line?.changes, [
      { topic, partition: 0, before: 3, after: null },
      { topic, partition: 1, before: 10, after: null },
    ]);
  });

  test(`${mode}: an ongoing, throttled reassignment made with kafka-reassign-partitions shows under v3's reassignment resources`, async () => {
    const topic = uniqueName('admin-moving');
    assert.equal(
      (
        await callApi(exporter.url, 'POST', v3('/topics'), {
          as: alice,
          body: { topic_name: topic, partitions_count: 1, replication_factor: 1 },
        })
      ).status,
      201,
    );
    const from = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)!.partitions[0]!.leader;
    const to = bed.brokers.find((broker) => broker.id !== from)!.id;
    const produced = await runKafkaTool(bed, kafkaToolMainClasses(bed).producerPerformance, [
      '--topic',
      topic,
      '--num-records',
      '3000',
      '--record-size',
      '1000',
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${bed.bootstrapServers}`,
      'acks=1',
    ]);
    assert.equal(produced.code, 0, produced.stderr);
    const plan = join(dir, `${topic}.json`);
    writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: [to] }] }));
    const reassign = 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand';
    const executed = await runKafkaTool(bed, reassign, [
      '--bootstrap-server',
      bed.bootstrapServers,
      '--reassignment-json-file',
      plan,
      '--execute',
      '--throttle',
      '10000',
    ]);
    assert.equal(executed.code, 0, executed.stdout + executed.stderr);
    try {
      const all = await callApi(exporter.url, 'GET', v3('/topics/-/partitions/-/reassignment'), { as: carol });
      assert.equal(all.status, 200, all.text);
      const mine = (all.json!['data'] as Record<string, unknown>[]).filter((entry) => entry['topic_name'] === topic);
      assert.deepEqual(
        mine.map((entry) => [entry['partition_id'], entry['adding_replicas'], entry['removing_replicas']]),
        [[0, [to], [from]]],
      );
      const one = await callApi(exporter.url, 'GET', v3(`/topics/${topic}/partitions/0/reassignment`), { as: carol });
      assert.equal(one.status, 200, one.text);
      assert.equal(one.json!['kind'], 'KafkaReassignment');
      const ofTopic = await callApi(exporter.url, 'GET', v3(`/topics/${topic}/partitions/-/reassignment`), { as: carol });
      assert.equal((ofTopic.json!['data'] as unknown[]).length, 1);
    } finally {
      const cancelled = await runKafkaTool(bed, reassign, [
        '--bootstrap-server',
        bed.bootstrapServers,
        '--reassignment-json-file',
        plan,
        '--cancel',
      ]);
      assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
    }
    await waitUntil(
      `no reassignment of ${topic}`,
      async () => (await callApi(exporter.url, 'GET', v3(`/topics/${topic}/partitions/0/reassignment`), { as: carol })).status === 404,
    );
  });

  test(`${mode}: the security matrix: each refusal has its status, changes nothing in Kafka, and is audited`, async () => {
    const victim = uniqueName('admin-victim');
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: victim, partitions_count: 1 } })).status,
      201,
    );
    await eventually(`${victim} in Kafka`, async () => assert.ok((await kafkaTopics(admin)).has(victim)));
    const cases: {
      what: string;
      as?: { name: string; password: string };
      method: string;
      path: string;
      body?: unknown;
      status: number;
      user: string;
    }[] = [
      { what: 'no credentials', method: 'POST', path: v3('/topics'), body: { topic_name: uniqueName('m-none') }, status: 401, user: '-' },
      {
        what: 'wrong password',
        as: { name: 'alice', password: 'nope' },
        method: 'POST',
        path: v3('/topics'),
        body: { topic_name: uniqueName('m-wrong') },
        status: 401,
        user: 'alice',
      },
      {
        what: 'unknown user',
        as: { name: 'mallory', password: 'x' },
        method: 'POST',
        path: v3('/topics'),
        body: { topic_name: uniqueName('m-unknown') },
        status: 401,
        user: 'mallory',
      },
      {
        what: 'viewer creating',
        as: carol,
        method: 'POST',
        path: v3('/topics'),
        body: { topic_name: uniqueName('m-viewer') },
        status: 403,
        user: 'carol',
      },
      { what: 'operator deleting', as: dave, method: 'DELETE', path: v3(`/topics/${victim}`), status: 403, user: 'dave' },
      {
        what: 'custom role outside its names',
        as: bob,
        method: 'POST',
        path: v3('/topics'),
        body: { topic_name: uniqueName('team-b.m') },
        status: 403,
        user: 'bob',
      },
      {
        what: 'viewer altering a config',
        as: carol,
        method: 'PUT',
        path: v3(`/topics/${victim}/configs/retention.ms`),
        body: { value: '1000' },
        status: 403,
        user: 'carol',
      },
      {
        what: 'operator on broker configs',
        as: dave,
        method: 'PUT',
        path: v3('/broker-configs/log.cleaner.threads'),
        body: { value: '2' },
        status: 403,
        user: 'dave',
      },
    ];
    const before = await kafkaTopics(admin);
    for (const entry of cases) {
      const answer = await callApi(exporter.url, entry.method, entry.path, {
        ...(entry.as ? { as: entry.as } : {}),
        ...(entry.body === undefined ? {} : { body: entry.body }),
      });
      assert.equal(answer.status, entry.status, `${entry.what}: ${answer.text}`);
      assert.equal(answer.json!['error_code'], entry.status, `${entry.what}: v3 error body`);
      if (entry.status === 401) assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic /, entry.what);
      const audited = auditLines(auditFile).filter((line) => line.result.status === entry.status && line.user === entry.user);
      assert.ok(audited.length >= 1, `${entry.what}: audited`);
    }
    assert.deepEqual(await kafkaTopics(admin), before, 'no topic created or deleted by a refused call');
    assert.equal((await kafkaTopicConfigs(admin, victim)).get('retention.ms')?.dynamic, false, 'no config changed by a refused call');
    const allowed = uniqueName('team-a.m');
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/topics'), { as: bob, body: { topic_name: allowed, partitions_count: 1 } })).status,
      201,
      'inside its names',
    );
    await eventually(`${allowed} in Kafka`, async () => assert.ok((await kafkaTopics(admin)).has(allowed)));
    const listed = await callApi(exporter.url, 'GET', v3('/topics'), { as: bob });
    assert.ok(
      (listed.json!['data'] as { topic_name: string }[]).some((entry) => entry.topic_name === victim),
      'viewer sees every topic',
    );
    assert.equal((await callApi(exporter.url, 'GET', '/sonar/v1/audit', { as: carol })).status, 403, 'the audit is for admins');
    const ownLines = await callApi(exporter.url, 'GET', '/sonar/v1/audit?user=bob&operation=topics.create', { as: alice });
    assert.equal(ownLines.status, 200);
    assert.ok((ownLines.json!['data'] as AuditLine[]).every((line) => line.user === 'bob' && line.operation === 'topics.create'));
    assert.ok((ownLines.json!['data'] as AuditLine[]).length >= 2);
    const secrets = auditLines(auditFile)
      .map((line) => JSON.stringify(line))
      .join('\n');
    for (const user of USERS) assert.equal(secrets.includes(user.password), false, 'no password in the audit file');
    assert.equal(exporter.stderr().includes('Basic '), false, 'no Authorization header in the log');
    for (const user of USERS) assert.equal(exporter.stderr().includes(user.password), false, 'no password in the log');
  });

  test(`${mode}: failed logins are rate-limited per address and user with a JSON 429 and Retry-After`, async () => {
    const wrong = { name: 'grace', password: 'guess' };
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) statuses.push((await callApi(exporter.url, 'GET', v3('/topics'), { as: wrong })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const limited = await callApi(exporter.url, 'GET', v3('/topics'), { as: grace });
    assert.equal(limited.status, 429, 'the right password is refused too while limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(limited.json!['error_code'], 429);
    assert.equal((await callApi(exporter.url, 'GET', v3('/topics'), { as: dave })).status, 200, 'other users are not limited');
  });

  test(`${mode}: bad input is a clear 4xx and changes nothing`, async () => {
    const before = await kafkaTopics(admin);
    const cases: { what: string; path?: string; method?: string; body?: unknown; rawBody?: string; status: number; message: RegExp }[] = [
      { what: 'malformed JSON', rawBody: '{"topic_name":', status: 400, message: /not valid JSON/ },
      { what: 'wrong type', body: { topic_name: uniqueName('bad'), partitions_count: 'three' }, status: 400, message: /partitions_count/ },
      { what: 'unknown field', body: { topic_name: uniqueName('bad'), partitions: 3 }, status: 400, message: /unknown field partitions/ },
      { what: 'missing field', body: { partitions_count: 3 }, status: 400, message: /topic_name/ },
      {
        what: 'huge body',
        rawBody: JSON.stringify({ topic_name: 'x', configs: [{ name: 'a', value: 'v'.repeat(2_000_000) }] }),
        status: 413,
        message: /larger than/,
      },
      { what: 'illegal topic name', body: { topic_name: '../etc/passwd' }, status: 400, message: /not a Kafka topic name/ },
      { what: 'path traversal', method: 'GET', path: v3('/topics/..%2F..%2Fetc'), status: 400, message: /not a Kafka topic name/ },
      { what: 'unknown endpoint', method: 'GET', path: v3('/nothing-here'), status: 404, message: /no admin endpoint/ },
    ];
    for (const entry of cases) {
      const answer = await callApi(exporter.url, entry.method ?? 'POST', entry.path ?? v3('/topics'), {
        as: alice,
        ...(entry.rawBody !== undefined ? { rawBody: entry.rawBody } : {}),
        ...(entry.body !== undefined ? { body: entry.body } : {}),
      });
      assert.equal(answer.status, entry.status, `${entry.what}: ${answer.text.slice(0, 300)}`);
      assert.match(String(answer.json?.['message']), entry.message, entry.what);
    }
    assert.deepEqual(await kafkaTopics(admin), before, 'nothing created');
  });

  test(`${mode}: 50 concurrent mutations are all done and all audited`, async () => {
    const prefix = uniqueName('admin-burst');
    const target = `${prefix}-target`;
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: target, partitions_count: 1 } })).status,
      201,
    );
    const auditedBefore = auditLines(auditFile).length;
    const creates = Array.from({ length: 25 }, (_, index) =>
      callApi(exporter.url, 'POST', v3('/topics'), {
        as: dave,
        body: {
          topic_name: `${prefix}-${index}`,
          partitions_count: 1,
          configs: [{ name: 'retention.ms', value: String(3_600_000 + index) }],
        },
      }),
    );
    const alters = Array.from({ length: 25 }, (_, index) =>
      callApi(exporter.url, 'POST', v3(`/topics/${target}/configs:alter`), {
        as: dave,
        body: { data: [{ name: `message.timestamp.${index % 2 === 0 ? 'before' : 'after'}.max.ms`, value: String(86_400_000 + index) }] },
      }),
    );
    const answers = await Promise.all([...creates, ...alters]);
    assert.deepEqual(
      answers.map((answer) => answer.status).filter((status) => status >= 300),
      [],
      answers
        .filter((answer) => answer.status >= 300)
        .map((answer) => answer.text)
        .join('\n'),
    );
    await eventually('the 25 topics in Kafka with their configs', async () => {
      const topics = await kafkaTopics(admin);
      for (let index = 0; index < 25; index++) {
        assert.ok(topics.has(`${prefix}-${index}`), `${prefix}-${index} exists`);
        assert.equal((await kafkaTopicConfigs(admin, `${prefix}-${index}`)).get('retention.ms')?.value, String(3_600_000 + index));
      }
    });
    const newLines = auditLines(auditFile).slice(auditedBefore);
    assert.equal(newLines.length, 50, 'one audit line per mutation');
    assert.equal(new Set(newLines.map((line) => line.request_id)).size, 50);
    assert.equal(newLines.filter((line) => line.operation === 'topics.create' && line.result.status === 201).length, 25);
    assert.equal(newLines.filter((line) => line.operation === 'topic-configs.alter' && line.result.status === 204).length, 25);
    const { series } = await scrape(exporter.url);
    assert.ok((valueOf(series, 'kafka_sonar_admin_requests_total', { operation: 'topic-configs.alter', outcome: 'ok' }) ?? 0) >= 25);
  });

  test(`${mode}: the users file: added user, changed password, removed role, each without a restart; a broken file keeps the last good set`, async () => {
    const erin: TestUser = { name: 'erin', password: 'erin-secret-1', roles: ['operator'] };
    const whoami = (user: { name: string; password: string }): Promise<number> =>
      callApi(exporter.url, 'GET', '/sonar/v1/whoami', { as: user }).then((answer) => answer.status);
    assert.equal(await whoami(erin), 401);
    writeUsersFile(usersFile, [...USERS, erin], TEAM_A_ROLE);
    // Each refused probe counts as a failed login (5 a minute are allowed): probe less often than the 1 s reload check.
    const loginProbe = { timeoutMs: 15_000, intervalMs: 2_000 };
    await waitUntil('erin to be added', async () => (await whoami(erin)) === 200, loginProbe);
    const renamed = { ...erin, password: 'erin-secret-2' };
    writeUsersFile(usersFile, [...USERS, renamed], TEAM_A_ROLE);
    await waitUntil("erin's new password", async () => (await whoami(renamed)) === 200, loginProbe);
    assert.equal(await whoami(erin), 401, 'the old password no longer works');
    const demoted = { ...renamed, roles: ['viewer'] };
    writeUsersFile(usersFile, [...USERS, demoted], TEAM_A_ROLE);
    const topic = uniqueName('admin-demoted');
    await waitUntil(
      'erin demoted to viewer',
      async () => {
        const answer = await callApi(exporter.url, 'GET', '/sonar/v1/whoami', { as: demoted });
        return answer.status === 200 && JSON.stringify(answer.json!['roles']) === '["viewer"]';
      },
      { timeoutMs: 15_000 },
    );
    assert.equal((await callApi(exporter.url, 'POST', v3('/topics'), { as: demoted, body: { topic_name: topic } })).status, 403);
    writeFileSync(usersFile, 'users: [ this is : not valid');
    await waitUntil('the broken file reported', () => exporter.stderr().includes('admin users file not reloaded'), { timeoutMs: 15_000 });
    assert.equal(await whoami(demoted), 200, 'the last good set stays in use');
    const { series } = await scrape(exporter.url);
    assert.equal(valueOf(series, 'kafka_sonar_admin_users_reload_success'), 0);
    writeUsersFile(usersFile, USERS, TEAM_A_ROLE);
    await waitUntil('erin removed', async () => (await whoami(demoted)) === 401, { timeoutMs: 15_000 });
    assert.equal(
      exporter
        .stderr()
        .split('\n')
        .filter((line) => line.includes('admin users file not reloaded')).length,
      1,
      'one line for the broken file, not one per check',
    );
  });

  test(`${mode}: SIGHUP reloads the users file at once, without waiting for the next check`, async () => {
    const hupUsers = join(dir, 'hup-users.yaml');
    writeUsersFile(hupUsers, [carol]);
    const hup = await startExporterProcess([
      `--kafka.server=${bed.bootstrapServers}`,
      '--collector.cluster.enabled=false',
      '--admin.users-reload-interval=1h',
      '--admin.enabled',
      `--admin.users-file=${hupUsers}`,
      `--admin.audit-file=${join(dir, 'hup.jsonl')}`,
    ]);
    try {
      const frank: TestUser = { name: 'frank', password: 'frank-secret-1', roles: ['viewer'] };
      const whoami = async (): Promise<number> => (await callApi(hup.url, 'GET', '/sonar/v1/whoami', { as: frank })).status;
      assert.equal(await whoami(), 401);
      writeUsersFile(hupUsers, [carol, frank]);
      assert.equal(await whoami(), 401, 'not before the signal: the next check is an hour away');
      hup.child.kill('SIGHUP');
      await waitUntil('frank known after SIGHUP', async () => (await whoami()) === 200, { timeoutMs: 10_000 });
      assert.equal(hup.child.exitCode, null, 'SIGHUP does not stop the exporter');
    } finally {
      await hup.stop();
    }
  });

  test(`${mode}: an audit file that cannot be written refuses mutations with 503, reads are served`, async () => {
    const blockedDir = join(dir, 'blocked');
    mkdirSync(blockedDir);
    const blockedAudit = join(blockedDir, 'audit.jsonl');
    const blocked = await startExporterProcess([
      `--kafka.server=${bed.bootstrapServers}`,
      '--collector.cluster.enabled=false',
      '--admin.enabled',
      `--admin.users-file=${usersFile}`,
      `--admin.audit-file=${blockedAudit}`,
    ]);
    try {
      const topic = uniqueName('admin-unaudited');
      assert.equal(
        (await callApi(blocked.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: `${topic}-ok`, partitions_count: 1 } })).status,
        201,
      );
      rmSync(blockedAudit);
      mkdirSync(blockedAudit);
      const refused = await callApi(blocked.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: topic, partitions_count: 1 } });
      assert.equal(refused.status, 503, refused.text);
      assert.match(String(refused.json!['message']), /audit file/);
      assert.ok(refused.headers.get('retry-after'));
      assert.equal((await kafkaTopics(admin)).has(topic), false, 'not done unaudited');
      assert.equal((await callApi(blocked.url, 'GET', v3(`/topics/${topic}-ok`), { as: carol })).status, 200, 'reads are served');
    } finally {
      await blocked.stop();
    }
  });

  test(`${mode}: read-only mode refuses every mutation with 403; Kafka down answers 503 with Retry-After while /metrics is served`, async () => {
    const readOnly = await startExporterProcess([
      `--kafka.server=${bed.bootstrapServers}`,
      '--collector.cluster.enabled=false',
      '--admin.enabled',
      '--admin.read-only',
      `--admin.users-file=${usersFile}`,
      `--admin.audit-file=${join(dir, 'read-only.jsonl')}`,
    ]);
    try {
      const topic = uniqueName('admin-read-only');
      const refused = await callApi(readOnly.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: topic } });
      assert.equal(refused.status, 403, refused.text);
      assert.match(String(refused.json!['message']), /read-only/);
      assert.equal((await kafkaTopics(admin)).has(topic), false);
      assert.equal((await callApi(readOnly.url, 'GET', v3('/topics'), { as: alice })).status, 200);
    } finally {
      await readOnly.stop();
    }
    const closedPort = await freePort();
    const down = await startExporterProcess([
      `--kafka.server=127.0.0.1:${closedPort}`,
      '--admin.timeout=3s',
      '--admin.enabled',
      `--admin.users-file=${usersFile}`,
      `--admin.audit-file=${join(dir, 'down.jsonl')}`,
    ]);
    try {
      const answer = await callApi(down.url, 'GET', '/v3/clusters/anything/topics', { as: carol });
      assert.equal(answer.status, 503, answer.text);
      assert.ok(Number(answer.headers.get('retry-after')) >= 1);
      const { series } = await scrape(down.url);
      assert.equal(valueOf(series, 'kafka_up'), 0);
    } finally {
      await down.stop();
    }
  });

  test(`${mode}: consumer groups: described with members and lag; offsets are reset only when the group is empty, dry run first, to the right offsets`, async () => {
    const topic = uniqueName('admin-offsets');
    const group = uniqueName('admin-group');
    const sonar = (path: string): string => `/sonar/v1/clusters/${clusterId}${path}`;
    assert.equal(
      (
        await callApi(exporter.url, 'POST', v3('/topics'), {
          as: alice,
          body: { topic_name: topic, partitions_count: 2, replication_factor: 3 },
        })
      ).status,
      201,
    );
    await eventually(`${topic} in Kafka`, async () => assert.equal((await kafkaPartitions(admin, topic)).count, 2));
    const base = Date.now() - 3_600_000;
    await produceTimed(bed.bootstrapServers, topic, base);
    const all = new Map([
      [`${topic}:0`, 10],
      [`${topic}:1`, 10],
    ]);
    const consumer = await startClassicConsumer(bed.bootstrapServers, topic, group);
    try {
      await consumer.waitFor(20);
      await eventually(`${group} committed everything`, async () => assert.deepEqual(await kafkaCommitted(admin, group), all));
      const described = await callApi(exporter.url, 'GET', v3(`/consumer-groups/${group}`), { as: carol });
      assert.equal(described.status, 200, described.text);
      assert.deepEqual([described.json!['state'], described.json!['type']], ['STABLE', 'CLASSIC']);
      const consumers = await callApi(exporter.url, 'GET', v3(`/consumer-groups/${group}/consumers`), { as: carol });
      assert.equal((consumers.json!['data'] as unknown[]).length, 1);
      const summary = await callApi(exporter.url, 'GET', v3(`/consumer-groups/${group}/lag-summary`), { as: carol });
      assert.equal(summary.json!['total_lag'], 0);
      const follow = async (link: unknown): Promise<Record<string, unknown>> => {
        const answer = await callApi(exporter.url, 'GET', new URL(String(link), exporter.url).pathname, { as: carol });
        assert.equal(answer.status, 200, `${String(link)}: ${answer.text}`);
        return answer.json!;
      };
      const selfOf = (entry: unknown): unknown => ((entry as Record<string, Record<string, unknown>>)['metadata'] ?? {})['self'];
      const [member] = consumers.json!['data'] as Record<string, unknown>[];
      assert.equal((await follow(selfOf(member)))['consumer_id'], member!['consumer_id'], 'a consumer is served at its self link');
      const assignments = (await follow(`${String(selfOf(member))}/assignments`))['data'] as Record<string, unknown>[];
      assert.deepEqual(assignments.map((entry) => `${entry['topic_name']}:${entry['partition_id']}`).sort(), [...all.keys()].sort());
      for (const assignment of assignments) {
        const one = await follow(selfOf(assignment));
        assert.deepEqual([one['topic_name'], one['partition_id']], [assignment['topic_name'], assignment['partition_id']]);
      }
      const lags = (await follow(v3(`/consumer-groups/${group}/lags`)))['data'] as Record<string, unknown>[];
      assert.equal(lags.length, all.size);
      for (const lag of lags) {
        const one = await follow(selfOf(lag));
        assert.deepEqual(
          [one['current_offset'], one['log_end_offset'], one['lag']],
          [all.get(`${lag['topic_name']}:${lag['partition_id']}`), 10, 0],
          "a partition's lag at its self link: committed and end offsets as Kafka has them",
        );
      }
      for (const missing of [`/lags/${topic}/partitions/7`, `/lags/${topic}/partitions/x`, `/consumers/no-such-member`]) {
        const answer = await callApi(exporter.url, 'GET', v3(`/consumer-groups/${group}${missing}`), { as: carol });
        assert.equal(answer.status, 404, `${missing}: ${answer.text}`);
      }

      const active = await callApi(exporter.url, 'POST', sonar(`/consumer-groups/${group}/offsets:reset`), {
        as: dave,
        body: { scope: { all_topics: true }, strategy: { type: 'earliest' }, dry_run: false },
      });
      assert.equal(active.status, 409, active.text);
      assert.match(String(active.json!['message']), /1 member\(s\) \(state Stable\)/);
      assert.deepEqual(await kafkaCommitted(admin, group), all, 'offsets unchanged while the group has a member');
      assert.equal(
        linesOf('consumer-groups.reset-offsets', (line) => line.result.status === 409 && line.parameters['consumer_group_id'] === group)
          .length,
        1,
      );
    } finally {
      await consumer.stop();
    }
    await waitUntil(
      `${group} empty`,
      async () => (await callApi(exporter.url, 'GET', v3(`/consumer-groups/${group}`), { as: carol })).json?.['state'] === 'EMPTY',
    );

    const reset = (strategy: Record<string, unknown>, extra: Record<string, unknown> = {}): ReturnType<typeof callApi> =>
      callApi(exporter.url, 'POST', sonar(`/consumer-groups/${group}/offsets:reset`), {
        as: dave,
        body: { scope: { topics: [{ topic }] }, strategy, ...extra },
      });
    const dryRun = await reset({ type: 'earliest' });
    assert.equal(dryRun.status, 200, dryRun.text);
    assert.equal(dryRun.json!['dry_run'], true, 'dry_run is the default');
    assert.deepEqual(
      (dryRun.json!['data'] as Record<string, unknown>[]).map((entry) => [
        entry['partition_id'],
        entry['current_offset'],
        entry['new_offset'],
        entry['lag_before'],
        entry['lag_after'],
      ]),
      [
        [0, 10, 0, 0, 10],
        [1, 10, 0, 0, 10],
      ],
    );
    assert.deepEqual(await kafkaCommitted(admin, group), all, 'the dry run changed nothing');

    const toTime = await reset({ type: 'timestamp', value: base + 5000 }, { dry_run: false });
    assert.equal(toTime.status, 200, toTime.text);
    await eventually('offsets at the timestamp', async () =>
      assert.deepEqual(
        await kafkaCommitted(admin, group),
        new Map([
          [`${topic}:0`, 5],
          [`${topic}:1`, 5],
        ]),
      ),
    );
    const [auditLine] = linesOf(
      'consumer-groups.reset-offsets',
      (line) => line.result.status === 200 && !line.dry_run && line.parameters['consumer_group_id'] === group,
    );
    assert.deepEqual(auditLine?.changes, [
      { topic, partition: 0, before: 10, after: 5 },
      { topic, partition: 1, before: 10, after: 5 },
    ]);

    assert.equal((await reset({ type: 'shift_by', value: -2 }, { dry_run: false })).status, 200);
    await eventually('offsets shifted by -2', async () => assert.deepEqual([...(await kafkaCommitted(admin, group)).values()], [3, 3]));
    assert.equal(
      (
        await reset(
          { type: 'datetime', value: new Date(base + 7000).toISOString() },
          { dry_run: false, scope: { topics: [{ topic, partitions: [1] }] } },
        )
      ).status,
      200,
    );
    await eventually('partition 1 at the datetime, partition 0 untouched', async () =>
      assert.deepEqual(
        await kafkaCommitted(admin, group),
        new Map([
          [`${topic}:0`, 3],
          [`${topic}:1`, 7],
        ]),
      ),
    );
    const outside = await reset({ type: 'offset', value: 1000 }, { dry_run: false, clamp: false });
    assert.equal(outside.status, 400, outside.text);
    assert.match(String(outside.json!['message']), /outside \[0, 10\]/);
    const clamped = await reset({ type: 'offset', value: 1000 });
    assert.deepEqual(
      (clamped.json!['data'] as Record<string, unknown>[]).map((entry) => [entry['new_offset'], entry['clamped']]),
      [
        [10, true],
        [10, true],
      ],
    );
    assert.equal(
      (await reset({ type: 'duration', value: 'PT30M' }, { dry_run: false })).status,
      200,
      'no record in the last 30 minutes: the end',
    );
    await eventually('offsets at the end', async () => assert.deepEqual(await kafkaCommitted(admin, group), all));
    assert.equal((await reset({ type: 'duration', value: 'yesterday' })).status, 400);

    const missing = uniqueName('admin-no-group');
    const absent = await callApi(exporter.url, 'POST', sonar(`/consumer-groups/${missing}/offsets:reset`), {
      as: dave,
      body: { scope: { topics: [{ topic }] }, strategy: { type: 'earliest' }, dry_run: false },
    });
    assert.equal(absent.status, 404, absent.text);
    assert.equal((await kafkaGroups(admin)).has(missing), false, 'no group created');
    assert.equal(
      (
        await callApi(exporter.url, 'POST', sonar(`/consumer-groups/${group}/offsets:reset`), {
          as: bob,
          body: { scope: { all_topics: true }, strategy: { type: 'earliest' } },
        })
      ).status,
      403,
      'a viewer may not reset offsets, not even as a dry run',
    );

    const second = uniqueName('admin-offsets-second');
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: second, partitions_count: 1 } })).status,
      201,
    );
    await eventually(`${second} in Kafka`, async () => assert.equal((await kafkaPartitions(admin, second)).count, 1));
    const onSecond = await callApi(exporter.url, 'POST', sonar(`/consumer-groups/${group}/offsets:reset`), {
      as: dave,
      body: { scope: { topics: [{ topic: second }] }, strategy: { type: 'earliest' }, dry_run: false },
    });
    assert.equal(onSecond.status, 200, onSecond.text);
    assert.equal(
      (onSecond.json!['data'] as { current_offset: number | null }[])[0]!.current_offset,
      null,
      'no offset on the second topic before',
    );
    await eventually('an offset on the second topic', async () => assert.equal((await kafkaCommitted(admin, group)).get(`${second}:0`), 0));
    assert.equal((await callApi(exporter.url, 'DELETE', sonar(`/consumer-groups/${group}/offsets/${topic}`), { as: alice })).status, 204);
    await eventually('the offsets of the first topic deleted, the second kept', async () =>
      assert.deepEqual(await kafkaCommitted(admin, group), new Map([[`${second}:0`, 0]])),
    );
    assert.equal((await callApi(exporter.url, 'DELETE', sonar(`/consumer-groups/${group}`), { as: alice })).status, 204);
    await eventually(`${group} deleted`, async () => assert.equal((await kafkaGroups(admin)).has(group), false));
  });

  test(`${mode}: a group with a member cannot be deleted (409); an operator may not delete groups`, async () => {
    const topic = uniqueName('admin-busy');
    const group = uniqueName('admin-busy-group');
    assert.equal(
      (await callApi(exporter.url, 'POST', v3('/topics'), { as: alice, body: { topic_name: topic, partitions_count: 1 } })).status,
      201,
    );
    await eventually(`${topic} in Kafka`, async () => assert.equal((await kafkaPartitions(admin, topic)).count, 1));
    const consumer =
      mode === 'kraft'
        ? await startKip848Consumer(bed.bootstrapServers, topic, group)
        : await startClassicConsumer(bed.bootstrapServers, topic, group);
    try {
      const described = await waitUntil(`${group} with its member`, async () => {
        const answer = await callApi(exporter.url, 'GET', v3(`/consumer-groups/${group}/consumers`), { as: carol });
        return answer.status === 200 && (answer.json!['data'] as unknown[]).length === 1 ? answer : undefined;
      });
      assert.equal((described.json!['data'] as { consumer_group_id: string }[])[0]!.consumer_group_id, group);
      const group848 = await callApi(exporter.url, 'GET', v3(`/consumer-groups/${group}`), { as: carol });
      assert.equal(group848.json!['type'], mode === 'kraft' ? 'CONSUMER' : 'CLASSIC');
      assert.equal(
        (await callApi(exporter.url, 'DELETE', `/sonar/v1/clusters/${clusterId}/consumer-groups/${group}`, { as: dave })).status,
        403,
      );
      const busy = await callApi(exporter.url, 'DELETE', `/sonar/v1/clusters/${clusterId}/consumer-groups/${group}`, { as: alice });
      assert.equal(busy.status, 409, busy.text);
      assert.equal((await kafkaGroups(admin)).has(group), true, 'the group is still there');
    } finally {
      await consumer.stop();
    }
  });

  test(`${mode}: every answer of this run validates against the served OpenAPI document`, async () => {
    const served = await fetch(`${exporter.url}/sonar/v1/openapi.json`);
    assert.equal(served.status, 200);
    const document = (await served.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json': { schema: object } } }> }>>;
      components: { schemas: Record<string, object> };
    };
    assert.equal(document.openapi, '3.1.0');
    const docs = await fetch(`${exporter.url}/sonar/v1/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /offsets:reset/);
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'components', components: document.components });
    const escapeRegex = (text: string): string => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    const templates = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(
        `^${template
          .split(/\{[a-z_]+\}/)
          .map(escapeRegex)
          .join('[^/]+')}$`,
      ),
    }));
    let checked = 0;
    const outside: string[] = [];
    for (const call of recordedCalls) {
      const path = call.path.split('?')[0]!;
      const match = templates.find((entry) => entry.pattern.test(path) && document.paths[entry.template]![call.method] !== undefined);
      if (!match) {
        outside.push(`${call.method} ${path} ${call.status}`);
        continue;
      }
      const response = document.paths[match.template]![call.method]!.responses[String(call.status)];
      assert.ok(response, `${call.method} ${match.template} answered ${call.status}, which the document does not list`);
      const schema = response.content?.['application/json'].schema;
      if (schema === undefined) {
        assert.equal(call.json, undefined, `${call.method} ${match.template} ${call.status} has no body`);
      } else {
        const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"components#/components/')) as object;
        const validate = ajv.compile(resolved);
        assert.ok(
          validate(call.json),
          `${call.method} ${match.template} ${call.status}: ${ajv.errorsText(validate.errors)}: ${JSON.stringify(call.json).slice(0, 300)}`,
        );
      }
      checked++;
    }
    assert.ok(checked >= 150, `answers checked: ${checked}`);
    assert.deepEqual(
      outside.filter((entry) => !entry.includes('/nothing-here')),
      [],
      'every call but the deliberately unknown endpoint is a documented operation',
    );
  });
}
