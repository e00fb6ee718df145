/**
 * The ZooKeeper collector against the test bed's three-member ensemble (Kafka 3.9.2): four-letter words
 * of every member, Kafka's znodes (brokers, controller, a throttled reassignment, old consumers' offsets),
 * a member stopped, the leader moving, and a standalone ZooKeeper whose whitelist refuses mntr.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  kafkaToolMainClasses,
  runKafkaTool,
  startZookeeper,
  stopZookeeper,
  testbedUp,
  uniqueName,
  type Testbed,
} from '../testbed/index.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { adminClient, createTopic, produceMessages } from '../support/kafka-clients.ts';
import { promtoolProblems } from '../support/promtool.ts';
import { scrape, scrapeUntil, valueOf, waitForScrape, type Series } from '../support/scrape.ts';
import { startStandaloneZookeeper } from '../support/standalone-zookeeper.ts';
import { writeZnode as writeSharedZnode } from '../support/znodes.ts';

const REASSIGN_COMMAND = 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand';

let bed: Testbed;
let exporter: ExporterProcess;
const servers = (): string[] => bed.zookeepers.map((member) => `${member.host}:${member.clientPort}`);
const leaderOf = (series: readonly Series[]): string | undefined =>
  series.find((entry) => entry.name === 'zookeeper_server_leader' && entry.value === 1)?.labels.server;

const writeZnode = (path: string, data: string): Promise<void> => writeSharedZnode(bed.zookeeper!, path, data);

before(async () => {
  bed = await testbedUp({ mode: 'zk', brokers: 2, zookeepers: 3 });
  exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    `--zookeeper.server=${bed.zookeeper}`,
    '--collector.zookeeper.interval=1s',
    '--collector.zookeeper.timeout=3s',
    '--collector.cluster.interval=2s',
    '--collector.quorum.interval=2s',
  ]);
});

after(async () => {
  for (const member of bed.zookeepers) await startZookeeper(bed, member.id);
  await exporter?.stop();
});

test("every member answers: up, one leader, two synced followers, versions, Kafka's brokers and controller", async () => {
  const series = await waitForScrape(
    exporter.url,
    'a healthy ensemble',
    (s) => valueOf(s, 'zookeeper_ensemble_healthy') === 1 && valueOf(s, 'zookeeper_kafka_brokers') === 2,
  );
  for (const server of servers()) {
    assert.equal(valueOf(series, 'zookeeper_up', { server }), 1);
    assert.equal(valueOf(series, 'zookeeper_server_info', { server, version: '3.8.4' }), 1);
    assert.ok(valueOf(series, 'zookeeper_znodes', { server })! > 20);
    assert.ok(valueOf(series, 'zookeeper_max_file_descriptors', { server })! > 0);
    assert.equal(valueOf(series, 'zookeeper_command_allowed', { server, command: 'mntr' }), 1);
  }
  assert.equal(valueOf(series, 'zookeeper_ensemble_leaders'), 1);
  const leader = leaderOf(series)!;
  assert.equal(valueOf(series, 'zookeeper_synced_followers', { server: leader }), 2);
  assert.equal(valueOf(series, 'zookeeper_server_state', { server: leader, state: 'leader' }), 1);
  const sessions = series
    .filter((entry) => entry.name === 'zookeeper_client_sessions' && entry.labels.client === '127.0.0.1')
    .reduce((sum, entry) => sum + entry.value, 0);
  assert.ok(sessions >= bed.brokers.length, `the brokers' sessions show (${sessions})`);
  for (const broker of bed.brokers) {
    assert.equal(
      valueOf(series, 'zookeeper_kafka_broker_info', {
        id: String(broker.id),
        host: broker.host,
        port: String(broker.port),
        registration_version: '5',
        endpoints: `PLAINTEXT://${broker.host}:${broker.port}`,
      }),
      1,
    );
    const registered = valueOf(series, 'zookeeper_kafka_broker_registration_timestamp_seconds', { id: String(broker.id) })!;
    assert.ok(registered > Date.now() / 1000 - 24 * 3600 && registered <= Date.now() / 1000);
  }
  const controller = valueOf(series, 'zookeeper_kafka_controller_id');
  assert.ok(bed.brokers.some((broker) => broker.id === controller));
  assert.equal(valueOf(series, 'kafka_cluster_active_controller_id'), controller, 'the cluster collector names the same controller');
  assert.ok(valueOf(series, 'zookeeper_kafka_controller_epoch')! >= 1);
  assert.equal(
    valueOf(series, 'kafka_sonar_collector_up', { collector: 'quorum' }),
    1,
    'the quorum collector stays idle without failing on ZooKeeper',
  );
  assert.equal(valueOf(series, 'kafka_quorum_up'), undefined);
});

test('a throttled reassignment in progress shows, with its throttles, and goes away when cancelled', async () => {
  const topic = uniqueName('moving');
  await createTopic(bed.bootstrapServers, topic, 1, 1);
  const admin = adminClient(bed.bootstrapServers);
  let from: number;
  try {
    const metadata = await admin.metadata({ topics: [topic] });
    from = metadata.topics.get(topic)!.partitions[0]!.leader;
  } finally {
    await admin.close();
  }
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

  const dir = mkdtempSync(join(tmpdir(), 'sonar-reassign-'));
  const plan = join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: [to] }] }));
  try {
    const executed = await runKafkaTool(bed, REASSIGN_COMMAND, [
      '--bootstrap-server',
      bed.bootstrapServers,
      '--reassignment-json-file',
      plan,
      '--execute',
      '--throttle',
      '10000',
    ]);
    assert.equal(executed.code, 0, executed.stdout + executed.stderr);
    const series = await waitForScrape(
      exporter.url,
      `the reassignment of ${topic}`,
      (s) => valueOf(s, 'zookeeper_kafka_partition_reassignment_info', { topic, partition: '0' }) === 1,
      30_000,
    );
    assert.equal(valueOf(series, 'zookeeper_kafka_partition_reassignment_info', { topic, partition: '0', target_replicas: String(to) }), 1);
    assert.ok(valueOf(series, 'zookeeper_kafka_reassigning_partitions')! >= 1);
    assert.equal(
      valueOf(series, 'zookeeper_kafka_dynamic_config_info', {
        entity_type: 'brokers',
        entity: String(from),
        config: 'leader.replication.throttled.rate',
        value: '10000',
      }),
      1,
    );
    assert.equal(
      valueOf(series, 'zookeeper_kafka_dynamic_config_info', {
        entity_type: 'brokers',
        entity: String(to),
        config: 'follower.replication.throttled.rate',
        value: '10000',
      }),
      1,
    );
    assert.ok(
      series.some(
        (entry) =>
          entry.name === 'zookeeper_kafka_dynamic_config_info' &&
          entry.labels.entity_type === 'topics' &&
          entry.labels.entity === topic &&
          entry.labels.config === 'follower.replication.throttled.replicas',
      ),
    );
  } finally {
    const cancelled = await runKafkaTool(bed, REASSIGN_COMMAND, [
      '--bootstrap-server',
      bed.bootstrapServers,
      '--reassignment-json-file',
      plan,
      '--cancel',
    ]);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(cancelled.code, 0, cancelled.stdout + cancelled.stderr);
  }
  await waitForScrape(
    exporter.url,
    `no reassignment of ${topic}`,
    (s) => valueOf(s, 'zookeeper_kafka_partition_reassignment_info', { topic, partition: '0' }) === undefined,
    60_000,
  );
});

test("offsets an old consumer committed in ZooKeeper give kafka_exporter's ZooKeeper lag", async () => {
  const topic = uniqueName('legacy');
  const group = uniqueName('scala-consumer');
  await createTopic(bed.bootstrapServers, topic, 2, 2);
  await produceMessages(bed.bootstrapServers, topic, 200);
  const series = await waitForScrape(
    exporter.url,
    `200 messages in ${topic}`,
    (s) => valueOf(s, 'kafka_topic_messages', { topic }) === 200,
  );
  const latest = [0, 1].map(
    (partition) => valueOf(series, 'kafka_topic_partition_current_offset', { topic, partition: String(partition) })!,
  );
  // What the old Scala consumer wrote: the next offset to read, as decimal text.
  await writeZnode(`/consumers/${group}/offsets/${topic}/0`, String(latest[0]! - 30));
  await writeZnode(`/consumers/${group}/offsets/${topic}/1`, String(latest[1]!));
  // A cycle may read the group between the two writes: wait until it has seen both partitions.
  const lagged = await waitForScrape(
    exporter.url,
    `ZooKeeper lag of ${group}`,
    (s) => valueOf(s, 'kafka_consumergroupzookeeper_lag_zookeeper', { consumergroup: group, topic, partition: '1' }) !== undefined,
  );
  assert.equal(valueOf(lagged, 'kafka_consumergroupzookeeper_lag_zookeeper', { consumergroup: group, topic, partition: '0' }), 30);
  assert.equal(valueOf(lagged, 'kafka_consumergroupzookeeper_lag_zookeeper', { consumergroup: group, topic, partition: '1' }), 0);
});

test('a stopped follower is down, the ensemble short of a synced follower, the rest keeps serving; then it recovers', async () => {
  const leader = leaderOf((await scrape(exporter.url)).series)!;
  const follower = bed.zookeepers.find((member) => `${member.host}:${member.clientPort}` !== leader)!;
  const server = `${follower.host}:${follower.clientPort}`;
  await stopZookeeper(bed, follower.id);
  const series = await waitForScrape(
    exporter.url,
    `${server} down`,
    (s) => valueOf(s, 'zookeeper_up', { server }) === 0 && valueOf(s, 'zookeeper_ensemble_missing_synced_followers') === 1,
    30_000,
  );
  assert.equal(valueOf(series, 'zookeeper_ensemble_members_up'), 2);
  assert.equal(valueOf(series, 'zookeeper_ensemble_healthy'), 0);
  assert.equal(valueOf(series, 'zookeeper_ensemble_leaders'), 1);
  assert.equal(valueOf(series, 'zookeeper_server_leader', { server }), undefined, 'no stale role for a member that does not answer');
  assert.equal(valueOf(series, 'kafka_sonar_collector_up', { collector: 'zookeeper' }), 1, 'one member down is not a failed cycle');
  assert.equal(valueOf(series, 'kafka_up'), 1, 'the cluster collector keeps working');
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const downLines = exporter
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"msg":"zookeeper member down"') && line.includes(server));
  assert.equal(downLines.length, 1, `one log line for the member going down, not one per cycle:\n${downLines.join('\n')}`);
  assert.match(downLines[0]!, /ECONNREFUSED/);

  await startZookeeper(bed, follower.id);
  await waitForScrape(
    exporter.url,
    'the ensemble healthy again',
    (s) => valueOf(s, 'zookeeper_ensemble_healthy') === 1 && valueOf(s, 'zookeeper_up', { server }) === 1,
    60_000,
  );
  assert.match(exporter.stderr(), new RegExp(`"msg":"zookeeper member recovered".*"server":"${server.replace(/\./g, '\\.')}"`));
});

test('the leader killed (SIGKILL): down in one line, the leadership moves to another member while /metrics answers at once; back as a follower', async (t) => {
  const oldLeader = leaderOf(await waitForScrape(exporter.url, 'one leader', (s) => leaderOf(s) !== undefined))!;
  const member = bed.zookeepers.find((entry) => `${entry.host}:${entry.clientPort}` === oldLeader)!;
  await stopZookeeper(bed, member.id, { graceMs: 0 });
  const { series: after, milliseconds: electedMs } = await scrapeUntil(exporter.url, 'a new leader', (s) => {
    const leader = leaderOf(s);
    return leader !== undefined && leader !== oldLeader && valueOf(s, 'zookeeper_ensemble_leaders') === 1;
  });
  assert.equal(valueOf(after, 'zookeeper_up', { server: oldLeader }), 0);
  assert.equal(valueOf(after, 'zookeeper_ensemble_missing_synced_followers'), 1);
  assert.equal(valueOf(after, 'kafka_up'), 1, 'the cluster collector keeps working');
  const downLines = exporter
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"msg":"zookeeper member down"') && line.includes(oldLeader));
  assert.equal(downLines.length, 1, exporter.stderr());
  await startZookeeper(bed, member.id);
  const { milliseconds: rejoinedMs } = await scrapeUntil(
    exporter.url,
    'the old leader back as a follower',
    (s) =>
      valueOf(s, 'zookeeper_server_state', { server: oldLeader, state: 'follower' }) === 1 &&
      valueOf(s, 'zookeeper_ensemble_healthy') === 1,
  );
  t.diagnostic(`a new leader seen ${electedMs} ms after the kill; the killed member a healthy follower ${rejoinedMs} ms after its start`);
});

test('a member whose whitelist refuses mntr: reported as refused with one log line naming the setting, never as zeros', async () => {
  const standalone = await startStandaloneZookeeper(['srvr', 'ruok']);
  let watcher: ExporterProcess | undefined;
  try {
    watcher = await startExporterProcess([
      '--collector.cluster.enabled=false',
      '--collector.quorum.enabled=false',
      `--zookeeper.server=${standalone.server}`,
      '--collector.zookeeper.interval=1s',
      '--collector.zookeeper.timeout=3s',
    ]);
    const server = standalone.server;
    const series = await waitForScrape(
      watcher.url,
      'the refused words',
      (s) => valueOf(s, 'zookeeper_command_allowed', { server, command: 'mntr' }) === 0,
    );
    assert.equal(valueOf(series, 'zookeeper_up', { server }), 1);
    assert.equal(valueOf(series, 'zookeeper_command_allowed', { server, command: 'srvr' }), 1);
    assert.equal(valueOf(series, 'zookeeper_command_allowed', { server, command: 'ruok' }), 1);
    for (const command of ['envi', 'cons', 'wchs']) assert.equal(valueOf(series, 'zookeeper_command_allowed', { server, command }), 0);
    assert.equal(valueOf(series, 'zookeeper_server_state', { server, state: 'standalone' }), 1, 'srvr still gives the role');
    assert.ok(valueOf(series, 'zookeeper_znodes', { server })! > 0, 'srvr still gives the node count');
    assert.equal(valueOf(series, 'zookeeper_ephemeral_nodes', { server }), undefined, 'only mntr knows ephemerals: absent, not 0');
    assert.equal(valueOf(series, 'zookeeper_approximate_data_size_bytes', { server }), undefined);
    assert.equal(valueOf(series, 'zookeeper_ensemble_healthy'), 1);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const refusals = watcher
      .stderr()
      .split('\n')
      .filter((line) => line.includes('"msg":"four-letter word refused by the ZooKeeper whitelist"') && line.includes('"command":"mntr"'));
    assert.equal(refusals.length, 1, `one log line per refused word:\n${watcher.stderr()}`);
    assert.match(refusals[0]!, /4lw\.commands\.whitelist/);
  } finally {
    await watcher?.stop();
    await standalone.stop();
  }
});

test('its metrics pass promtool check metrics', async () => {
  const { text } = await scrape(exporter.url);
  assert.ok(text.includes('# TYPE zookeeper_'), 'the families are there to check');
  assert.equal(promtoolProblems(text, ['zookeeper_', 'kafka_consumergroupzookeeper_']), undefined);
});
