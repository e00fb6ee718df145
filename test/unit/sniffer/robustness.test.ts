// Property tests: whatever the bytes and however the segments arrive, the sniffer never throws, stays
// inside its memory bounds, reports only exchanges that really happened, and counts what it lost.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { readTcpSegments } from '../../../src/capture/packet-source.ts';
import type { TcpSegment } from '../../../src/capture/tcp-segment.ts';
import { readFrame } from '../../../src/protocol/index.ts';
import type { Exchange } from '../../../src/sniffer/events.ts';
import type { SnifferOptions } from '../../../src/sniffer/options.ts';
import { Sniffer } from '../../../src/sniffer/sniffer.ts';
import { SNIFFER_FIXTURES } from './support/fixtures.ts';
import { requestFrame } from './support/frames.ts';
import { sniff, TcpConversation } from './support/traffic.ts';

const LIMITS = { maxFrameBytes: 4096, maxHuntBytes: 2048, maxProbeBytes: 2048 } satisfies SnifferOptions;
/** The most one connection may hold: a probe (plus the chunk that tipped it over) or two directions' framing. */
const PER_CONNECTION_BOUND = LIMITS.maxProbeBytes + 65_536 + 2 * (LIMITS.maxFrameBytes + LIMITS.maxHuntBytes);

async function fixtureSegments(name: string): Promise<TcpSegment[]> {
  const segments: TcpSegment[] = [];
  for await (const segment of readTcpSegments(join(SNIFFER_FIXTURES, `${name}.pcap`))) segments.push(segment);
  return segments;
}

const requestKey = (e: Exchange) => `${e.connection.client.port} ${e.apiName} v${e.apiVersion} #${e.correlationId}`;

/** Pushes segments one by one, checking the memory bound after each; never lets an exception out. */
function sniffChecked(segments: readonly TcpSegment[], options: SnifferOptions = LIMITS): { exchanges: Exchange[]; sniffer: Sniffer } {
  const exchanges: Exchange[] = [];
  const sniffer = new Sniffer({ exchange: (e) => exchanges.push(e) }, options);
  for (const segment of segments) {
    sniffer.push(segment);
    const held = sniffer.bufferedBytes();
    assert.ok(held <= Math.max(1, sniffer.connections().length + 2) * PER_CONNECTION_BOUND, `holds ${held} bytes`);
  }
  sniffer.finish();
  assert.equal(sniffer.bufferedBytes(), 0);
  return { exchanges, sniffer };
}

describe('random bytes', () => {
  it('never throw out of the sniffer and stay inside its bounds', () => {
    const side = fc.constantFrom('client' as const, 'server' as const);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.tuple(side, fc.uint8Array({ maxLength: 3000 })), { maxLength: 25 }),
        (handshake, configured, writes) => {
          const conversation = new TcpConversation({ handshake });
          for (const [from, bytes] of writes) conversation.send(from, Buffer.from(bytes));
          sniffChecked(conversation.close().segments, { ...LIMITS, ...(configured ? { brokerPorts: [9092] } : {}) });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('after lost bytes do not keep the frames that follow from being found', () => {
    const frames = (from: number) =>
      Buffer.concat(Array.from({ length: 6 }, (_, i) => requestFrame(3, 9, from + i, 'app', { topics: null })));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 500 }), fc.integer({ min: 1, max: 100 }), (garbage, lost) => {
        const conversation = new TcpConversation({ handshake: false })
          .send('client', frames(1))
          .lose('client', lost)
          .send('client', Buffer.from(garbage))
          .send('client', frames(100))
          .close();
        const { exchanges } = sniffChecked(conversation.segments, { ...LIMITS, brokerPorts: [9092] });
        const ids = exchanges.map((e) => e.correlationId);
        // Whatever the garbage swallowed, the last frames (after a chain of several) are all there, in order.
        assert.deepEqual(ids.slice(-4), [102, 103, 104, 105]);
        for (const id of ids) assert.ok((id >= 1 && id <= 6) || (id >= 100 && id <= 105), `invented correlation id ${id}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('real traffic', () => {
  let kcat: TcpSegment[];
  let console: TcpSegment[];
  before(async () => {
    kcat = await fixtureSegments('kcat-kraft');
    console = await fixtureSegments('java-console-kraft');
  });

  it('cut at every byte reports exactly the complete requests before the cut', () => {
    const { exchanges } = sniffChecked(kcat);
    const longest = exchanges.reduce((best, e) => (e.connection.stats.bytesFromClient > best.connection.stats.bytesFromClient ? e : best));
    const port = longest.connection.client.port;
    const stream = Buffer.concat(kcat.filter((s) => s.sourcePort === port).map((s) => s.payload));
    const complete: { end: number; id: number }[] = [];
    for (let at = 0; ; ) {
      const frame = readFrame(stream, at);
      if (frame.status !== 'complete') break;
      complete.push({ end: frame.next, id: frame.message.readInt32BE(4) });
      at = frame.next;
    }
    assert.ok(complete.length > 3);
    for (let cut = 0; cut <= stream.length; cut++) {
      const conversation = new TcpConversation().send('client', stream.subarray(0, cut)).close();
      const { exchanges: seen, sniffer } = sniff(conversation.segments);
      const expected = complete.filter((frame) => frame.end <= cut).map((frame) => frame.id);
      assert.deepEqual(seen.map((e) => e.correlationId).slice(0, expected.length), expected, `cut at ${cut}`);
      const whole = seen.filter((e) => e.problem === undefined);
      assert.equal(whole.length, expected.length, `cut at ${cut}: ${seen.length - whole.length} partial`);
      assert.ok(seen.length <= expected.length + 1);
      if (seen.length > expected.length) assert.ok(sniffer.counters.framing.truncatedBytes > 0);
    }
  });

  it('cut by a snap length reports only real exchanges, more of them the more it keeps, and counts the loss', () => {
    const original = sniffChecked(kcat).exchanges;
    const requests = new Set(original.map(requestKey));
    const whole: number[] = [];
    for (const snapLength of [40, 100, 300, 1000, 3000]) {
      // What `tcpdump -s` does to each packet: the payload beyond the snap length is not captured.
      const cut = kcat.map((segment) => ({
        ...segment,
        payload: segment.payload.subarray(0, snapLength),
        missingPayloadBytes: Math.max(0, segment.payload.length - snapLength),
      }));
      const { exchanges, sniffer } = sniffChecked(cut);
      for (const exchange of exchanges) assert.ok(requests.has(requestKey(exchange)), `invented ${requestKey(exchange)}`);
      assert.ok(sniffer.reassemblyCounters.gapBytes > 0);
      whole.push(exchanges.filter((e) => e.problem === undefined && e.outcome === 'answered').length);
    }
    assert.deepEqual(
      whole,
      [...whole].sort((a, b) => a - b),
      `whole exchanges by snap length: ${whole.join(', ')}`,
    );
    assert.ok(whole.at(-1)! > 0 && whole.at(-1)! < original.length);
  });

  it('with segments reordered and duplicated gives the same exchanges', () => {
    const original = sniffChecked(kcat).exchanges.map(requestKey).sort();
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: kcat.length - 2 }), { maxLength: 40 }),
        fc.array(fc.nat({ max: kcat.length - 1 }), { maxLength: 40 }),
        (swaps, duplicates) => {
          const segments = [...kcat];
          // Reordered within one direction: a response cannot overtake the request it answers.
          for (const at of swaps) {
            if (segments[at]!.sourcePort === segments[at + 1]!.sourcePort)
              [segments[at], segments[at + 1]] = [segments[at + 1]!, segments[at]!];
          }
          for (const at of duplicates) segments.splice(at, 0, segments[at]!);
          assert.deepEqual(sniffChecked(segments).exchanges.map(requestKey).sort(), original);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('with segments dropped reports only exchanges that happened, and counts the loss', () => {
    const outcomeKey = (e: Exchange) => `${requestKey(e)} ${e.outcome} ${e.problem ?? ''}`;
    for (const segments of [kcat, console]) {
      const originalExchanges = sniffChecked(segments).exchanges;
      const requests = new Set(originalExchanges.map(requestKey));
      const answered = new Set(originalExchanges.filter((e) => e.outcome === 'answered').map(requestKey));
      const original = originalExchanges.map(outcomeKey).sort();
      fc.assert(
        fc.property(fc.uniqueArray(fc.nat({ max: segments.length - 1 }), { minLength: 1, maxLength: 12 }), (dropped) => {
          const kept = segments.filter((_, index) => !dropped.includes(index));
          const { exchanges, sniffer } = sniffChecked(kept);
          for (const exchange of exchanges) {
            assert.ok(requests.has(requestKey(exchange)), `invented ${requestKey(exchange)}`);
            if (exchange.outcome === 'answered') assert.ok(answered.has(requestKey(exchange)), `wrongly paired ${requestKey(exchange)}`);
          }
          if (JSON.stringify(exchanges.map(outcomeKey).sort()) === JSON.stringify(original)) return;
          // Without its SYN a stream starts at the first segment seen: what was lost before it leaves no trace.
          if (dropped.some((index) => segments[index]!.syn)) return;
          const counters = sniffer.counters;
          const lossCounted =
            sniffer.reassemblyCounters.gapBytes +
            counters.framing.truncatedBytes +
            counters.framing.damagedFrames +
            counters.framing.framingLost +
            // A stream picked up after its first bytes were lost shows no gap: its bytes before the first frame are hunted past.
            counters.framing.huntedBytes +
            counters.unanswered +
            counters.responsesWithoutRequest +
            counters.otherConnections;
          assert.ok(
            dropped.some((index) => segments[index]!.payload.length > 0),
            'exchanges differ though no data was dropped',
          );
          assert.ok(lossCounted > 0, 'exchanges lost without counting the loss');
        }),
        { numRuns: 150 },
      );
    }
  });
});
