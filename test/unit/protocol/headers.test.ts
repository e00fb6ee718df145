import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  API_KEY_NAMES,
  ERROR_CODE_NAMES,
  apiKeyName,
  decodeRequestHeader,
  decodeResponse,
  errorCodeName,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../../src/protocol/index.ts';
import { bytes, text } from './support/hex.ts';

describe('header versions', () => {
  it('request header v2 exactly for flexible versions, v1 before', () => {
    assert.deepEqual(
      [8, 9, 13].map((v) => requestHeaderVersion(0, v)),
      [1, 2, 2],
    ); // Produce flexible from 9
    assert.deepEqual(
      [11, 12, 18].map((v) => requestHeaderVersion(1, v)),
      [1, 2, 2],
    ); // Fetch from 12
    assert.deepEqual(
      [2, 3].map((v) => requestHeaderVersion(18, v)),
      [1, 2],
    ); // ApiVersions from 3
    assert.equal(requestHeaderVersion(17, 1), 1); // SaslHandshake is never flexible
    assert.equal(requestHeaderVersion(4, 4), 2); // LeaderAndIsr (3.9-only) flexible from 4
  });

  it('ControlledShutdown v0 is the only request with header v0', () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((v) => requestHeaderVersion(7, v)),
      [0, 1, 1, 2],
    );
  });

  it('versions newer than known keep the last flexibility; unknown keys give undefined', () => {
    assert.equal(requestHeaderVersion(0, 20), 2);
    assert.equal(requestHeaderVersion(999, 0), undefined);
    assert.equal(requestHeaderVersion(0, -1), undefined);
  });

  it('response header v1 for flexible versions, except ApiVersions which is always v0', () => {
    assert.deepEqual(
      [8, 9].map((v) => responseHeaderVersion(0, v)),
      [0, 1],
    );
    assert.deepEqual(
      [0, 3, 4, 5].map((v) => responseHeaderVersion(18, v)),
      [0, 0, 0, 0],
    );
    assert.equal(responseHeaderVersion(999, 0), undefined);
  });
});

describe('header decoding', () => {
  it('null client id', () => {
    const decoded = decodeRequestHeader(bytes('0003 0001 00000009 ffff'));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, {
      header: { apiKey: 3, apiVersion: 1, correlationId: 9, clientId: null, headerVersion: 1 },
      bodyOffset: 10,
    });
  });

  it('header v2 tagged fields are skipped, even unknown ones', () => {
    const decoded = decodeRequestHeader(bytes('0003 000c 00000009', '0002', text('id'), '01 05 02 abcd', '99'));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.bodyOffset, 17);
  });

  it('unknown api key is an error naming it', () => {
    const decoded = decodeRequestHeader(bytes('0100 0000 00000001 0000'));
    assert.equal(decoded.ok, false);
    if (!decoded.ok) assert.match(decoded.error.message, /unknown api key 256/);
  });

  it('response header v1 tagged fields are skipped before the body', () => {
    // Heartbeat v4 response (flexible): header v1 with one unknown tagged field, then throttle + error code.
    const decoded = decodeResponse(bytes('00000005', '01 07 01 ff', '00000000 0000 00'), 12, 4);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    assert.deepEqual(decoded.value.header, { correlationId: 5, headerVersion: 1 });
    assert.deepEqual(decoded.value.body, { throttleTimeMs: 0, errorCode: 0 });
  });
});

describe('api key and error code tables', () => {
  it('names every api key from 0 to 94, using the 4.x name where one changed', () => {
    assert.deepEqual(
      [...API_KEY_NAMES.keys()],
      Array.from({ length: 95 }, (_, i) => i),
    );
    assert.deepEqual([0, 1, 3, 4, 18, 68, 74, 88].map(apiKeyName), [
      'Produce',
      'Fetch',
      'Metadata',
      'LeaderAndIsr',
      'ApiVersions',
      'ConsumerGroupHeartbeat',
      'ListConfigResources',
      'StreamsGroupHeartbeat',
    ]);
    assert.equal(apiKeyName(95), undefined);
  });

  it('error codes -1..133 from Errors.java, unique names', () => {
    assert.deepEqual(
      [...ERROR_CODE_NAMES.keys()],
      Array.from({ length: 135 }, (_, i) => i - 1),
    );
    assert.equal(new Set(ERROR_CODE_NAMES.values()).size, 135);
    const expected: [number, string][] = [
      [-1, 'UNKNOWN_SERVER_ERROR'],
      [0, 'NONE'],
      [1, 'OFFSET_OUT_OF_RANGE'],
      [3, 'UNKNOWN_TOPIC_OR_PARTITION'],
      [6, 'NOT_LEADER_OR_FOLLOWER'],
      [7, 'REQUEST_TIMED_OUT'],
      [25, 'UNKNOWN_MEMBER_ID'],
      [27, 'REBALANCE_IN_PROGRESS'],
      [35, 'UNSUPPORTED_VERSION'],
      [58, 'SASL_AUTHENTICATION_FAILED'],
      [74, 'FENCED_LEADER_EPOCH'],
      [89, 'THROTTLING_QUOTA_EXCEEDED'],
      [100, 'UNKNOWN_TOPIC_ID'],
      [110, 'FENCED_MEMBER_EPOCH'],
      [120, 'TRANSACTION_ABORTABLE'],
      [127, 'VOTER_NOT_FOUND'],
      [133, 'SHARE_SESSION_LIMIT_REACHED'],
    ];
    for (const [code, name] of expected) assert.equal(errorCodeName(code), name);
    assert.equal(errorCodeName(500), 'UNKNOWN_ERROR_CODE_500');
  });
});
