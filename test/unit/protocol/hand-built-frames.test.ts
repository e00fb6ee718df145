// Ground truth independent of the generated spec: frames written byte by byte from the Kafka protocol
// documentation (https://kafka.apache.org/protocol), with every field spelled out.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRequest, decodeResponse, readFrame, summarizeRecords } from '../../../src/protocol/index.ts';
import { bytes, text } from './support/hex.ts';

const UUID_0_TO_15 = '000102030405060708090a0b0c0d0e0f';
const UUID_0_TO_15_TEXT = 'AAECAwQFBgcICQoLDA0ODw'; // base64url, no padding
const UUID_ALL_FF = 'ffffffffffffffffffffffffffffffff';
const UUID_ALL_FF_TEXT = '_____________________w';

/** A magic v2 batch, no compression, two records (null key, values "v1" and "v2"): 79 bytes. */
const BATCH = [
  '0000000000000000', // baseOffset
  '00000043', // batchLength = 67 (49 header bytes after this field + 18 record bytes)
  'ffffffff', // partitionLeaderEpoch
  '02', // magic
  '00000000', // crc (not verified by the decoder)
  '0000', // attributes: no compression, create time, not transactional, not control
  '00000001', // lastOffsetDelta
  '0000018c00000000', // baseTimestamp
  '0000018c00000000', // maxTimestamp
  'ffffffffffffffff', // producerId
  'ffff', // producerEpoch
  'ffffffff', // baseSequence
  '00000002', // recordCount
  '10 00 00 00 01 04',
  text('v1'),
  '00', // record: length 8, attrs, tsDelta 0, offsetDelta 0, key null, value len 2, no headers
  '10 00 00 02 01 04',
  text('v2'),
  '00', // record: offsetDelta 1
].join('');
const BATCH_LENGTH = 79;

function ok<T>(result: { ok: true; value: T } | { ok: false; error: Error }): T {
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

describe('hand-built frames', () => {
  it('ApiVersions v3 request: header v2 with classic client id, compact strings in the body', () => {
    const wire = bytes(
      '00000023', // frame size 35
      '0012', // api key 18
      '0003', // api version 3
      '0000002a', // correlation id 42
      '0005',
      text('sonar'), // client id: int16-length string even in header v2
      '00', // header tagged fields: none
      '0c',
      text('kafka-sonar'), // client_software_name: compact, length 11 + 1
      '06',
      text('0.1.0'), // client_software_version
      '00', // body tagged fields: none
    );
    const frame = readFrame(wire);
    assert.equal(frame.status, 'complete');
    if (frame.status !== 'complete') return;
    assert.equal(frame.next, wire.length);
    const decoded = ok(decodeRequest(frame.message));
    assert.deepEqual(decoded.header, { apiKey: 18, apiVersion: 3, correlationId: 42, clientId: 'sonar', headerVersion: 2 });
    assert.equal(decoded.apiName, 'ApiVersions');
    assert.deepEqual(decoded.body, { clientSoftwareName: 'kafka-sonar', clientSoftwareVersion: '0.1.0' });
    assert.equal(decoded.trailingBytes, 0);
  });

  it('ApiVersions v3 response: response header v0 (no tagged fields) and tagged body fields', () => {
    const message = bytes(
      '0000002a', // correlation id; ApiVersions responses always use header v0
      '0000', // error code
      '02',
      '0000 0000 000b 00', // api_keys: one entry Produce 0..11, entry tagged fields
      '00000064', // throttle_time_ms 100
      '01', // one tagged field
      '01 08 0000000000000005', // tag 1 (FinalizedFeaturesEpoch), 8 bytes, int64 5
    );
    const decoded = ok(decodeResponse(message, 18, 3));
    assert.deepEqual(decoded.header, { correlationId: 42, headerVersion: 0 });
    assert.equal(decoded.bodyVersion, 3);
    assert.deepEqual(decoded.body, {
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }],
      throttleTimeMs: 100,
      supportedFeatures: [],
      finalizedFeaturesEpoch: 5,
      finalizedFeatures: [],
      zkMigrationReady: false,
    });
  });

  it('ApiVersions response in v0 format to a v3 request (UNSUPPORTED_VERSION) falls back to v0', () => {
    const message = bytes('00000001', '0023', '00000001', '0012 0000 0003');
    const decoded = ok(decodeResponse(message, 18, 3));
    assert.equal(decoded.bodyVersion, 0);
    assert.deepEqual(decoded.body, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }] });
  });

  it('Produce v3 request with one record batch', () => {
    const message = bytes(
      '0000 0003 00000007',
      '0008',
      text('producer'), // header v1
      'ffff', // transactional_id: null
      'ffff', // acks -1
      '00007530', // timeout 30000
      '00000001',
      '0006',
      text('orders'), // one topic
      '00000001',
      '00000002', // one partition: index 2
      '0000004f',
      BATCH, // records: int32 length 79
    );
    const decoded = ok(decodeRequest(message));
    assert.deepEqual(decoded.header, { apiKey: 0, apiVersion: 3, correlationId: 7, clientId: 'producer', headerVersion: 1 });
    const records = bytes(BATCH);
    assert.deepEqual(decoded.body, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'orders', partitionData: [{ index: 2, records }] }],
    });
    const summary = summarizeRecords(records);
    assert.equal(summary.batches, 1);
    assert.equal(summary.records, 2);
    assert.equal(summary.bytes, BATCH_LENGTH);
  });

  it('Produce v9 request (flexible) with one record batch; records are a view, not a copy', () => {
    const message = bytes(
      '0000 0009 00000008',
      '0008',
      text('producer'),
      '00', // header v2
      '07',
      text('txn-1a'), // transactional_id: compact nullable string
      '0001', // acks 1
      '00000bb8', // timeout 3000
      '02',
      '07',
      text('orders'), // topic_data: 1 topic, compact name
      '02',
      '00000000', // partition_data: 1 partition, index 0
      '50',
      BATCH, // records: compact, 79 + 1
      '00', // partition tagged fields
      '00', // topic tagged fields
      '00', // body tagged fields
    );
    const decoded = ok(decodeRequest(message));
    assert.equal(decoded.header.headerVersion, 2);
    const topicData = decoded.body['topicData'] as { name: string; partitionData: { index: number; records: Buffer }[] }[];
    assert.equal(decoded.body['transactionalId'], 'txn-1a');
    assert.equal(decoded.body['acks'], 1);
    assert.equal(topicData[0]!.name, 'orders');
    const records = topicData[0]!.partitionData[0]!.records;
    assert.deepEqual(records, bytes(BATCH));
    assert.equal(records.buffer, message.buffer, 'records must share the frame memory');
    assert.equal(summarizeRecords(records).records, 2);
    assert.equal(decoded.trailingBytes, 0);
  });

  it('Metadata v12 response with a topic id', () => {
    const message = bytes(
      '00000009',
      '00', // header v1: correlation id 9, tagged fields
      '00000000', // throttle_time_ms
      '02',
      '00000001',
      '09',
      text('broker-1'),
      '00002384',
      '00',
      '00', // one broker: id 1, host, port 9092, rack null
      '04',
      text('abc'), // cluster_id
      '00000001', // controller_id
      '02', // one topic
      '0000',
      '07',
      text('orders'),
      UUID_0_TO_15,
      '00', // error, name, topic_id, is_internal false
      '02',
      '0000 00000000 00000001 00000005', // one partition: error, index 0, leader 1, leader epoch 5
      '03 00000001 00000002',
      '02 00000001',
      '01',
      '00', // replicas [1,2], isr [1], offline [], tagged
      '80000000',
      '00', // topic_authorized_operations INT32_MIN, topic tagged fields
      '00', // body tagged fields
    );
    const decoded = ok(decodeResponse(message, 3, 12));
    assert.deepEqual(decoded.header, { correlationId: 9, headerVersion: 1 });
    assert.deepEqual(decoded.body, {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'broker-1', port: 9092, rack: null }],
      clusterId: 'abc',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: UUID_0_TO_15_TEXT,
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 5, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [] },
          ],
          topicAuthorizedOperations: -2147483648,
        },
      ],
    });
    assert.equal(decoded.trailingBytes, 0);
  });

  it('Fetch v13 request with a topic id and the tagged ClusterId field', () => {
    const message = bytes(
      '0001 000d 0000000b',
      '000a',
      text('consumer-1'),
      '00', // header v2
      'ffffffff', // replica_id -1
      '000001f4', // max_wait_ms 500
      '00000001', // min_bytes
      '03200000', // max_bytes 52428800
      '01', // isolation_level READ_COMMITTED
      '00000000',
      'ffffffff', // session id, session epoch
      '02',
      UUID_ALL_FF, // one topic, by id
      '02',
      '00000003 00000007 0000000000000064 ffffffff ffffffffffffffff 00100000',
      '00', // one partition
      '00', // topic tagged fields
      '01', // forgotten_topics_data: empty
      '07',
      text('rack-a'), // rack_id
      '01',
      '00 07 07',
      text('kraft1'), // tagged: tag 0 (ClusterId), 7 bytes, compact string
    );
    const decoded = ok(decodeRequest(message));
    assert.deepEqual(decoded.header, { apiKey: 1, apiVersion: 13, correlationId: 11, clientId: 'consumer-1', headerVersion: 2 });
    assert.deepEqual(decoded.body, {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topicId: UUID_ALL_FF_TEXT,
          partitions: [
            { partition: 3, currentLeaderEpoch: 7, fetchOffset: 100, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1048576 },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: 'rack-a',
      clusterId: 'kraft1',
    });
  });

  it('ControlledShutdown v0 uses request header v0 (no client id)', () => {
    const message = bytes('0007 0000 00000003', '00000005'); // header v0, broker_id 5
    const decoded = ok(decodeRequest(message));
    assert.deepEqual(decoded.header, { apiKey: 7, apiVersion: 0, correlationId: 3, clientId: null, headerVersion: 0 });
    assert.deepEqual(decoded.body, { brokerId: 5 });
  });
});
