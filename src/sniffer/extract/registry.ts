import { ApiKey } from '../../protocol/index.ts';
import type { Role } from '../events.ts';
import type { ApiExtractor } from './context.ts';
import { fetchExtractor } from './fetch.ts';
import {
  consumerGroupHeartbeatExtractor,
  heartbeatExtractor,
  joinGroupExtractor,
  leaveGroupExtractor,
  offsetCommitExtractor,
  offsetFetchExtractor,
  syncGroupExtractor,
} from './groups.ts';
import { metadataExtractor } from './metadata.ts';
import { apiVersionsExtractor, endTxnExtractor, findCoordinatorExtractor, initProducerIdExtractor, listOffsetsExtractor } from './misc.ts';
import { produceExtractor } from './produce.ts';
import { saslAuthenticateExtractor, saslHandshakeExtractor } from './sasl.ts';

const EXTRACTORS = new Map<number, ApiExtractor>([
  [ApiKey.Produce, produceExtractor],
  [ApiKey.Fetch, fetchExtractor],
  [ApiKey.ListOffsets, listOffsetsExtractor],
  [ApiKey.Metadata, metadataExtractor],
  [ApiKey.OffsetCommit, offsetCommitExtractor],
  [ApiKey.OffsetFetch, offsetFetchExtractor],
  [ApiKey.FindCoordinator, findCoordinatorExtractor],
  [ApiKey.JoinGroup, joinGroupExtractor],
  [ApiKey.Heartbeat, heartbeatExtractor],
  [ApiKey.LeaveGroup, leaveGroupExtractor],
  [ApiKey.SyncGroup, syncGroupExtractor],
  [ApiKey.SaslHandshake, saslHandshakeExtractor],
  [ApiKey.ApiVersions, apiVersionsExtractor],
  [ApiKey.InitProducerId, initProducerIdExtractor],
  [ApiKey.EndTxn, endTxnExtractor],
  [ApiKey.SaslAuthenticate, saslAuthenticateExtractor],
  [ApiKey.ConsumerGroupHeartbeat, consumerGroupHeartbeatExtractor],
]);

/** The extractor of an API key; APIs without one are reported by key, version, sizes and errors. */
export function extractorFor(apiKey: number): ApiExtractor | undefined {
  return EXTRACTORS.get(apiKey);
}

const PRODUCER_APIS = [
  ApiKey.Produce,
  ApiKey.InitProducerId,
  ApiKey.AddPartitionsToTxn,
  ApiKey.AddOffsetsToTxn,
  ApiKey.EndTxn,
  ApiKey.TxnOffsetCommit,
];
const GROUP_APIS = [
  ApiKey.OffsetCommit,
  ApiKey.OffsetFetch,
  ApiKey.JoinGroup,
  ApiKey.Heartbeat,
  ApiKey.LeaveGroup,
  ApiKey.SyncGroup,
  ApiKey.ConsumerGroupHeartbeat,
  ApiKey.ShareGroupHeartbeat,
  ApiKey.StreamsGroupHeartbeat,
];
const CONSUMER_APIS = [ApiKey.Fetch, ApiKey.ShareFetch, ApiKey.ShareAcknowledge];
const ADMIN_APIS = [
  ApiKey.DescribeGroups,
  ApiKey.ListGroups,
  ApiKey.CreateTopics,
  ApiKey.DeleteTopics,
  ApiKey.DeleteRecords,
  ApiKey.DescribeAcls,
  ApiKey.CreateAcls,
  ApiKey.DeleteAcls,
  ApiKey.DescribeConfigs,
  ApiKey.AlterConfigs,
  ApiKey.AlterReplicaLogDirs,
  ApiKey.DescribeLogDirs,
  ApiKey.CreatePartitions,
  ApiKey.CreateDelegationToken,
  ApiKey.RenewDelegationToken,
  ApiKey.ExpireDelegationToken,
  ApiKey.DescribeDelegationToken,
  ApiKey.DeleteGroups,
  ApiKey.ElectLeaders,
  ApiKey.IncrementalAlterConfigs,
  ApiKey.AlterPartitionReassignments,
  ApiKey.ListPartitionReassignments,
  ApiKey.OffsetDelete,
  ApiKey.DescribeClientQuotas,
  ApiKey.AlterClientQuotas,
  ApiKey.DescribeUserScramCredentials,
  ApiKey.AlterUserScramCredentials,
  ApiKey.DescribeQuorum,
  ApiKey.UpdateFeatures,
  ApiKey.DescribeCluster,
  ApiKey.DescribeProducers,
  ApiKey.DescribeTransactions,
  ApiKey.ListTransactions,
  ApiKey.ConsumerGroupDescribe,
  ApiKey.ListConfigResources,
  ApiKey.DescribeTopicPartitions,
  ApiKey.ShareGroupDescribe,
  ApiKey.StreamsGroupDescribe,
  ApiKey.DescribeShareGroupOffsets,
  ApiKey.AlterShareGroupOffsets,
  ApiKey.DeleteShareGroupOffsets,
];
const BROKER_APIS = [
  ApiKey.LeaderAndIsr,
  ApiKey.StopReplica,
  ApiKey.UpdateMetadata,
  ApiKey.ControlledShutdown,
  ApiKey.WriteTxnMarkers,
  ApiKey.Vote,
  ApiKey.BeginQuorumEpoch,
  ApiKey.EndQuorumEpoch,
  ApiKey.AlterPartition,
  ApiKey.Envelope,
  ApiKey.FetchSnapshot,
  ApiKey.BrokerRegistration,
  ApiKey.BrokerHeartbeat,
  ApiKey.UnregisterBroker,
  ApiKey.AllocateProducerIds,
  ApiKey.ControllerRegistration,
  ApiKey.AssignReplicasToDirs,
  ApiKey.AddRaftVoter,
  ApiKey.RemoveRaftVoter,
  ApiKey.UpdateRaftVoter,
  ApiKey.InitializeShareGroupState,
  ApiKey.ReadShareGroupState,
  ApiKey.WriteShareGroupState,
  ApiKey.DeleteShareGroupState,
  ApiKey.ReadShareGroupStateSummary,
  ApiKey.StreamsGroupTopologyDescriptionUpdate,
  ApiKey.UnregisterController,
];

const ROLES = new Map<number, Role>([
  ...PRODUCER_APIS.map((key): [number, Role] => [key, 'producer']),
  ...GROUP_APIS.map((key): [number, Role] => [key, 'group']),
  ...ADMIN_APIS.map((key): [number, Role] => [key, 'admin']),
  ...BROKER_APIS.map((key): [number, Role] => [key, 'broker']),
  ...CONSUMER_APIS.map((key): [number, Role] => [key, 'consumer']),
]);

/** What sending this API says about the client; Fetch is refined by its replica id. */
export function roleOf(apiKey: number): Role | undefined {
  return ROLES.get(apiKey);
}
