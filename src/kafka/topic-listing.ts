import { apiVersionsV3, describeTopicPartitionsV0, metadataV12, type Connection } from '@platformatic/kafka';
import { ApiKey } from '../protocol/api-keys.ts';
import { withTimeout } from '../util/concurrency.ts';
import { VERSION } from '../version.ts';
import { tolerant } from './tolerant-response.ts';

/** Partitions per DescribeTopicPartitions response: decoding one takes a few milliseconds. */
const PARTITIONS_PER_PAGE = 2000;

export interface ListedPartition {
  readonly partitionIndex: number;
  readonly leaderId: number;
  readonly replicaNodes: number[];
  readonly isrNodes: number[];
  readonly offlineReplicas: number[];
}

export interface ListedTopic {
  readonly errorCode: number;
  readonly name: string | null | undefined;
  readonly topicId: string;
  readonly isInternal: boolean;
  readonly partitions: ListedPartition[];
}

export interface TopicListing {
  readonly clusterId: string | null | undefined;
  readonly controllerId: number;
  readonly topics: ListedTopic[];
}

const paging = new WeakMap<Connection, boolean>();

/** Adds one page of described topics to those listed so far; a topic cut by the page limit continues on the next page. */
export function addTopicPage(listed: Map<string, ListedTopic>, page: readonly ListedTopic[]): void {
  for (const topic of page) {
    const known = topic.name ? listed.get(topic.name) : undefined;
    if (known) known.partitions.push(...topic.partitions);
    else listed.set(topic.name || topic.topicId, { ...topic, partitions: [...topic.partitions] });
  }
}

/** Whether the broker answers DescribeTopicPartitions (KRaft brokers of Kafka 3.7 and later); asked once per connection. */
async function pagesTopics(connection: Connection, timeoutSeconds: number): Promise<boolean> {
  let known = paging.get(connection);
  if (known === undefined) {
    const versions = await withTimeout(apiVersionsV3.api.async(connection, 'kafka-sonar', VERSION), timeoutSeconds, 'API versions');
    known = versions.apiKeys.some((api) => api.apiKey === ApiKey.DescribeTopicPartitions && api.minVersion <= 0 && api.maxVersion >= 0);
    paging.set(connection, known);
  }
  return known;
}

/**
 * Every topic with its partitions, as one broker knows them. Where the broker can, the topics come in
 * pages of PARTITIONS_PER_PAGE partitions (DescribeTopicPartitions): one Metadata response of a
 * 10,000-partition cluster takes 40-100 ms to decode, a time the event loop would stand still.
 * Other brokers (ZooKeeper mode, older versions) answer one Metadata request for all topics.
 */
export async function listTopics(connection: Connection, timeoutSeconds: number): Promise<TopicListing> {
  const paged = await pagesTopics(connection, timeoutSeconds);
  const metadata = await withTimeout(
    tolerant(metadataV12.api.async(connection, paged ? [] : null, false, false)),
    timeoutSeconds,
    'metadata',
  );
  if (!paged) return metadata;
  const topics = new Map<string, ListedTopic>();
  let cursor: { topicName: string; partitionIndex: number } | undefined;
  do {
    const page = await withTimeout(
      tolerant(describeTopicPartitionsV0.api.async(connection, [], PARTITIONS_PER_PAGE, cursor)),
      timeoutSeconds,
      'topic partitions',
    );
    addTopicPage(topics, page.topics);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { clusterId: metadata.clusterId, controllerId: metadata.controllerId, topics: [...topics.values()] };
}
