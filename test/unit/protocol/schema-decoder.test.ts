import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBody } from '../../../src/protocol/index.ts';
import { messagePlan } from '../../../src/protocol/schema-decoder.ts';
import { encodeBody } from './support/encoder.ts';
import { bytes, text } from './support/hex.ts';

describe('schema decoder', () => {
  it('compiles each (api, version, direction) plan once', () => {
    assert.equal(messagePlan(0, 9, 'request'), messagePlan(0, 9, 'request'));
    assert.notEqual(messagePlan(0, 9, 'request'), messagePlan(0, 9, 'response'));
    assert.equal(messagePlan(0, 14, 'request'), undefined);
  });

  it('names the field path of a failure', () => {
    const body = encodeBody(0, 9, 'request', {
      transactionalId: null,
      acks: 1,
      timeoutMs: 100,
      topicData: [{ name: 'orders', partitionData: [{ index: 0, records: Buffer.alloc(40) }] }],
    });
    const decoded = decodeBody(0, 9, 'request', body.subarray(0, body.length - 10));
    assert.equal(decoded.ok, false);
    if (decoded.ok) return;
    assert.deepEqual(decoded.error.path, ['topicData', 'partitionData', 'records']);
    assert.match(decoded.error.message, /compact nullable bytes at byte \d+ in topicData\.partitionData\.records: needs 40 bytes/);
  });

  it('decodes a window of a larger buffer and reports where the body ended', () => {
    const body = encodeBody(12, 0, 'request', { groupId: 'g', generationId: 3, memberId: 'm' });
    const padded = Buffer.concat([Buffer.from('junk'), body, Buffer.from('more')]);
    const decoded = decodeBody(12, 0, 'request', padded, 4, 4 + body.length);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, { body: { groupId: 'g', generationId: 3, memberId: 'm' }, end: 4 + body.length });
  });

  it('absent tagged fields take their Kafka defaults', () => {
    const decoded = decodeBody(18, 3, 'response', bytes('0000', '01', '00000000', '00'));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value.body, {
      errorCode: 0,
      apiKeys: [],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false,
    });
  });

  it('a known tagged field is read within its declared size; padding inside it is skipped', () => {
    // FetchSnapshot v0 request (replicaId, maxBytes, no topics): tagged ClusterId (tag 0) declared as 9 bytes, the compact string uses 4.
    const message = bytes('00000001', '00000002', '01', '01', '00', '09', '04', text('abc'), '0000000000', '2a');
    const decoded = decodeBody(59, 0, 'request', message);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    assert.deepEqual(decoded.value.body, { replicaId: 1, maxBytes: 2, topics: [], clusterId: 'abc' });
    assert.equal(decoded.value.end, message.length - 1);
  });

  it('a tagged field overrunning its declared size is an error', () => {
    const message = bytes('00000001', '00000002', '01', '01', '00', '01', '04', text('abc'));
    const decoded = decodeBody(59, 0, 'request', message);
    assert.equal(decoded.ok, false);
    if (!decoded.ok) assert.deepEqual(decoded.error.path, ['clusterId']);
  });

  it('nullable structs use a -1 / 1 marker byte', () => {
    // ConsumerGroupHeartbeat v0 response: Assignment is a nullable struct.
    const head = ['00000000', '0000', '00', '00', '00000001', '00001388'];
    const absent = decodeBody(68, 0, 'response', bytes(...head, 'ff', '00'));
    assert.ok(absent.ok, absent.ok ? '' : absent.error.message);
    assert.equal(absent.value.body['assignment'], null);
    const present = decodeBody(68, 0, 'response', bytes(...head, '01', '01', '00', '00'));
    assert.ok(present.ok, present.ok ? '' : present.error.message);
    assert.deepEqual(present.value.body['assignment'], { topicPartitions: [] });
  });

  it('null for a non-nullable array or string is an error', () => {
    assert.equal(decodeBody(3, 0, 'request', bytes('ffffffff')).ok, false); // Metadata v0 topics is not nullable
    assert.equal(decodeBody(3, 1, 'request', bytes('ffffffff')).ok, true); // ... from v1 it is
    assert.equal(decodeBody(12, 0, 'request', bytes('ffff', '00000001', '0000')).ok, false);
  });
});
