import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTcpHeader } from '../../../src/capture/tcp-segment.ts';
import { tcp } from './support/frames.ts';

describe('TCP header decoding', () => {
  it('reads ports, sequence numbers, flags, window and payload', () => {
    const bytes = tcp({
      sourcePort: 51000,
      destinationPort: 9092,
      sequence: 0xfffffff0,
      acknowledgment: 0x80000001,
      flags: { syn: true, ack: true, psh: true },
      window: 1234,
      payload: Buffer.from('hello'),
    });
    assert.deepEqual(decodeTcpHeader(bytes, 0, bytes.length, 0), {
      ok: true,
      sourcePort: 51000,
      destinationPort: 9092,
      sequence: 0xfffffff0,
      acknowledgment: 0x80000001,
      syn: true,
      fin: false,
      rst: false,
      ack: true,
      psh: true,
      window: 1234,
      payload: Buffer.from('hello'),
      missingPayloadBytes: 0,
    });
  });

  it('reads FIN and RST flags', () => {
    const fin = decodeTcpHeader(tcp({ flags: { fin: true, ack: true } }), 0, 20, 0);
    const rst = decodeTcpHeader(tcp({ flags: { rst: true } }), 0, 20, 0);
    assert.ok(fin.ok && rst.ok);
    assert.deepEqual([fin.fin, fin.rst, fin.ack, fin.syn], [true, false, true, false]);
    assert.deepEqual([rst.fin, rst.rst, rst.ack, rst.syn], [false, true, false, false]);
  });

  it('skips options using the data offset', () => {
    const options = Buffer.from('020405b40402080a0000000100000000', 'hex');
    const bytes = tcp({ options, payload: Buffer.from('xyz') });
    const result = decodeTcpHeader(bytes, 0, bytes.length, 0);
    assert.ok(result.ok);
    assert.equal(result.payload.toString(), 'xyz');
    assert.equal(result.payload.byteOffset - bytes.byteOffset, 36);
  });

  it('passes the missing tail on, and counts the whole payload as missing when the cut is inside the options', () => {
    const bytes = tcp({ options: Buffer.alloc(12, 1), payload: Buffer.alloc(50) });
    const tailCut = decodeTcpHeader(bytes, 0, 40, bytes.length - 40);
    assert.ok(tailCut.ok);
    assert.equal(tailCut.payload.length, 8);
    assert.equal(tailCut.missingPayloadBytes, 42);
    const optionsCut = decodeTcpHeader(bytes, 0, 24, bytes.length - 24);
    assert.ok(optionsCut.ok);
    assert.equal(optionsCut.payload.length, 0);
    assert.equal(optionsCut.missingPayloadBytes, 50);
  });

  it('rejects truncated and inconsistent headers', () => {
    const bytes = tcp({ payload: Buffer.alloc(4) });
    assert.deepEqual(decodeTcpHeader(bytes, 0, 19, 0), { ok: false, reason: 'truncated-tcp-header' });
    assert.deepEqual(decodeTcpHeader(tcp({ dataOffsetWords: 4 }), 0, 20, 0), { ok: false, reason: 'bad-tcp-header' });
    assert.deepEqual(decodeTcpHeader(tcp({ dataOffsetWords: 15 }), 0, 20, 0), { ok: false, reason: 'bad-tcp-header' });
  });
});
