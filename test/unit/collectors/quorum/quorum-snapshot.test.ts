import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuorumSnapshot } from '../../../../src/collectors/quorum/quorum-snapshot.ts';
import type { QuorumDescription } from '../../../../src/kafka/describe-quorum.ts';
import type { Snapshot } from '../../../../src/metrics/series-store.ts';

function value(snapshot: Snapshot, name: string, labels: Record<string, string> = {}): number | undefined {
  return [...(snapshot.series(name) ?? [])].find((sample) =>
    Object.entries(labels).every(([key, expected]) => sample.labels[key] === expected),
  )?.value;
}

const NOW = 1_800_000_000_000;
const quorum: QuorumDescription = {
  leaderId: 2,
  leaderEpoch: 7,
  highWatermark: 1200,
  voters: [
    { replicaId: 1, logEndOffset: 1150, lastFetchTimestampMs: NOW - 30_000, lastCaughtUpTimestampMs: NOW - 45_000 },
    { replicaId: 2, logEndOffset: 1210, lastFetchTimestampMs: NOW, lastCaughtUpTimestampMs: NOW },
    { replicaId: 3, logEndOffset: 1210, lastFetchTimestampMs: NOW - 250, lastCaughtUpTimestampMs: NOW - 250 },
  ],
  observers: [{ replicaId: 4, logEndOffset: 1300, lastFetchTimestampMs: undefined, lastCaughtUpTimestampMs: undefined }],
};

test('leader, epoch, high watermark and replica counts', () => {
  const snapshot = buildQuorumSnapshot(quorum, NOW);
  assert.equal(value(snapshot, 'kafka_quorum_up'), 1);
  assert.equal(value(snapshot, 'kafka_quorum_leader_id'), 2);
  assert.equal(value(snapshot, 'kafka_quorum_leader_epoch'), 7);
  assert.equal(value(snapshot, 'kafka_quorum_high_watermark'), 1200);
  assert.equal(value(snapshot, 'kafka_quorum_voters'), 3);
  assert.equal(value(snapshot, 'kafka_quorum_observers'), 1);
});

test("lag behind the leader's log end offset, never negative, and ages in seconds", () => {
  const snapshot = buildQuorumSnapshot(quorum, NOW);
  assert.equal(value(snapshot, 'kafka_quorum_replica_lag', { replica_id: '1', role: 'voter' }), 60);
  assert.equal(value(snapshot, 'kafka_quorum_replica_lag', { replica_id: '2', role: 'voter' }), 0);
  assert.equal(value(snapshot, 'kafka_quorum_replica_lag', { replica_id: '4', role: 'observer' }), 0);
  assert.equal(value(snapshot, 'kafka_quorum_replica_log_end_offset', { replica_id: '3', role: 'voter' }), 1210);
  assert.equal(value(snapshot, 'kafka_quorum_replica_last_fetch_age_seconds', { replica_id: '1' }), 30);
  assert.equal(value(snapshot, 'kafka_quorum_replica_last_caught_up_age_seconds', { replica_id: '1' }), 45);
  assert.equal(value(snapshot, 'kafka_quorum_replica_last_fetch_age_seconds', { replica_id: '3' }), 0.25);
});

test('unknown timestamps (-1 on the wire) leave the ages out rather than claiming 0', () => {
  const snapshot = buildQuorumSnapshot(quorum, NOW);
  assert.equal(value(snapshot, 'kafka_quorum_replica_last_fetch_age_seconds', { replica_id: '4' }), undefined);
  assert.equal(value(snapshot, 'kafka_quorum_replica_last_caught_up_age_seconds', { replica_id: '4' }), undefined);
});

test('without the leader among the voters, lag is measured against the furthest replica', () => {
  const snapshot = buildQuorumSnapshot({ ...quorum, leaderId: -1 }, NOW);
  assert.equal(value(snapshot, 'kafka_quorum_leader_id'), -1);
  assert.equal(value(snapshot, 'kafka_quorum_replica_lag', { replica_id: '2', role: 'voter' }), 90);
});
