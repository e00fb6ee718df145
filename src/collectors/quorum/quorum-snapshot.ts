import { quorumMetrics } from '../../metrics/catalogue/quorum.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import type { QuorumDescription, QuorumReplica } from '../../kafka/describe-quorum.ts';

const ageSeconds = (nowMs: number, timestampMs: number | undefined): number | undefined =>
  timestampMs === undefined ? undefined : Math.max(0, nowMs - timestampMs) / 1000;

/** The quorum as series; lags are measured against the leader's log end offset (the largest one when the leader is not listed). */
export function buildQuorumSnapshot(quorum: QuorumDescription, nowMs: number): Snapshot {
  const snapshot = new Snapshot();
  snapshot.add(quorumMetrics.up, {}, 1);
  snapshot.add(quorumMetrics.leaderId, {}, quorum.leaderId);
  snapshot.add(quorumMetrics.leaderEpoch, {}, quorum.leaderEpoch);
  snapshot.add(quorumMetrics.highWatermark, {}, quorum.highWatermark);
  snapshot.add(quorumMetrics.voters, {}, quorum.voters.length);
  snapshot.add(quorumMetrics.observers, {}, quorum.observers.length);

  const all = [...quorum.voters, ...quorum.observers];
  const leaderEnd =
    quorum.voters.find((voter) => voter.replicaId === quorum.leaderId)?.logEndOffset ??
    Math.max(0, ...all.map((replica) => replica.logEndOffset));
  const addReplica = (replica: QuorumReplica, role: 'voter' | 'observer'): void => {
    const labels = { replica_id: String(replica.replicaId), role };
    snapshot.add(quorumMetrics.logEndOffset, labels, replica.logEndOffset);
    snapshot.add(quorumMetrics.lag, labels, Math.max(0, leaderEnd - replica.logEndOffset));
    const fetchAge = ageSeconds(nowMs, replica.lastFetchTimestampMs);
    if (fetchAge !== undefined) snapshot.add(quorumMetrics.lastFetchAge, labels, fetchAge);
    const caughtUpAge = ageSeconds(nowMs, replica.lastCaughtUpTimestampMs);
    if (caughtUpAge !== undefined) snapshot.add(quorumMetrics.lastCaughtUpAge, labels, caughtUpAge);
  };
  for (const voter of quorum.voters) addReplica(voter, 'voter');
  for (const observer of quorum.observers) addReplica(observer, 'observer');
  return snapshot;
}
