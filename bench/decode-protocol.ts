/**
 * node bench/decode-protocol.ts [seconds] — throughput of the Kafka protocol decoder.
 * Decodes realistic frames over and over (header + body + record-batch summary, as the sniffer will)
 * and prints MB/s of frame bytes and frames/s:
 *  - Produce v9 request, one partition with a 16 KiB record batch
 *  - Produce v9 request, 8 partitions with 2 KiB batches each (more structure per byte)
 *  - Fetch v16 response, 3 topics x 4 partitions with 16 KiB of batches each
 *  - Metadata v12 response for 50 topics x 6 partitions (structure only, no records)
 */
import { decodeRequest, decodeResponse, summarizeRecords, type DecodedStruct, type DecodeResult } from '../src/protocol/index.ts';
import { encodeRequest, encodeResponse } from '../test/unit/protocol/support/encoder.ts';

const seconds = Number(process.argv[2] ?? 2);

/** A magic 2 record batch of `size` bytes holding `recordCount` records (payload bytes are opaque here). */
function recordBatch(size: number, recordCount: number, baseOffset = 0n): Buffer {
  const batch = Buffer.alloc(size, 0x61);
  batch.writeBigInt64BE(baseOffset, 0);
  batch.writeInt32BE(size - 12, 8);
  batch.writeInt32BE(0, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(0, 21);
  batch.writeInt32BE(recordCount - 1, 23);
  batch.writeInt32BE(recordCount, 57);
  return batch;
}

function produceV9(partitions: number, batchSize: number): Buffer {
  return encodeRequest(
    { apiKey: 0, apiVersion: 9, correlationId: 1, clientId: 'producer-app-1' },
    {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [
        {
          name: 'orders',
          partitionData: Array.from({ length: partitions }, (_, index) => ({ index, records: recordBatch(batchSize, 16) })),
        },
      ],
    },
  );
}

function fetchV16(): Buffer {
  const topic = (n: number) => ({
    topicId: Buffer.alloc(16, n).toString('base64url'),
    partitions: Array.from({ length: 4 }, (_, partitionIndex) => ({
      partitionIndex,
      errorCode: 0,
      highWatermark: 1_000_000,
      lastStableOffset: 1_000_000,
      logStartOffset: 0,
      divergingEpoch: null,
      currentLeader: null,
      snapshotId: null,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: Buffer.concat([recordBatch(8192, 40, 1000n), recordBatch(8192, 40, 1040n)]),
    })),
  });
  return encodeResponse(1, 16, 1, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 7,
    responses: [topic(1), topic(2), topic(3)],
    nodeEndpoints: [],
  });
}

function metadataV12(): Buffer {
  return encodeResponse(3, 12, 1, {
    throttleTimeMs: 0,
    brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: `broker-${nodeId}.kafka.svc`, port: 9092, rack: `rack-${nodeId}` })),
    clusterId: 'x0sVuHqGQzCm0gA6x9Ce9A',
    controllerId: 1,
    topics: Array.from({ length: 50 }, (_, t) => ({
      errorCode: 0,
      name: `topic-${t}`,
      topicId: Buffer.alloc(16, t).toString('base64url'),
      isInternal: false,
      partitions: Array.from({ length: 6 }, (_, partitionIndex) => ({
        errorCode: 0,
        partitionIndex,
        leaderId: 1 + (partitionIndex % 3),
        leaderEpoch: 4,
        replicaNodes: [1, 2, 3],
        isrNodes: [1, 2, 3],
        offlineReplicas: [],
      })),
      topicAuthorizedOperations: -2147483648,
    })),
  });
}

type Struct = Record<string, unknown>;

/** Records in a Produce request body, counted the way the sniffer will. */
function produceRecords(body: DecodedStruct): number {
  let records = 0;
  for (const topic of body['topicData'] as unknown as Struct[]) {
    for (const partition of topic['partitionData'] as Struct[]) records += summarizeRecords(partition['records'] as Buffer).records;
  }
  return records;
}

/** Records in a Fetch response body. */
function fetchRecords(body: DecodedStruct): number {
  let records = 0;
  for (const topic of body['responses'] as unknown as Struct[]) {
    for (const partition of topic['partitions'] as Struct[]) records += summarizeRecords(partition['records'] as Buffer | null).records;
  }
  return records;
}

function run(
  name: string,
  frame: Buffer,
  decode: (frame: Buffer) => DecodeResult<{ body: DecodedStruct }>,
  count: (body: DecodedStruct) => number = () => 0,
): void {
  const first = decode(frame);
  if (!first.ok) throw first.error;
  const recordsPerFrame = count(first.value.body);
  let iterations = 0;
  let records = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) {
      const result = decode(frame);
      if (result.ok) records += count(result.value.body);
    }
    iterations += 100;
  }
  const elapsed = (performance.now() - started) / 1000;
  if (records !== recordsPerFrame * iterations) throw new Error('record count changed between iterations');
  console.log(
    `${name.padEnd(48)} ${String(frame.length).padStart(7)} B/frame ${((frame.length * iterations) / elapsed / 1e6).toFixed(0).padStart(6)} MB/s ` +
      `${(iterations / elapsed / 1000).toFixed(1).padStart(7)} k frames/s  ${recordsPerFrame} records/frame`,
  );
}

run('Produce v9 request, 1 x 16 KiB batch', produceV9(1, 16384), decodeRequest, produceRecords);
run('Produce v9 request, 8 x 2 KiB batches', produceV9(8, 2048), decodeRequest, produceRecords);
run('Fetch v16 response, 12 partitions x 16 KiB', fetchV16(), (frame) => decodeResponse(frame, 1, 16), fetchRecords);
run('Metadata v12 response, 50 topics x 6 partitions', metadataV12(), (frame) => decodeResponse(frame, 3, 12));
