import { assignedPartitions, subscriptionTopics } from '../consumer-protocol.ts';
import type { ApiExtractor } from './context.ts';
import type { ExchangeFacts } from './exchange-facts.ts';
import {
  bytesField,
  nullableStringField,
  numberField,
  numbersField,
  stringField,
  stringsField,
  structField,
  structsField,
} from './fields.ts';

function setMember(facts: ExchangeFacts, memberId: string | undefined): void {
  if (memberId !== undefined && memberId !== '') facts.details.memberId = memberId;
}

/** JoinGroup: the group, the member and, for consumer groups, the subscribed topics. */
export const joinGroupExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const protocolType = stringField(body, 'protocolType');
    if (protocolType !== undefined) facts.details.protocolType = protocolType;
    const groupInstanceId = nullableStringField(body, 'groupInstanceId');
    if (groupInstanceId !== undefined) facts.details.groupInstanceId = groupInstanceId;
    const metadata = structsField(body, 'protocols')[0];
    const topics =
      protocolType === 'consumer' && metadata ? subscriptionTopics(bytesField(metadata, 'metadata') ?? Buffer.alloc(0)) : undefined;
    if (topics === undefined) return;
    facts.details.subscribedTopics = topics;
    for (const topic of topics) facts.topics.add({ name: topic });
  },
  response(body, _version, facts) {
    setMember(facts, stringField(body, 'memberId'));
    const generationId = numberField(body, 'generationId');
    if (generationId !== undefined) facts.details.generationId = generationId;
  },
};

/** SyncGroup: the group, the member, and the partitions assigned to it. */
export const syncGroupExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const generationId = numberField(body, 'generationId');
    if (generationId !== undefined) facts.details.generationId = generationId;
  },
  response(body, _version, facts) {
    for (const { topic, partitions } of assignedPartitions(bytesField(body, 'assignment') ?? Buffer.alloc(0)) ?? []) {
      if (partitions.length === 0) facts.topics.add({ name: topic });
      for (const partition of partitions) facts.topics.add({ name: topic }, partition);
    }
  },
};

/** Heartbeat: the group and member (set generically) and the generation. */
export const heartbeatExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const generationId = numberField(body, 'generationId');
    if (generationId !== undefined) facts.details.generationId = generationId;
  },
};

/** LeaveGroup: v3+ may remove several members at once; the first is reported. */
export const leaveGroupExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const first = structsField(body, 'members')[0];
    if (first) setMember(facts, stringField(first, 'memberId'));
  },
};

/** OffsetCommit: the group, member and the partitions committed (by name, or id in v10). */
export const offsetCommitExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const generation = numberField(body, 'generationIdOrMemberEpoch');
    if (generation !== undefined) facts.details.generationId = generation;
    for (const topic of structsField(body, 'topics')) {
      const ref = { name: stringField(topic, 'name'), id: stringField(topic, 'topicId') };
      for (const partition of structsField(topic, 'partitions')) facts.topics.add(ref, numberField(partition, 'partitionIndex'));
    }
  },
  response(body, _version, facts) {
    for (const topic of structsField(body, 'topics')) {
      const ref = { name: stringField(topic, 'name'), id: stringField(topic, 'topicId') };
      for (const partition of structsField(topic, 'partitions')) {
        const errorCode = numberField(partition, 'errorCode') ?? 0;
        if (errorCode !== 0)
          facts.partitionErrors.push({ topic: ref, partition: numberField(partition, 'partitionIndex') ?? -1, errorCode });
      }
    }
  },
};

/** OffsetFetch: the group(s) (v8+ batches several) and the partitions asked for. */
export const offsetFetchExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const groups = structsField(body, 'groups');
    const requests = groups.length > 0 ? groups : [body];
    const groupIds: string[] = [];
    for (const group of requests) {
      const groupId = stringField(group, 'groupId');
      if (groupId !== undefined) groupIds.push(groupId);
      for (const topic of structsField(group, 'topics')) {
        const ref = { name: stringField(topic, 'name'), id: stringField(topic, 'topicId') };
        for (const partition of numbersField(topic, 'partitionIndexes')) facts.topics.add(ref, partition);
      }
    }
    if (groupIds.length === 1) facts.details.groupId = groupIds[0]!;
    else if (groupIds.length > 1) facts.details.groupIds = groupIds;
    if (groups.length > 0) setMember(facts, stringField(groups[0]!, 'memberId'));
  },
};

/** ConsumerGroupHeartbeat (KIP-848): the subscription when it changes, and the assignment the broker sends. */
export const consumerGroupHeartbeatExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const epoch = numberField(body, 'memberEpoch');
    if (epoch !== undefined) facts.details.generationId = epoch;
    const instanceId = nullableStringField(body, 'instanceId');
    if (instanceId !== undefined) facts.details.groupInstanceId = instanceId;
    const subscribed = stringsField(body, 'subscribedTopicNames');
    if (subscribed !== undefined) {
      facts.details.subscribedTopics = subscribed;
      for (const topic of subscribed) facts.topics.add({ name: topic });
    }
  },
  response(body, _version, facts) {
    setMember(facts, nullableStringField(body, 'memberId') ?? undefined);
    const epoch = numberField(body, 'memberEpoch');
    if (epoch !== undefined) facts.details.generationId = epoch;
    for (const assigned of structsField(structField(body, 'assignment') ?? {}, 'topicPartitions')) {
      const ref = { id: stringField(assigned, 'topicId') };
      for (const partition of numbersField(assigned, 'partitions')) facts.topics.add(ref, partition);
    }
  },
};
