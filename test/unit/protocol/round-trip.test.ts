import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBody, decodeRequest, decodeResponse } from '../../../src/protocol/index.ts';
import { API_SPECS } from '../../../src/protocol/spec/messages.generated.ts';
import type { Direction } from '../../../src/protocol/schema-decoder.ts';
import { bodyArbitrary } from './support/arbitraries.ts';
import { encodeBody, encodeRequest, encodeResponse, isFlexible } from './support/encoder.ts';

const DIRECTIONS: readonly Direction[] = ['request', 'response'];
/** Hot APIs get many more runs per version than the long tail. */
const FOCUS = new Set(['Produce', 'Fetch', 'Metadata', 'ApiVersions', 'ListOffsets', 'OffsetCommit', 'OffsetFetch']);

function versions(range: readonly [number, number]): number[] {
  return Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i);
}

describe('decode(encode(x)) == x for every API version in the union', () => {
  for (const spec of API_SPECS) {
    it(`${spec.name} (api key ${spec.apiKey}) v${spec.request.validVersions.join('-')}`, () => {
      const numRuns = FOCUS.has(spec.name) ? 60 : 6;
      for (const version of versions(spec.request.validVersions)) {
        for (const direction of DIRECTIONS) {
          fc.assert(
            fc.property(bodyArbitrary(spec.apiKey, version, direction), (body) => {
              const bytes = encodeBody(spec.apiKey, version, direction, body);
              const decoded = decodeBody(spec.apiKey, version, direction, bytes);
              assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
              assert.deepStrictEqual(decoded.value.body, body);
              assert.equal(decoded.value.end, bytes.length);
            }),
            { numRuns },
          );
        }
      }
    });
  }
});

describe('whole frames round-trip through decodeRequest / decodeResponse', () => {
  const header = fc.record({
    correlationId: fc.integer({ min: 0, max: 0x7fffffff }),
    clientId: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: null }),
  });

  for (const spec of API_SPECS) {
    it(`${spec.name} requests and responses with headers`, () => {
      for (const version of versions(spec.request.validVersions)) {
        fc.assert(
          fc.property(header, bodyArbitrary(spec.apiKey, version, 'request'), ({ correlationId, clientId }, body) => {
            const legacyHeader = spec.apiKey === 7 && version === 0;
            const message = encodeRequest({ apiKey: spec.apiKey, apiVersion: version, correlationId, clientId }, body);
            const decoded = decodeRequest(message);
            assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
            assert.deepStrictEqual(decoded.value.header, {
              apiKey: spec.apiKey,
              apiVersion: version,
              correlationId,
              clientId: legacyHeader ? null : clientId,
              headerVersion: legacyHeader ? 0 : isFlexible(spec.apiKey, version, 'request') ? 2 : 1,
            });
            assert.equal(decoded.value.apiName, spec.name);
            assert.deepStrictEqual(decoded.value.body, body);
            assert.equal(decoded.value.trailingBytes, 0);
          }),
          { numRuns: 3 },
        );
        fc.assert(
          fc.property(fc.integer({ min: 0, max: 0x7fffffff }), bodyArbitrary(spec.apiKey, version, 'response'), (correlationId, body) => {
            const message = encodeResponse(spec.apiKey, version, correlationId, body);
            const decoded = decodeResponse(message, spec.apiKey, version);
            assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
            assert.equal(decoded.value.header.correlationId, correlationId);
            assert.deepStrictEqual(decoded.value.body, body);
            assert.equal(decoded.value.trailingBytes, 0);
          }),
          { numRuns: 3 },
        );
      }
    });
  }
});

describe('unknown tagged fields are skipped', () => {
  const flexible = API_SPECS.flatMap((spec) =>
    versions(spec.request.validVersions)
      .filter((v) => isFlexible(spec.apiKey, v, 'request'))
      .map((version) => ({ apiKey: spec.apiKey, name: spec.name, version })),
  );

  it(`in every struct of ${flexible.length} flexible request versions`, () => {
    for (const { apiKey, version } of flexible) {
      fc.assert(
        fc.property(
          bodyArbitrary(apiKey, version, 'request'),
          fc.integer({ min: 1000, max: 2 ** 31 }),
          fc.uint8Array({ maxLength: 40 }),
          (body, tag, bytes) => {
            const plain = encodeBody(apiKey, version, 'request', body);
            const withUnknown = encodeBody(apiKey, version, 'request', body, { unknownTaggedField: { tag, bytes } });
            assert.ok(withUnknown.length > plain.length);
            const decoded = decodeBody(apiKey, version, 'request', withUnknown);
            assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
            assert.deepStrictEqual(decoded.value.body, body);
          },
        ),
        { numRuns: 4 },
      );
    }
  });
});
