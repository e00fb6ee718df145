import {
  AbortedTransactionFilter,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  summarizeRecords,
  type DecodedStruct,
  type RecordSetSummary,
} from '../../protocol/index.ts';
import { partitionKey, splitPartitionKey, type PartitionKey } from '../fetch-sessions.ts';
import type { ApiExtractor, ExtractContext } from './context.ts';
import type { ExchangeFacts, TopicRef } from './exchange-facts.ts';
import { RecordSetDetails } from './record-set-details.ts';
import { bytesField, int64Field, numberField, numbersField, stringField, structField, structsField } from './fields.ts';

const NO_SESSION = 0;
const SESSIONLESS_EPOCH = -1;
const FETCH_SESSION_ID_NOT_FOUND = 70;
const INVALID_FETCH_SESSION_EPOCH = 71;

function topicKey(ref: TopicRef): string {
  return ref.name ?? `id:${ref.id ?? ''}`;
}

function refOf(key: string): TopicRef {
  return key.startsWith('id:') ? { id: key.slice(3) } : { name: key };
}

function topicRefOf(topic: DecodedStruct): TopicRef {
  return { name: stringField(topic, 'topic'), id: stringField(topic, 'topicId') };
}

const READ_COMMITTED = 1;

/** The partition's aborted transactions (read_committed responses list them); undefined when it lists none. */
function abortedFilter(partition: DecodedStruct): AbortedTransactionFilter | undefined {
  const aborted = structsField(partition, 'abortedTransactions');
  if (aborted.length === 0) return undefined;
  return new AbortedTransactionFilter(
    aborted.map((entry) => ({
      producerId: BigInt(int64Field(entry, 'producerId') ?? -1),
      firstOffset: Number(int64Field(entry, 'firstOffset') ?? -1),
    })),
  );
}

/**
 * The records a consumer still has to read on a partition after this response: the high watermark (the
 * last stable offset for read_committed) minus where it fetches next, which is after the records returned,
 * or where it asked to fetch when none came back; undefined when neither is known.
 */
function consumerLag(
  partition: FetchPartitionOutcome,
  fetchOffset: number | undefined,
  isolationLevel: number | undefined,
): number | undefined {
  const stable = isolationLevel === READ_COMMITTED && partition.lastStableOffset >= 0 ? partition.lastStableOffset : undefined;
  const end = stable ?? partition.highWatermark;
  const next = partition.records.nextOffset >= 0 ? partition.records.nextOffset : fetchOffset;
  return end < 0 || next === undefined ? undefined : Math.max(0, end - next);
}

/** One partition of a Fetch response, read whole or streamed: its offsets and its records counted. */
export interface FetchPartitionOutcome {
  readonly topic: TopicRef;
  readonly partitionIndex: number;
  readonly errorCode: number;
  /** -1 when unknown. */
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly records: RecordSetSummary;
}

/** What a Fetch response tells about its exchange: the session, errors, records, aborted records, and consumers' lag. */
export function applyFetchResponse(
  response: { readonly errorCode: number; readonly sessionId: number; readonly partitions: Iterable<FetchPartitionOutcome> },
  facts: ExchangeFacts,
  context: ExtractContext,
): void {
  if (facts.fetch) {
    const sessionGone = response.errorCode === FETCH_SESSION_ID_NOT_FOUND || response.errorCode === INVALID_FETCH_SESSION_EPOCH;
    context.connection.fetchSessions.response(facts.fetch.sessionId, facts.fetch.scope, response.sessionId, sessionGone);
  }
  const recordSets = new RecordSetDetails();
  for (const partition of response.partitions) {
    const { topic, partitionIndex: index, records: summary } = partition;
    if (partition.errorCode !== 0) facts.partitionErrors.push({ topic, partition: index, errorCode: partition.errorCode });
    if (summary.abortedRecords > 0) facts.fetchAborted.push({ topic, records: summary.abortedRecords });
    if (facts.role === 'consumer' && partition.errorCode === 0) {
      const lag = consumerLag(partition, facts.fetchOffsets.get(partitionKey(topicKey(topic), index)), facts.details.isolationLevel);
      if (lag !== undefined) facts.fetchLags.push({ topic, partition: index, lag });
    }
    recordSets.add(summary);
    facts.topics.add(topic, index, summary.records, summary.bytes, summary.batches - summary.controlBatches);
  }
  recordSets.applyTo(facts);
}

/** The partitions of a decoded Fetch response, their records counted within one decompression budget. */
function* decodedPartitions(body: DecodedStruct): Generator<FetchPartitionOutcome> {
  const budget = { remaining: DEFAULT_MAX_DECOMPRESSED_BYTES };
  for (const topic of structsField(body, 'responses')) {
    const ref = topicRefOf(topic);
    for (const partition of structsField(topic, 'partitions')) {
      const records = bytesField(partition, 'records') ?? null;
      yield {
        topic: ref,
        partitionIndex: numberField(partition, 'partitionIndex') ?? -1,
        errorCode: numberField(partition, 'errorCode') ?? 0,
        highWatermark: Number(int64Field(partition, 'highWatermark') ?? -1),
        lastStableOffset: Number(int64Field(partition, 'lastStableOffset') ?? -1),
        records: summarizeRecords(records, 0, records?.length ?? 0, budget, abortedFilter(partition)),
      };
    }
  }
}

/**
 * Fetch: who fetches (a replica id >= 0, or v15+ ReplicaState, is a follower broker), the partitions
 * of the fetch session, and the data records in the response.
 */
export const fetchExtractor: ApiExtractor = {
  request(body, version, facts, context) {
    const replicaId =
      version >= 15 ? (numberField(structField(body, 'replicaState') ?? {}, 'replicaId') ?? -1) : (numberField(body, 'replicaId') ?? -1);
    facts.details.replicaId = replicaId;
    facts.role = replicaId >= 0 ? 'follower' : 'consumer';
    const isolationLevel = numberField(body, 'isolationLevel');
    if (isolationLevel !== undefined) facts.details.isolationLevel = isolationLevel;
    const sessionId = numberField(body, 'sessionId') ?? NO_SESSION;
    const epoch = numberField(body, 'sessionEpoch') ?? SESSIONLESS_EPOCH;
    const listed: PartitionKey[] = [];
    for (const topic of structsField(body, 'topics')) {
      const key = topicKey(topicRefOf(topic));
      for (const partition of structsField(topic, 'partitions')) {
        const listedKey = partitionKey(key, numberField(partition, 'partition') ?? -1);
        listed.push(listedKey);
        const fetchOffset = int64Field(partition, 'fetchOffset');
        if (fetchOffset !== undefined) facts.fetchOffsets.set(listedKey, Number(fetchOffset));
      }
    }
    const forgotten: PartitionKey[] = [];
    for (const topic of structsField(body, 'forgottenTopicsData')) {
      const key = topicKey(topicRefOf(topic));
      for (const partition of numbersField(topic, 'partitions')) forgotten.push(partitionKey(key, partition));
    }
    const scope = context.connection.fetchSessions.request(sessionId, epoch, listed, forgotten);
    facts.fetch = { sessionId, scope };
    if (version >= 7) {
      facts.details.fetchSessionId = sessionId;
      facts.details.fetchSessionEpoch = epoch;
    }
    if (scope.incomplete) facts.details.fetchSessionIncomplete = true;
    for (const key of scope.partitions) {
      const { topic, partition } = splitPartitionKey(key);
      facts.topics.add(refOf(topic), partition);
    }
  },
  response(body, _version, facts, context) {
    const response = {
      errorCode: numberField(body, 'errorCode') ?? 0,
      sessionId: numberField(body, 'sessionId') ?? NO_SESSION,
      partitions: decodedPartitions(body),
    };
    applyFetchResponse(response, facts, context);
  },
};
