import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRequestFrameStart, checkResponseFrameStart, readFrame } from '../../../src/protocol/index.ts';
import { encodeRequest, frame } from './support/encoder.ts';
import { bytes, text } from './support/hex.ts';

/** Frame of a request header (v1) with the given fields and a 4-byte body. */
function requestFrame(apiKey: number, apiVersion: number, correlationId: number, clientIdHex: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  return frame(Buffer.concat([header, bytes(clientIdHex, '00000000')]));
}

describe('readFrame', () => {
  it('splits back-to-back frames and reports what is missing', () => {
    const stream = bytes('00000002 aabb', '00000001 cc', '00000005 dd');
    const first = readFrame(stream);
    assert.equal(first.status, 'complete');
    if (first.status !== 'complete') return;
    assert.deepEqual([...first.message], [0xaa, 0xbb]);
    const second = readFrame(stream, first.next);
    assert.equal(second.status, 'complete');
    if (second.status !== 'complete') return;
    assert.deepEqual(readFrame(stream, second.next), { status: 'incomplete', needed: 9 });
    assert.deepEqual(readFrame(stream.subarray(0, 3)), { status: 'incomplete', needed: 4 });
  });

  it('negative or oversized sizes and bad offsets are invalid', () => {
    assert.equal(readFrame(bytes('ffffffff')).status, 'invalid');
    assert.equal(readFrame(bytes('00000000 00000000'), -1).status, 'invalid');
    assert.equal(readFrame(bytes('00000000 00000000'), 0.5).status, 'invalid');
    assert.equal(checkRequestFrameStart(bytes('00000000 00000000'), -2), 'implausible');
    assert.equal(checkResponseFrameStart(bytes('00000000 00000000'), -2), 'implausible');
    assert.equal(readFrame(bytes('00000100', '00'), 0, 255).status, 'invalid');
  });
});

describe('checkRequestFrameStart', () => {
  const clientId = `0005${text('sonar')}`;

  it('accepts real request frames', () => {
    const message = encodeRequest(
      { apiKey: 3, apiVersion: 12, correlationId: 1, clientId: 'sonar' },
      {
        topics: null,
        allowAutoTopicCreation: true,
        includeTopicAuthorizedOperations: false,
      },
    );
    assert.equal(checkRequestFrameStart(frame(message)), 'plausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, 0, clientId)), 'plausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, 0, 'ffff')), 'plausible');
    assert.equal(checkRequestFrameStart(frame(bytes('0007 0000 00000001 00000005'))), 'plausible'); // ControlledShutdown v0
  });

  it('rejects unknown api keys, unsupported versions and negative correlation ids', () => {
    assert.equal(checkRequestFrameStart(requestFrame(95, 0, 1, clientId)), 'implausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 14, 1, clientId)), 'implausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, -1, 1, clientId)), 'implausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, -5, clientId)), 'implausible');
  });

  it('rejects insane sizes and client ids', () => {
    assert.equal(checkRequestFrameStart(bytes('00000004 0000 0000')), 'implausible');
    assert.equal(checkRequestFrameStart(bytes('7fffffff 0000 0009 00000001')), 'implausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, 1, clientId), 0, { maxFrameSize: 10 }), 'implausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, 1, `0800${'61'.repeat(2048)}`)), 'implausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, 1, clientId), 0, { maxClientIdLength: 4 }), 'implausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, 1, '0003 610062')), 'implausible'); // control byte
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, 1, 'fffe')), 'implausible');
    assert.equal(checkRequestFrameStart(requestFrame(0, 9, 1, '0040 6161')), 'implausible'); // longer than the frame
  });

  it('asks for more bytes instead of guessing', () => {
    const full = requestFrame(0, 9, 1, clientId);
    assert.equal(checkRequestFrameStart(full.subarray(0, 3)), 'incomplete');
    assert.equal(checkRequestFrameStart(full.subarray(0, 10)), 'incomplete');
    assert.equal(checkRequestFrameStart(full.subarray(0, 13)), 'incomplete');
    assert.equal(checkRequestFrameStart(full.subarray(0, 16)), 'plausible');
  });

  it('finds the next frame start after the tail of a lost frame', () => {
    const lostTail = bytes('0000004f 00000000 ffffffff 02 00000000 0000', text('some record payload bytes, key=value'));
    const next = requestFrame(0, 9, 12345, clientId);
    const stream = Buffer.concat([lostTail, next]);
    let found = -1;
    for (let offset = 0; offset < stream.length && found < 0; offset++) {
      if (checkRequestFrameStart(stream, offset) === 'plausible') found = offset;
    }
    assert.equal(found, lostTail.length);
  });
});

describe('checkResponseFrameStart', () => {
  it('checks the size and correlation id', () => {
    assert.equal(checkResponseFrameStart(bytes('00000008 0000002a 00000000')), 'plausible');
    assert.equal(checkResponseFrameStart(bytes('00000008 8000002a 00000000')), 'implausible');
    assert.equal(checkResponseFrameStart(bytes('00000002 0000')), 'implausible');
    assert.equal(checkResponseFrameStart(bytes('00000008 0000')), 'incomplete');
    const pending = new Set([42]);
    const isPendingCorrelationId = (id: number) => pending.has(id);
    assert.equal(checkResponseFrameStart(bytes('00000008 0000002a'), 0, { isPendingCorrelationId }), 'plausible');
    assert.equal(checkResponseFrameStart(bytes('00000008 0000002b'), 0, { isPendingCorrelationId }), 'implausible');
  });
});
