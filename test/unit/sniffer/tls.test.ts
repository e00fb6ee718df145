import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containsTlsRecords, startsWithClientHello } from '../../../src/sniffer/tls.ts';
import { requestFrame } from './support/frames.ts';

function record(type: number, length: number, first = 0x01): Buffer {
  const bytes = Buffer.alloc(5 + length, 0x42);
  bytes.set([type, 0x03, 0x03, length >> 8, length & 0xff, first]);
  return bytes;
}

describe('TLS recognition', () => {
  it('sees a ClientHello at the start of a stream, and waits when it has too few bytes', () => {
    assert.equal(startsWithClientHello(record(22, 300)), 'tls');
    assert.equal(startsWithClientHello(record(22, 300, 0x02)), 'not-tls');
    assert.equal(startsWithClientHello(record(22, 300).subarray(0, 3)), 'incomplete');
    assert.equal(startsWithClientHello(requestFrame(18, 3, 1, 'c', { clientSoftwareName: 'a', clientSoftwareVersion: '1' })), 'not-tls');
  });

  it('sees chained records in the middle of a stream, not a lone lookalike', () => {
    const records = Buffer.concat([record(23, 100), record(23, 2000), record(23, 50), record(21, 2)]);
    assert.equal(containsTlsRecords(Buffer.concat([Buffer.from([1, 2, 3]), records])), true);
    assert.equal(containsTlsRecords(record(23, 100)), false);
    assert.equal(
      containsTlsRecords(Buffer.concat(Array.from({ length: 5 }, (_, i) => requestFrame(3, 12, i, 'c', { topics: null })))),
      false,
    );
  });
});
