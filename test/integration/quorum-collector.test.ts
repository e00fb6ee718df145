/**
 * The KRaft quorum collector against the test bed's three combined broker+controller nodes (Kafka 4.x):
 * leader, epoch, high watermark, every voter's lag and fetch times, a stopped controller, the leader moving.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startAllBrokers, startBroker, stopBroker, testbedUp, type Testbed } from '../testbed/index.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { promtoolProblems } from '../support/promtool.ts';
import { scrape, scrapeUntil, valueOf, waitForScrape } from '../support/scrape.ts';

let bed: Testbed;
let exporter: ExporterProcess;

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 3 });
  exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    '--collector.quorum.interval=1s',
    '--collector.quorum.timeout=5s',
    '--collector.cluster.interval=2s',
  ]);
});

after(async () => {
  await startAllBrokers(bed);
  await exporter?.stop();
});

const voter = (id: number) => ({ replica_id: String(id), role: 'voter' });

test('the quorum: a leader among the nodes, its epoch and high watermark, three voters in sync', async () => {
  const series = await waitForScrape(
    exporter.url,
    'the quorum',
    (s) =>
      valueOf(s, 'kafka_quorum_voters') === 3 &&
      bed.brokers.every((node) => (valueOf(s, 'kafka_quorum_replica_last_fetch_age_seconds', voter(node.id)) ?? Infinity) < 5),
  );
  assert.equal(valueOf(series, 'kafka_quorum_up'), 1);
  const leader = valueOf(series, 'kafka_quorum_leader_id')!;
  assert.ok(
    bed.brokers.some((node) => node.id === leader),
    `leader ${leader} is one of the nodes`,
  );
  assert.ok(valueOf(series, 'kafka_quorum_leader_epoch')! >= 1);
  assert.ok(valueOf(series, 'kafka_quorum_high_watermark')! > 0);
  assert.equal(valueOf(series, 'kafka_quorum_replica_lag', voter(leader)), 0);
  for (const node of bed.brokers) {
    assert.ok(valueOf(series, 'kafka_quorum_replica_log_end_offset', voter(node.id))! > 0);
    assert.ok(valueOf(series, 'kafka_quorum_replica_lag', voter(node.id))! < 100, 'a running voter keeps up');
    assert.ok(valueOf(series, 'kafka_quorum_replica_last_caught_up_age_seconds', voter(node.id))! < 5);
  }
  await waitForScrape(
    exporter.url,
    'the cluster collector naming the same controller',
    (s) => valueOf(s, 'kafka_cluster_active_controller_id') === valueOf(s, 'kafka_quorum_leader_id'),
  );
});

test('a stopped controller stops fetching and falls behind; the quorum keeps its leader; it catches up when restarted', async () => {
  const leader = valueOf((await scrape(exporter.url)).series, 'kafka_quorum_leader_id')!;
  const stopped = bed.brokers.find((node) => node.id !== leader)!.id;
  await stopBroker(bed, stopped);
  const series = await waitForScrape(
    exporter.url,
    `voter ${stopped} behind`,
    (s) =>
      (valueOf(s, 'kafka_quorum_replica_last_fetch_age_seconds', voter(stopped)) ?? 0) > 5 &&
      (valueOf(s, 'kafka_quorum_replica_lag', voter(stopped)) ?? 0) > 0,
    60_000,
  );
  assert.equal(valueOf(series, 'kafka_quorum_up'), 1);
  assert.equal(valueOf(series, 'kafka_quorum_leader_id'), leader);
  assert.ok(valueOf(series, 'kafka_quorum_replica_last_caught_up_age_seconds', voter(stopped))! > 5);
  assert.equal(valueOf(series, 'kafka_sonar_collector_up', { collector: 'quorum' }), 1);
  await startBroker(bed, stopped);
  await waitForScrape(
    exporter.url,
    `voter ${stopped} caught up`,
    (s) =>
      (valueOf(s, 'kafka_quorum_replica_last_fetch_age_seconds', voter(stopped)) ?? Infinity) < 5 &&
      (valueOf(s, 'kafka_quorum_replica_lag', voter(stopped)) ?? Infinity) < 100,
    90_000,
  );
});

test('the active controller killed (SIGKILL): another controller leads in a later epoch while /metrics answers at once, and the killed node rejoins', async (t) => {
  const before = (await scrape(exporter.url)).series;
  const oldLeader = valueOf(before, 'kafka_quorum_leader_id')!;
  const oldEpoch = valueOf(before, 'kafka_quorum_leader_epoch')!;
  await stopBroker(bed, oldLeader, { graceMs: 0 });
  const { series: after, milliseconds: electedMs } = await scrapeUntil(exporter.url, 'a new quorum leader', (s) => {
    const leader = valueOf(s, 'kafka_quorum_leader_id');
    return leader !== undefined && leader !== oldLeader && leader >= 0;
  });
  assert.ok(valueOf(after, 'kafka_quorum_leader_epoch')! > oldEpoch);
  assert.ok(bed.brokers.some((node) => node.id === valueOf(after, 'kafka_quorum_leader_id')));
  const { series: collected } = await scrapeUntil(
    exporter.url,
    'the cluster collector naming the new controller',
    (s) => valueOf(s, 'kafka_cluster_active_controller_id') === valueOf(s, 'kafka_quorum_leader_id') && valueOf(s, 'kafka_up') === 1,
  );
  assert.equal(valueOf(collected, 'kafka_quorum_up'), 1);
  await startBroker(bed, oldLeader);
  const { milliseconds: rejoinedMs } = await scrapeUntil(
    exporter.url,
    `node ${oldLeader} back as a voter in sync`,
    (s) => (valueOf(s, 'kafka_quorum_replica_last_fetch_age_seconds', voter(oldLeader)) ?? Infinity) < 5,
    { timeoutMs: 90_000 },
  );
  t.diagnostic(`a new quorum leader seen ${electedMs} ms after the kill; the killed node fetching again ${rejoinedMs} ms after its start`);
});

test('its metrics pass promtool check metrics', async () => {
  const { text } = await scrape(exporter.url);
  assert.ok(text.includes('# TYPE kafka_quorum_'), 'the families are there to check');
  assert.equal(promtoolProblems(text, ['kafka_quorum_']), undefined);
});
