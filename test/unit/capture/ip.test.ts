import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatIpv6 } from '../../../src/capture/ip-address.ts';
import { decodeIp } from '../../../src/capture/ip.ts';
import { authenticationExtension, fragmentExtension, ipv4, ipv6, optionsExtension, tcp } from './support/frames.ts';

const segment = tcp({ payload: Buffer.alloc(100, 0x61) });

describe('IPv4 decoding', () => {
  it('reads addresses, protocol and payload bounds', () => {
    const packet = ipv4({ source: '192.168.1.20', destination: '10.1.2.3', payload: segment });
    assert.deepEqual(decodeIp(packet, 0, 4), {
      ok: true,
      version: 4,
      sourceAddress: '192.168.1.20',
      destinationAddress: '10.1.2.3',
      protocol: 6,
      payloadOffset: 20,
      payloadEnd: packet.length,
      missingPayloadBytes: 0,
      firstFragment: false,
    });
  });

  it('skips IP options using the header length', () => {
    const packet = ipv4({ options: Buffer.from([0x94, 0x04, 0, 0, 1, 1, 1, 0]), payload: segment });
    const result = decodeIp(packet, 0, 4);
    assert.ok(result.ok);
    assert.equal(result.payloadOffset, 28);
    assert.equal(result.payloadEnd - result.payloadOffset, segment.length);
  });

  it('trims link-layer padding after the total length', () => {
    const packet = Buffer.concat([ipv4({ payload: tcp() }), Buffer.alloc(6)]);
    const result = decodeIp(packet, 0, 4);
    assert.ok(result.ok);
    assert.equal(result.payloadEnd, 40);
  });

  it('reports the bytes a snap length cut off', () => {
    const packet = ipv4({ payload: segment }).subarray(0, 60);
    const result = decodeIp(packet, 0, 4);
    assert.ok(result.ok);
    assert.equal(result.payloadEnd, 60);
    assert.equal(result.missingPayloadBytes, 20 + segment.length - 60);
  });

  it('takes the frame length as the truth for TSO/GRO packets with total length 0', () => {
    const big = tcp({ payload: Buffer.alloc(70_000) });
    const packet = ipv4({ totalLength: 0, payload: big });
    const whole = decodeIp(packet, 0, 4);
    assert.ok(whole.ok);
    assert.equal(whole.payloadEnd, packet.length);
    assert.equal(whole.missingPayloadBytes, 0);
    const cut = decodeIp(packet.subarray(0, 1000), 0, 4, packet.length - 1000);
    assert.ok(cut.ok);
    assert.equal(cut.missingPayloadBytes, packet.length - 1000);
  });

  it('decodes first fragments (flagged) and skips later ones', () => {
    const first = decodeIp(ipv4({ moreFragments: true, payload: segment }), 0, 4);
    assert.ok(first.ok);
    assert.equal(first.firstFragment, true);
    assert.deepEqual(decodeIp(ipv4({ fragmentOffset: 185, payload: segment }), 0, 4), { ok: false, reason: 'ip-fragment' });
    assert.deepEqual(decodeIp(ipv4({ fragmentOffset: 1, moreFragments: true, payload: segment }), 0, 4), {
      ok: false,
      reason: 'ip-fragment',
    });
  });

  it('rejects bad and truncated headers', () => {
    const packet = ipv4({ payload: segment });
    assert.deepEqual(decodeIp(packet.subarray(0, 19), 0, 4), { ok: false, reason: 'truncated-ip-header' });
    const withOptions = ipv4({ options: Buffer.alloc(8), payload: segment });
    assert.deepEqual(decodeIp(withOptions.subarray(0, 24), 0, 4), { ok: false, reason: 'truncated-ip-header' });
    const badVersion = Buffer.from(packet);
    badVersion[0] = 0x65;
    assert.deepEqual(decodeIp(badVersion, 0, 4), { ok: false, reason: 'bad-ip-header' });
    const shortHeader = Buffer.from(packet);
    shortHeader[0] = 0x44;
    assert.deepEqual(decodeIp(shortHeader, 0, 4), { ok: false, reason: 'bad-ip-header' });
    assert.deepEqual(decodeIp(ipv4({ totalLength: 12, payload: segment }), 0, 4), { ok: false, reason: 'bad-ip-header' });
  });
});

describe('IPv6 decoding', () => {
  it('reads addresses and the payload after the fixed header', () => {
    const packet = ipv6({ source: 'fe80::1', destination: '2001:db8:0:1::53', payload: segment });
    assert.deepEqual(decodeIp(packet, 0, 6), {
      ok: true,
      version: 6,
      sourceAddress: 'fe80::1',
      destinationAddress: '2001:db8:0:1::53',
      protocol: 6,
      payloadOffset: 40,
      payloadEnd: packet.length,
      missingPayloadBytes: 0,
      firstFragment: false,
    });
  });

  it('walks hop-by-hop, routing, destination options, authentication and fragment headers', () => {
    const extensions = [
      optionsExtension(0),
      optionsExtension(43, 2),
      fragmentExtension(0, true),
      authenticationExtension(3),
      optionsExtension(60, 1),
    ];
    const packet = ipv6({ extensions, payload: segment });
    const result = decodeIp(packet, 0, 6);
    assert.ok(result.ok);
    assert.equal(result.protocol, 6);
    assert.equal(result.payloadOffset, 40 + 8 + 24 + 8 + 24 + 16);
    assert.equal(result.firstFragment, true);
    assert.equal(result.payloadEnd - result.payloadOffset, segment.length);
  });

  it('skips non-first fragments; an atomic fragment is a whole packet', () => {
    assert.deepEqual(decodeIp(ipv6({ extensions: [fragmentExtension(100, false)], payload: segment }), 0, 6), {
      ok: false,
      reason: 'ip-fragment',
    });
    const atomic = decodeIp(ipv6({ extensions: [fragmentExtension(0, false)], payload: segment }), 0, 6);
    assert.ok(atomic.ok);
    assert.equal(atomic.firstFragment, false);
  });

  it('reports the upper protocol after the extensions (UDP, no next header)', () => {
    const udp = decodeIp(ipv6({ protocol: 17, extensions: [optionsExtension(0)], payload: Buffer.alloc(8) }), 0, 6);
    assert.ok(udp.ok);
    assert.equal(udp.protocol, 17);
    const none = decodeIp(ipv6({ protocol: 59, payload: Buffer.alloc(0) }), 0, 6);
    assert.ok(none.ok);
    assert.equal(none.protocol, 59);
  });

  it('reports truncation inside the extension chain and in the payload', () => {
    const packet = ipv6({ extensions: [optionsExtension(0, 3)], payload: segment });
    assert.deepEqual(decodeIp(packet.subarray(0, 41), 0, 6), { ok: false, reason: 'truncated-ip-header' });
    assert.deepEqual(decodeIp(packet.subarray(0, 60), 0, 6), { ok: false, reason: 'truncated-ip-header' });
    assert.deepEqual(decodeIp(packet.subarray(0, 39), 0, 6), { ok: false, reason: 'truncated-ip-header' });
    const cut = decodeIp(packet.subarray(0, 100), 0, 6);
    assert.ok(cut.ok);
    assert.equal(cut.missingPayloadBytes, packet.length - 100);
  });

  it('takes the frame length as the truth when the payload length is 0 (jumbogram, GRO)', () => {
    const packet = ipv6({ payloadLength: 0, payload: tcp({ payload: Buffer.alloc(80_000) }) });
    const result = decodeIp(packet, 0, 6, 500);
    assert.ok(result.ok);
    assert.equal(result.payloadEnd, packet.length);
    assert.equal(result.missingPayloadBytes, 500);
  });

  it('rejects a wrong version nibble and endless extension chains', () => {
    const packet = ipv6({ payload: segment });
    packet[0] = 0x45;
    assert.deepEqual(decodeIp(packet, 0, 6), { ok: false, reason: 'bad-ip-header' });
    const endless = ipv6({ extensions: Array.from({ length: 20 }, () => optionsExtension(60)), payload: segment });
    assert.deepEqual(decodeIp(endless, 0, 6), { ok: false, reason: 'bad-ip-header' });
  });

  it('formats addresses as RFC 5952 text, matching the WHATWG URL serializer', () => {
    assert.equal(formatIpv6(Buffer.from('00000000000000000000ffff7f000001', 'hex'), 0), '::ffff:127.0.0.1');
    assert.equal(formatIpv6(Buffer.from('20010db8000000010000000000000001', 'hex'), 0), '2001:db8:0:1::1');
    assert.equal(formatIpv6(Buffer.alloc(16), 0), '::');
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.nat({ max: 0xffff })), { minLength: 8, maxLength: 8 }), (groups) => {
        fc.pre(!(groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff));
        const bytes = Buffer.alloc(16);
        groups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
        const full = groups.map((group) => group.toString(16)).join(':');
        assert.equal(`[${formatIpv6(bytes, 0)}]`, new URL(`http://[${full}]/`).hostname);
      }),
      { numRuns: 2000 },
    );
  });
});
