import { DEFAULT_MAX_DECOMPRESSED_BYTES, summarizeRecords, type DecodedStruct, type RecordSetSummary } from '../../protocol/index.ts';
import type { ApiExtractor } from './context.ts';
import type { ExchangeFacts, TopicRef } from './exchange-facts.ts';
import { bytesField, nullableStringField, numberField, stringField, structsField } from './fields.ts';
import { RecordSetDetails } from './record-set-details.ts';

/** One partition of a Produce request, read whole or streamed: its record set's size and its records counted. */
export interface ProducePartitionData {
  readonly topic: TopicRef;
  /** -1 when unknown. */
  readonly partitionIndex: number;
  readonly size: number;
  readonly records: RecordSetSummary;
}

/** What a Produce request tells about its exchange: acks, the transaction, and the records carried per partition. */
export function applyProduceRequest(
  request: {
    readonly acks: number | undefined;
    readonly transactionalId: string | null | undefined;
    readonly partitions: Iterable<ProducePartitionData>;
  },
  facts: ExchangeFacts,
): void {
  if (request.acks !== undefined) facts.details.acks = request.acks;
  facts.expectsResponse = request.acks !== 0;
  if (request.transactionalId !== undefined) facts.details.transactionalId = request.transactionalId;
  const recordSets = new RecordSetDetails();
  for (const { topic, partitionIndex, size, records: summary } of request.partitions) {
    recordSets.add(summary);
    const carried = {
      topic,
      partition: partitionIndex,
      records: summary.records,
      bytes: size,
      batches: summary.batches - summary.controlBatches,
      producerId: summary.producerId,
      producerEpoch: summary.producerEpoch,
      baseSequence: summary.baseSequence,
    };
    facts.topics.add(topic, partitionIndex, carried.records, carried.bytes, carried.batches);
    facts.producedPartitions.push(carried);
    if (summary.transactionalProducerId >= 0n) {
      facts.details.transactional = true;
      facts.details.producerId = summary.transactionalProducerId;
    }
  }
  recordSets.applyTo(facts);
}

/** The partitions of a decoded Produce request, their records counted within one decompression budget. */
function* decodedPartitions(body: DecodedStruct): Generator<ProducePartitionData> {
  const budget = { remaining: DEFAULT_MAX_DECOMPRESSED_BYTES };
  for (const topic of structsField(body, 'topicData')) {
    const ref = { name: stringField(topic, 'name'), id: stringField(topic, 'topicId') };
    for (const partition of structsField(topic, 'partitionData')) {
      const records = bytesField(partition, 'records') ?? null;
      yield {
        topic: ref,
        partitionIndex: numberField(partition, 'index') ?? -1,
        size: records?.length ?? 0,
        records: summarizeRecords(records, 0, records?.length ?? 0, budget),
      };
    }
  }
}

/** Produce: topics (names, or ids in v13), partitions, data records from batch headers, acks, transactional id. */
export const produceExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const request = {
      acks: numberField(body, 'acks'),
      transactionalId: nullableStringField(body, 'transactionalId'),
      partitions: decodedPartitions(body),
    };
    applyProduceRequest(request, facts);
  },
  response(body, _version, facts) {
    for (const topic of structsField(body, 'responses')) {
      const ref = { name: stringField(topic, 'name'), id: stringField(topic, 'topicId') };
      for (const partition of structsField(topic, 'partitionResponses')) {
        const errorCode = numberField(partition, 'errorCode') ?? 0;
        if (errorCode !== 0) facts.partitionErrors.push({ topic: ref, partition: numberField(partition, 'index') ?? -1, errorCode });
      }
    }
  },
};
