import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TcpSegment } from '../../../src/capture/tcp-segment.ts';
import type { Side } from '../../../src/tcp/connection.ts';
import { Reassembler, type ReassemblerOptions } from '../../../src/tcp/reassembly.ts';
import { segment } from './support/segments.ts';

interface Cut {
  start: number;
  end: number;
}

/** A stream, the segments it is cut into, and extra copies overlapping anywhere (retransmissions). */
const streamScenario = fc
  .record({
    stream: fc.uint8Array({ minLength: 0, maxLength: 3000 }),
    cutPoints: fc.array(fc.nat(), { maxLength: 60 }),
    retransmissions: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 400 })), { maxLength: 10 }),
    initialSequence: fc.oneof(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0xffffff00, max: 0xffffffff })),
  })
  .map(({ stream, cutPoints, retransmissions, initialSequence }) => {
    const points = [...new Set(cutPoints.map((point) => point % (stream.length + 1)))].sort((a, b) => a - b);
    const bounds = [0, ...points.filter((point) => point > 0 && point < stream.length), stream.length];
    const cuts: Cut[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) if (bounds[i]! < bounds[i + 1]!) cuts.push({ start: bounds[i]!, end: bounds[i + 1]! });
    const copies =
      stream.length === 0
        ? []
        : retransmissions.map(([at, length]) => {
            const start = at % stream.length;
            return { start, end: Math.min(stream.length, start + length) };
          });
    return { stream: Buffer.from(stream), cuts, copies, initialSequence };
  });

type Scenario = { stream: Buffer; cuts: Cut[]; copies: Cut[]; initialSequence: number };

function dataSegment(from: Side, scenario: Scenario, cut: Cut, time: number): TcpSegment {
  return segment({
    from,
    sequence: scenario.initialSequence + 1 + cut.start,
    payload: scenario.stream.subarray(cut.start, cut.end),
    time,
  });
}

/** What one side's handler saw: bytes by stream offset, gaps as [offset, length]. */
interface Observed {
  data: Buffer[];
  gaps: Array<[number, number]>;
  position: number;
  closed: number;
}

function observe(options: ReassemblerOptions): { reassembler: Reassembler; sides: Record<Side, Observed> } {
  const sides: Record<Side, Observed> = {
    client: { data: [], gaps: [], position: 0, closed: 0 },
    server: { data: [], gaps: [], position: 0, closed: 0 },
  };
  const reassembler = new Reassembler(
    () => ({
      data(from, chunk) {
        sides[from].data.push(Buffer.from(chunk));
        sides[from].position += chunk.length;
      },
      gap(from, count) {
        assert.ok(count > 0);
        sides[from].gaps.push([sides[from].position, count]);
        sides[from].data.push(Buffer.alloc(count, 0));
        sides[from].position += count;
      },
      closed() {
        sides.client.closed++;
      },
    }),
    options,
  );
  return { reassembler, sides };
}

/** Maximal runs of the stream that no delivered segment covers. */
function uncoveredRuns(length: number, delivered: Cut[]): Array<[number, number]> {
  const covered = new Uint8Array(length);
  for (const cut of delivered) covered.fill(1, cut.start, cut.end);
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < length; ) {
    if (covered[i]) {
      i++;
      continue;
    }
    let end = i;
    while (end < length && !covered[end]) end++;
    runs.push([i, end - i]);
    i = end;
  }
  return runs;
}

function withGapsZeroed(stream: Buffer, runs: Array<[number, number]>): Buffer {
  const expected = Buffer.from(stream);
  for (const [start, length] of runs) expected.fill(0, start, start + length);
  return expected;
}

const LARGE_BOUNDS: ReassemblerOptions = {
  maxBufferedBytesPerDirection: 1 << 20,
  maxBufferedSegmentsPerDirection: 100_000,
  holeTimeoutMicros: 1e12,
};

describe('TCP reassembly properties', () => {
  it('reorders and deduplicates back to the exact input, in both directions (no drops)', () => {
    fc.assert(
      fc.property(streamScenario, streamScenario, fc.infiniteStream(fc.nat()), (clientSide, serverSide, randomness) => {
        const { reassembler, sides } = observe(LARGE_BOUNDS);
        const segments: TcpSegment[] = [];
        for (const [from, scenario] of [
          ['client', clientSide],
          ['server', serverSide],
        ] as const) {
          for (const cut of [...scenario.cuts, ...scenario.cuts.filter(() => randomness.next().value % 4 === 0), ...scenario.copies]) {
            segments.push(dataSegment(from, scenario, cut, 0));
          }
          segments.push(segment({ from, sequence: scenario.initialSequence + 1 + scenario.stream.length, fin: true }));
        }
        shuffle(segments, randomness);
        reassembler.push(segment({ sequence: clientSide.initialSequence, syn: true }));
        reassembler.push(segment({ from: 'server', sequence: serverSide.initialSequence, syn: true, ack: true }));
        for (const piece of segments) reassembler.push(piece);
        assert.deepEqual(Buffer.concat(sides.client.data), clientSide.stream);
        assert.deepEqual(Buffer.concat(sides.server.data), serverSide.stream);
        assert.equal(reassembler.counters.gaps, 0);
        assert.equal(sides.client.closed, 1, 'closed once both FINs are in');
        assert.equal(reassembler.counters.bufferedBytes, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('with drops, delivers the input minus exactly the dropped ranges, each reported as one gap of the right size', () => {
    fc.assert(
      fc.property(streamScenario, fc.infiniteStream(fc.nat()), (scenario, randomness) => {
        const { reassembler, sides } = observe(LARGE_BOUNDS);
        const delivered = [...scenario.cuts, ...scenario.copies].filter(() => randomness.next().value % 3 !== 0);
        const segments = delivered.map((cut) => dataSegment('client', scenario, cut, 0));
        segments.push(segment({ sequence: scenario.initialSequence + 1 + scenario.stream.length, fin: true }));
        shuffle(segments, randomness);
        reassembler.push(segment({ sequence: scenario.initialSequence, syn: true }));
        for (const piece of segments) reassembler.push(piece);
        reassembler.finish();
        const runs = uncoveredRuns(scenario.stream.length, delivered);
        assert.deepEqual(sides.client.gaps, runs);
        assert.deepEqual(Buffer.concat(sides.client.data), withGapsZeroed(scenario.stream, runs));
        assert.equal(
          reassembler.counters.gapBytes,
          runs.reduce((sum, [, length]) => sum + length, 0),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never holds more than the per-direction bounds, and what it delivers is always consistent with the input', () => {
    fc.assert(
      fc.property(
        streamScenario,
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 20 }),
        fc.infiniteStream(fc.nat()),
        (scenario, maxBytes, maxSegments, randomness) => {
          const { reassembler, sides } = observe({
            maxBufferedBytesPerDirection: maxBytes,
            maxBufferedSegmentsPerDirection: maxSegments,
            holeTimeoutMicros: 50,
          });
          const segments = [...scenario.cuts, ...scenario.copies]
            .filter(() => randomness.next().value % 5 !== 0)
            .map((cut) => dataSegment('client', scenario, cut, 0));
          shuffle(segments, randomness);
          reassembler.push(segment({ sequence: scenario.initialSequence, syn: true }));
          let time = 0;
          for (const piece of segments) {
            time += randomness.next().value % 20;
            reassembler.push({ ...piece, timestampMicros: time });
            assert.ok(reassembler.counters.bufferedBytes <= maxBytes, 'held bytes within bound');
          }
          assert.ok(reassembler.counters.peakBufferedBytesPerDirection <= maxBytes);
          reassembler.finish();
          const output = Buffer.concat(sides.client.data);
          assert.ok(output.length <= scenario.stream.length);
          const gapBytes = new Uint8Array(output.length);
          for (const [start, length] of sides.client.gaps) gapBytes.fill(1, start, start + length);
          for (let i = 0; i < output.length; i++) {
            if (!gapBytes[i]) assert.equal(output[i], scenario.stream[i], `byte ${i}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const randomSegment = fc.record({
  from: fc.constantFrom('client' as const, 'server' as const),
  clientPort: fc.constantFrom(40000, 40001, 40002),
  sequence: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.nat({ max: 0xffffffff })),
  acknowledgment: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.nat({ max: 0xffffffff })),
  syn: fc.boolean(),
  fin: fc.boolean(),
  rst: fc.integer({ min: 0, max: 20 }).map((value) => value === 0),
  ack: fc.boolean(),
  payload: fc.uint8Array({ maxLength: 300 }),
  missing: fc.oneof(fc.constant(0), fc.nat({ max: 2000 })),
  timeStep: fc.nat({ max: 300 }),
});

describe('TCP reassembly robustness', () => {
  it('never throws on arbitrary segment sequences and keeps its bounds and gauges consistent', () => {
    fc.assert(
      fc.property(fc.array(randomSegment, { maxLength: 150 }), (segments) => {
        const maxBytes = 500;
        const { reassembler } = observe({
          maxFlows: 2,
          maxBufferedBytesPerDirection: maxBytes,
          maxBufferedSegmentsPerDirection: 8,
          holeTimeoutMicros: 1000,
          ackedHoleGraceMicros: 100,
          idleTimeoutMicros: 5000,
          closedLingerMicros: 2000,
          sweepIntervalMicros: 100,
        });
        let time = 0;
        for (const fields of segments) {
          time += fields.timeStep;
          reassembler.push(
            segment({ ...fields, client: { address: '10.0.0.1', port: fields.clientPort }, payload: Buffer.from(fields.payload), time }),
          );
          const counters = reassembler.counters;
          assert.ok(counters.bufferedBytes <= maxBytes * 2 * 2, 'two flows, two directions each');
          assert.equal(counters.flowsOpen, counters.connectionsOpened - counters.connectionsClosed);
          assert.ok(counters.flowsOpen <= 2 && counters.flowsTracked <= 4);
        }
        assert.ok(reassembler.counters.peakBufferedBytesPerDirection <= maxBytes);
        reassembler.finish();
        assert.deepEqual([reassembler.counters.flowsOpen, reassembler.counters.bufferedBytes], [0, 0]);
      }),
      { numRuns: 500 },
    );
  });
});

function shuffle<T>(items: T[], randomness: Iterator<number>): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomness.next().value % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
