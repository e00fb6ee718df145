// Malformed input must never throw: every decoder returns { ok: false, error: DecodeError } instead.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DecodeError,
  checkRequestFrameStart,
  checkResponseFrameStart,
  decodeBody,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  readFrame,
  summarizeRecords,
  type DecodeResult,
} from '../../../src/protocol/index.ts';
import { API_SPECS } from '../../../src/protocol/spec/messages.generated.ts';
import { bodyArbitrary } from './support/arbitraries.ts';
import { encodeRequest, encodeResponse } from './support/encoder.ts';

const API_VERSIONS = 18;
const randomBytes = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));

const knownApiVersion = fc.constantFrom(...API_SPECS).chain((spec) =>
  fc.record({
    apiKey: fc.constant(spec.apiKey),
    version: fc.integer({ min: spec.request.validVersions[0], max: spec.request.validVersions[1] }),
  }),
);

function assertFailedCleanly<T>(result: DecodeResult<T>): void {
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.ok(result.error instanceof DecodeError);
    assert.equal(typeof result.error.what, 'string');
    assert.ok(Number.isInteger(result.error.where));
  }
}

function neverThrows<T>(run: () => DecodeResult<T>): void {
  const result = run();
  if (!result.ok) assert.ok(result.error instanceof DecodeError, `not a DecodeError: ${String(result.error)}`);
}

describe('random bytes never make a decoder throw', () => {
  it('decodeRequest / decodeRequestHeader on arbitrary bytes', () => {
    fc.assert(
      fc.property(randomBytes, (bytes) => {
        neverThrows(() => decodeRequest(bytes));
        neverThrows(() => decodeRequestHeader(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeRequest on a valid header followed by arbitrary bytes', () => {
    fc.assert(
      fc.property(knownApiVersion, randomBytes, ({ apiKey, version }, tail) => {
        const header = Buffer.alloc(10);
        header.writeInt16BE(apiKey, 0);
        header.writeInt16BE(version, 2);
        header.writeInt32BE(1, 4);
        header.writeInt16BE(0, 8);
        neverThrows(() => decodeRequest(Buffer.concat([header, tail])));
      }),
      { numRuns: 3000 },
    );
  });

  it('decodeResponse and decodeBody for any API version', () => {
    fc.assert(
      fc.property(knownApiVersion, randomBytes, ({ apiKey, version }, bytes) => {
        neverThrows(() => decodeResponse(bytes, apiKey, version));
        neverThrows(() => decodeBody(apiKey, version, 'request', bytes));
        neverThrows(() => decodeBody(apiKey, version, 'response', bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('unknown api keys and versions are reported, not thrown', () => {
    assertFailedCleanly(decodeBody(999, 0, 'request', Buffer.alloc(10)));
    assertFailedCleanly(decodeBody(0, 99, 'request', Buffer.alloc(10)));
    assertFailedCleanly(decodeBody(0, 1.5, 'request', Buffer.alloc(10)));
    assertFailedCleanly(decodeResponse(Buffer.alloc(10), -3, 0));
    assertFailedCleanly(decodeBody(0, 9, 'request', Buffer.alloc(10), 8, 20));
  });

  it('frame checks and record summaries on arbitrary bytes', () => {
    fc.assert(
      fc.property(randomBytes, fc.nat(310), (bytes, offset) => {
        readFrame(bytes, Math.min(offset, bytes.length));
        checkRequestFrameStart(bytes, Math.min(offset, bytes.length));
        checkResponseFrameStart(bytes, Math.min(offset, bytes.length));
        const summary = summarizeRecords(bytes);
        assert.ok(summary.bytes + summary.partialBytes <= bytes.length);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('every strict prefix of a valid message fails cleanly', () => {
  const sample = API_SPECS.flatMap((spec) => {
    const [min, max] = spec.request.validVersions;
    return [...new Set([min, Math.floor((min + max) / 2), max])].map((version) => ({ spec, version }));
  });

  it(`requests and responses of ${sample.length} (api, version) pairs`, () => {
    for (const { spec, version } of sample) {
      fc.assert(
        fc.property(bodyArbitrary(spec.apiKey, version, 'request'), bodyArbitrary(spec.apiKey, version, 'response'), (req, res) => {
          const request = encodeRequest({ apiKey: spec.apiKey, apiVersion: version, correlationId: 3, clientId: 'c' }, req);
          const response = encodeResponse(spec.apiKey, version, 3, res);
          assert.ok(decodeRequest(request).ok);
          assert.ok(decodeResponse(response, spec.apiKey, version).ok);
          for (let length = 0; length < request.length; length++) assertFailedCleanly(decodeRequest(request.subarray(0, length)));
          for (let length = 0; length < response.length; length++) {
            const decoded = decodeResponse(response.subarray(0, length), spec.apiKey, version);
            // A cut ApiVersions response may legitimately read as the v0 fallback format, never as its own version.
            if (decoded.ok && spec.apiKey === API_VERSIONS) assert.equal(decoded.value.bodyVersion, 0);
            else assertFailedCleanly(decoded);
          }
        }),
        { numRuns: 3 },
      );
    }
  });

  it('flipped bytes in valid frames never throw', () => {
    const produce = API_SPECS[0]!;
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 13 })
          .chain((version) => fc.tuple(fc.constant(version), bodyArbitrary(produce.apiKey, version, 'request'))),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        ([version, body], flips) => {
          const message = encodeRequest({ apiKey: 0, apiVersion: version, correlationId: 1, clientId: 'x' }, body);
          for (const [position, value] of flips) message[position % message.length] = value;
          neverThrows(() => decodeRequest(message));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
