import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeTcpPacket } from '../../../src/capture/decode-packet.ts';
import { locateIpPacket } from '../../../src/capture/link-layer.ts';
import { decodeIp } from '../../../src/capture/ip.ts';
import { decodeTcpHeader } from '../../../src/capture/tcp-segment.ts';
import { UNDECODABLE_REASONS } from '../../../src/capture/undecodable-reason.ts';
import { bsdLoopback, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ethernet, ethernetIpv4Tcp, ipv4, ipv6, linuxSll2, tcp } from './support/frames.ts';
import { readFixture, tsharkFrames } from './support/fixtures.ts';
import { parseInChunks } from './support/parse.ts';

const FIXTURES = [
  'lo-en10mb.pcap',
  'any-sll.pcap',
  'any-sll2.pcap',
  'lo-nanos.pcap',
  'lo-dumpcap.pcapng',
  'lo-snaplen96.pcap',
  'rawip.pcapng',
];
const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 127];

describe('decodeTcpPacket', () => {
  for (const fixture of FIXTURES) {
    it(`decodes every packet of ${fixture} as tshark does`, () => {
      const { packets } = parseInChunks(readFixture(fixture));
      const expected = tsharkFrames(fixture);
      assert.equal(packets.length, expected.length);
      packets.forEach((packet, index) => {
        const frame = expected[index]!;
        const result = decodeTcpPacket(packet.linkType, packet.data, packet.timestampMicros, packet.originalLength);
        assert.ok(result.ok, `frame ${frame.number}: ${result.ok ? '' : result.reason}`);
        const segment = result.segment;
        assert.deepEqual(
          [segment.sourceAddress, segment.sourcePort, segment.destinationAddress, segment.destinationPort],
          [frame.source, frame.sourcePort, frame.destination, frame.destinationPort],
          `frame ${frame.number} endpoints`,
        );
        assert.equal(segment.sequence, frame.sequence, `frame ${frame.number} seq`);
        assert.equal(segment.acknowledgment, frame.acknowledgment, `frame ${frame.number} ack`);
        assert.equal(segment.payload.length + segment.missingPayloadBytes, frame.tcpLength, `frame ${frame.number} length`);
        const flags =
          (segment.fin ? 1 : 0) | (segment.syn ? 2 : 0) | (segment.rst ? 4 : 0) | (segment.psh ? 8 : 0) | (segment.ack ? 16 : 0);
        assert.equal(flags, frame.flags, `frame ${frame.number} flags`);
        assert.equal(segment.timestampMicros, packet.timestampMicros);
      });
    });
  }

  it('reports the snap-length cut of the truncated fixture as missing payload', () => {
    const { packets } = parseInChunks(readFixture('lo-snaplen96.pcap'));
    const expected = tsharkFrames('lo-snaplen96.pcap');
    let missing = 0;
    packets.forEach((packet) => {
      const result = decodeTcpPacket(packet.linkType, packet.data, packet.timestampMicros, packet.originalLength);
      assert.ok(result.ok);
      assert.equal(result.segment.missingPayloadBytes, packet.originalLength - packet.capturedLength);
      missing += result.segment.missingPayloadBytes;
    });
    const carried = expected.reduce((sum, frame) => sum + frame.tcpLength, 0);
    assert.equal(carried, 8900 + 11060);
    assert.equal(missing, carried - 220);
  });

  it('names the reason a frame has no TCP segment', () => {
    const udp = ethernet(ipv4({ protocol: 17, payload: Buffer.alloc(8) }), ETHERTYPE_IPV4);
    assert.deepEqual(decodeTcpPacket(1, udp, 0), { ok: false, reason: 'not-tcp' });
    assert.deepEqual(decodeTcpPacket(1, ethernetIpv4Tcp().subarray(0, 40), 0), { ok: false, reason: 'truncated-tcp-header' });
    assert.deepEqual(decodeTcpPacket(999, Buffer.alloc(60), 0), { ok: false, reason: 'unsupported-link-type' });
  });

  it('decodes the same segment through every link type', () => {
    const ip4 = ipv4({
      source: '127.0.0.1',
      destination: '127.0.0.1',
      payload: tcp({ sourcePort: 1, destinationPort: 2, payload: Buffer.from('k') }),
    });
    const ip6 = ipv6({ source: '::1', destination: '::1', payload: tcp({ sourcePort: 1, destinationPort: 2, payload: Buffer.from('k') }) });
    const frames: Array<[number, Buffer]> = [
      [1, ethernet(ip4, ETHERTYPE_IPV4, [{ tpid: 0x8100, vlanId: 7 }])],
      [276, linuxSll2(ip6, ETHERTYPE_IPV6)],
      [0, bsdLoopback(ip6, 30, true)],
      [108, bsdLoopback(ip4, 2, false)],
      [12, ip4],
      [229, ip6],
    ];
    for (const [linkType, frame] of frames) {
      const result = decodeTcpPacket(linkType, frame, 5);
      assert.ok(result.ok, `link type ${linkType}`);
      assert.equal(result.segment.payload.toString(), 'k');
      assert.equal(result.segment.destinationPort, 2);
    }
  });

  it('never throws on random bytes, for any link type, and every failure has a known reason', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 100_000 }), (linkType, bytes, extra) => {
        const frame = Buffer.from(bytes);
        const result = decodeTcpPacket(linkType, frame, 0, frame.length + extra);
        if (!result.ok) assert.ok(UNDECODABLE_REASONS.includes(result.reason));
        else assert.ok(result.segment.payload.length <= frame.length && result.segment.missingPayloadBytes >= 0);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on mutated and truncated valid frames', () => {
    const valid: Array<[number, Buffer]> = [
      [1, ethernetIpv4Tcp({ options: Buffer.alloc(12), payload: Buffer.alloc(40) }, { options: Buffer.alloc(4) })],
      [
        276,
        linuxSll2(ipv6({ extensions: [{ type: 0, bytes: Buffer.alloc(8) }], payload: tcp({ payload: Buffer.alloc(30) }) }), ETHERTYPE_IPV6),
      ],
      [101, ipv6({ payload: tcp() })],
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }),
        fc.nat(),
        ([linkType, original], mutations, cut) => {
          const frame = Buffer.from(original);
          for (const [position, value] of mutations) frame[position % frame.length] = value;
          const truncated = frame.subarray(0, cut % (frame.length + 1));
          const result = decodeTcpPacket(linkType, truncated, 0, frame.length);
          if (!result.ok) assert.ok(UNDECODABLE_REASONS.includes(result.reason));
          const link = locateIpPacket(linkType, truncated);
          if (link.ok) {
            const ip = decodeIp(truncated, link.ipOffset, link.ipVersion);
            if (ip.ok) decodeTcpHeader(truncated, ip.payloadOffset, ip.payloadEnd, ip.missingPayloadBytes);
          }
        },
      ),
      { numRuns: 5000 },
    );
  });
});
