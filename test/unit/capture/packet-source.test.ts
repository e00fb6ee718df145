import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { linkTypeFromCapName } from '../../../src/capture/link-types.ts';
import { readTcpSegments, replayCaptureSegments, TcpSegmentDecoder } from '../../../src/capture/packet-source.ts';
import type { TcpSegment } from '../../../src/capture/tcp-segment.ts';
import type { CloseReason, ConnectionInfo, Side } from '../../../src/tcp/connection.ts';
import { Reassembler } from '../../../src/tcp/reassembly.ts';
import { pcapFile } from './support/capture-files.ts';
import { ETHERTYPE_ARP, ethernet, ethernetIpv4Tcp } from './support/frames.ts';
import { fixturePath, IPV4_TRAFFIC, IPV6_TRAFFIC, readFixture, trafficPattern, tsharkFrames } from './support/fixtures.ts';
import { parseInChunks } from './support/parse.ts';

interface Reassembled {
  info: ConnectionInfo;
  bytes: Record<Side, Buffer[]>;
  gaps: Record<Side, number[]>;
  closed: CloseReason | undefined;
}

function reassemblerRecording(): { reassembler: Reassembler; connections: Reassembled[] } {
  const connections: Reassembled[] = [];
  const reassembler = new Reassembler((info) => {
    const connection: Reassembled = { info, bytes: { client: [], server: [] }, gaps: { client: [], server: [] }, closed: undefined };
    connections.push(connection);
    return {
      data: (from, chunk) => connection.bytes[from].push(chunk),
      gap: (from, count) => connection.gaps[from].push(count),
      closed: (reason) => (connection.closed = reason),
    };
  });
  return { reassembler, connections };
}

describe('capture pipeline: file -> TCP segments -> reassembly', () => {
  const cases: Array<[string, Array<typeof IPV4_TRAFFIC>]> = [
    ['lo-en10mb.pcap', [IPV4_TRAFFIC, IPV6_TRAFFIC]],
    ['any-sll2.pcap', [IPV4_TRAFFIC]],
    ['any-sll.pcap', [IPV6_TRAFFIC]],
    ['lo-nanos.pcap', [IPV4_TRAFFIC]],
    ['lo-dumpcap.pcapng', [IPV4_TRAFFIC]],
    ['rawip.pcapng', [IPV4_TRAFFIC, IPV6_TRAFFIC]],
  ];
  for (const [fixture, traffic] of cases) {
    it(`reassembles exactly the bytes make-traffic.ts sent, both ways, from ${fixture}`, async () => {
      const { reassembler, connections } = reassemblerRecording();
      const result = await replayCaptureSegments(fixturePath(fixture), reassembler);
      reassembler.finish();
      assert.equal(result.capture.packets, tsharkFrames(fixture).length);
      assert.equal(result.decode.tcpSegments, result.capture.packets);
      assert.equal(connections.length, traffic.length);
      connections.forEach((connection, index) => {
        const expected = traffic[index]!;
        assert.deepEqual(Buffer.concat(connection.bytes.client), trafficPattern(expected.clientBytes, expected.clientSeed));
        assert.deepEqual(Buffer.concat(connection.bytes.server), trafficPattern(expected.serverBytes, expected.serverSeed));
        assert.deepEqual(connection.gaps, { client: [], server: [] });
        assert.equal(connection.closed, 'fin');
        assert.equal(connection.info.roleEvidence, 'syn');
        assert.ok(connection.info.server.port >= 19092 && connection.info.server.port <= 19098);
      });
      assert.equal(reassembler.counters.duplicateBytes, 0);
    });
  }

  it('turns the snap-length cut of lo-snaplen96.pcap into gaps of exactly the missing bytes', async () => {
    const { reassembler, connections } = reassemblerRecording();
    const result = await replayCaptureSegments(fixturePath('lo-snaplen96.pcap'), reassembler);
    assert.equal(result.decode.truncatedSegments, 7);
    const [connection] = connections;
    const clientData = Buffer.concat(connection!.bytes.client);
    const clientGaps = connection!.gaps.client.reduce((sum, count) => sum + count, 0);
    assert.equal(clientData.length + clientGaps, IPV4_TRAFFIC.clientBytes);
    const serverGaps = connection!.gaps.server.reduce((sum, count) => sum + count, 0);
    assert.equal(Buffer.concat(connection!.bytes.server).length + serverGaps, IPV4_TRAFFIC.serverBytes);
    // The first 30 bytes of each client write survive the 96-byte snap length (66 bytes of headers).
    const expected = trafficPattern(IPV4_TRAFFIC.clientBytes, IPV4_TRAFFIC.clientSeed);
    assert.deepEqual(clientData.subarray(0, 30), expected.subarray(0, 30));
    assert.deepEqual(connection!.gaps.client, [70, 1470, 6970, 270]);
    assert.equal(connection!.closed, 'fin');
  });

  it('starts mid-stream without a gap when the capture misses the handshake and first request', () => {
    const { packets } = parseInChunks(readFixture('lo-en10mb.pcap'));
    const { reassembler, connections } = reassemblerRecording();
    const decoder = new TcpSegmentDecoder(reassembler);
    // Frames 1-4 are the handshake and the 100-byte first request.
    for (const packet of packets.slice(4)) decoder.pushFrame(packet);
    reassembler.finish();
    const ipv4 = connections[0]!;
    assert.deepEqual([ipv4.info.roleEvidence, ipv4.info.startKnown('client')], ['port-heuristic', false]);
    assert.equal(ipv4.info.server.port, 19092);
    assert.deepEqual(Buffer.concat(ipv4.bytes.client), trafficPattern(IPV4_TRAFFIC.clientBytes, IPV4_TRAFFIC.clientSeed).subarray(100));
    assert.deepEqual(ipv4.gaps, { client: [], server: [] });
  });

  it('iterates TCP segments of a stream source', async () => {
    const segments: TcpSegment[] = [];
    const iterator = readTcpSegments(Readable.from([readFixture('any-sll.pcap')]));
    for (;;) {
      const step = await iterator.next();
      if (step.done) {
        assert.equal(step.value.capture.packets, 13);
        assert.equal(step.value.decode.tcpSegments, 13);
        break;
      }
      segments.push(step.value);
    }
    assert.equal(segments.length, 13);
    assert.ok(segments.every((segment) => segment.ipVersion === 6 && segment.sourceAddress === '::1'));
    assert.equal(
      segments.reduce((sum, segment) => sum + segment.payload.length, 0),
      IPV6_TRAFFIC.clientBytes + IPV6_TRAFFIC.serverBytes,
    );
  });

  it('counts frames it cannot decode, by reason', async () => {
    const file = pcapFile({
      records: [
        { seconds: 1, fraction: 0, data: ethernet(Buffer.alloc(28), ETHERTYPE_ARP) },
        { seconds: 1, fraction: 1, data: ethernetIpv4Tcp({ payload: Buffer.from('x') }, { fragmentOffset: 10 }) },
        { seconds: 1, fraction: 2, data: ethernetIpv4Tcp({ payload: Buffer.from('x') }, { moreFragments: true }) },
        { seconds: 1, fraction: 3, data: Buffer.alloc(5) },
      ],
    });
    const pushed: TcpSegment[] = [];
    const result = await replayCaptureSegments(Readable.from([file]), { push: (segment) => pushed.push(segment) });
    assert.equal(result.decode.frames, 4);
    assert.equal(result.decode.tcpSegments, 1);
    assert.equal(result.decode.firstFragments, 1);
    assert.deepEqual(
      Object.entries(result.decode.undecodable).filter(([, count]) => count > 0),
      [
        ['truncated-link-header', 1],
        ['not-ip', 1],
        ['ip-fragment', 1],
      ],
    );
    assert.equal(pushed.length, 1);
  });

  it('copies frames for live sources that reuse one buffer (as the cap package does)', () => {
    const received: TcpSegment[] = [];
    const decoder = new TcpSegmentDecoder({ push: (segment) => received.push(segment) }, { copyFrames: true });
    const shared = Buffer.alloc(200);
    for (const text of ['first', 'other']) {
      const frame = ethernetIpv4Tcp({ payload: Buffer.from(text) });
      frame.copy(shared);
      decoder.pushFrame({ linkType: linkTypeFromCapName('ETHERNET')!, timestampMicros: 1, data: shared.subarray(0, frame.length) });
    }
    assert.deepEqual(
      received.map((segment) => segment.payload.toString()),
      ['first', 'other'],
    );
  });

  it('maps the link-type names of the cap package to numbers', () => {
    assert.deepEqual(
      ['ETHERNET', 'NULL', 'LINKTYPE_LINUX_SLL', 'RAW', 'Unknown linktype 276', 'IEEE802_11_RADIO'].map(linkTypeFromCapName),
      [1, 0, 113, 12, 276, undefined],
    );
  });
});
