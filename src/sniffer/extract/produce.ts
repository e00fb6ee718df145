import { compressionCodecNames, DEFAULT_MAX_DECOMPRESSED_BYTES, summarizeRecords } from '../../protocol/index.ts';
import type { ApiExtractor } from './context.ts';
import { bytesField, nullableStringField, numberField, stringField, structsField } from './fields.ts';

/** Produce: topics (names, or ids in v13), partitions, data records from batch headers, acks, transactional id. */
export const produceExtractor: ApiExtractor = {
  request(body, _version, facts) {
    const acks = numberField(body, 'acks');
    if (acks !== undefined) facts.details.acks = acks;
    facts.expectsResponse = acks !== 0;
    const transactionalId = nullableStringField(body, 'transactionalId');
    if (transactionalId !== undefined) facts.details.transactionalId = transactionalId;
    let codecs = 0;
    let controlRecords = 0;
    let uncountedWrappers = 0;
    const budget = { remaining: DEFAULT_MAX_DECOMPRESSED_BYTES };
    for (const topic of structsField(body, 'topicData')) {
      const ref = { name: stringField(topic, 'name'), id: stringField(topic, 'topicId') };
      for (const partition of structsField(topic, 'partitionData')) {
        const records = bytesField(partition, 'records');
        const summary = summarizeRecords(records ?? null, 0, records?.length ?? 0, budget);
        codecs |= summary.compressionCodecs;
        controlRecords += summary.controlRecords;
        uncountedWrappers += summary.uncountedWrappers;
        if (summary.error) facts.problem ??= `records: ${summary.error.message}`;
        const index = numberField(partition, 'index');
        const carried = {
          topic: ref,
          partition: index ?? -1,
          records: summary.records,
          bytes: records?.length ?? 0,
          batches: summary.batches - summary.controlBatches,
          producerId: summary.producerId,
          producerEpoch: summary.producerEpoch,
          baseSequence: summary.baseSequence,
        };
        facts.topics.add(ref, index, carried.records, carried.bytes, carried.batches);
        facts.producedPartitions.push(carried);
        if (summary.transactionalProducerId >= 0n) {
          facts.details.transactional = true;
          facts.details.producerId = summary.transactionalProducerId;
        }
      }
    }
    if (codecs !== 0) facts.details.compression = compressionCodecNames(codecs);
    if (controlRecords > 0) facts.details.controlRecords = controlRecords;
    if (uncountedWrappers > 0) facts.details.uncountedWrappers = uncountedWrappers;
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
