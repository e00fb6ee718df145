import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkRequestFrameStart } from '../../../src/protocol/index.ts';
import { createFramingCounters, FrameAssembler, type FrameAssemblerLimits } from '../../../src/sniffer/frame-assembler.ts';
import type { FramingJudge } from '../../../src/sniffer/frame-start.ts';
import { requestFrame } from './support/frames.ts';

interface Delivered {
  kind: 'frame' | 'oversize' | 'gap';
  bytes: Buffer;
  size: number;
}

/** Requests: known API key and version, and (in step) a non-negative correlation id. */
const requestJudge: FramingJudge = {
  check: (buf, offset) => checkRequestFrameStart(buf, offset),
  convincingAlone: () => false,
  inStep: (head, size) => size >= 8 && head.readInt32BE(4) >= 0,
};

function assembler(options: { inStep?: boolean; limits?: Partial<FrameAssemblerLimits>; judge?: FramingJudge } = {}) {
  const delivered: Delivered[] = [];
  const counters = createFramingCounters();
  const limits = { maxFrameBytes: 1024, maxHuntBytes: 4096, prefixBytes: 16, ...options.limits };
  const frames = new FrameAssembler(
    options.judge ?? requestJudge,
    {
      // Copied: the message is only valid during the call.
      frame: (message) => delivered.push({ kind: 'frame', bytes: Buffer.from(message), size: message.length }),
      partialFrame: (prefix, size, reason) => {
        delivered.push({ kind: reason, bytes: Buffer.from(prefix), size });
      },
    },
    counters,
    limits,
    options.inStep ?? true,
  );
  return { frames, delivered, counters };
}

/** Request frames of different sizes (ApiVersions v3 carries two strings). */
function frames(count: number, clientId = 'client-a'): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    requestFrame(18, 3, 100 + i, clientId, { clientSoftwareName: `software-${'x'.repeat(i * 7)}`, clientSoftwareVersion: String(i) }),
  );
}

const messageOf = (frame: Buffer): Buffer => frame.subarray(4);

describe('frame assembler, in step', () => {
  it('delivers every frame whole however the stream is cut into chunks', () => {
    const stream = frames(6);
    const bytes = Buffer.concat(stream);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), (cuts) => {
        const { frames: assemble, delivered, counters } = assembler();
        let start = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          assemble.data(bytes.subarray(start, cut), 0);
          start = cut;
        }
        assemble.data(bytes.subarray(start), 0);
        assert.deepEqual(
          delivered.map((d) => d.bytes),
          stream.map(messageOf),
        );
        assert.equal(counters.frames, stream.length);
        assert.equal(assemble.bufferedBytes, 0);
      }),
    );
  });

  it('skips a frame above the limit by its length, keeping only its first bytes', () => {
    const big = requestFrame(18, 3, 7, 'client-a', { clientSoftwareName: 'y'.repeat(3000), clientSoftwareVersion: '1' });
    const [after] = frames(1);
    const { frames: assemble, delivered, counters } = assembler();
    const bytes = Buffer.concat([big, after!]);
    let peak = 0;
    for (let at = 0; at < bytes.length; at += 100) {
      assemble.data(bytes.subarray(at, at + 100), 0);
      peak = Math.max(peak, assemble.bufferedBytes);
    }
    assert.deepEqual(delivered, [
      { kind: 'oversize', bytes: messageOf(big).subarray(0, 16), size: big.length - 4 },
      { kind: 'frame', bytes: messageOf(after!), size: after!.length - 4 },
    ]);
    assert.equal(counters.oversizeFrames, 1);
    assert.ok(peak <= 16, `held ${peak} bytes of a skipped frame`);
  });

  it('keeps the framing when the bytes lost lie inside one frame', () => {
    const [first, second] = frames(2);
    const { frames: assemble, delivered, counters } = assembler();
    assemble.data(first!.subarray(0, 10), 0);
    assemble.gap(5, 0);
    assemble.data(first!.subarray(15), 0);
    assemble.data(second!, 0);
    assert.deepEqual(delivered, [
      { kind: 'gap', bytes: messageOf(first!).subarray(0, 6), size: first!.length - 4 },
      { kind: 'frame', bytes: messageOf(second!), size: second!.length - 4 },
    ]);
    assert.equal(counters.damagedFrames, 1);
    assert.equal(counters.framingLost, 0);
  });

  it('keeps the framing when the bytes lost end exactly at a frame boundary', () => {
    const [first, second] = frames(2);
    const { frames: assemble, delivered, counters } = assembler();
    assemble.data(first!.subarray(0, 10), 0);
    assemble.gap(first!.length - 10, 0);
    assemble.data(second!, 0);
    assert.deepEqual(
      delivered.map((d) => d.kind),
      ['gap', 'frame'],
    );
    assert.equal(counters.framingLost, 0);
  });

  it('hunts for a chained frame start when bytes across a frame boundary are lost', () => {
    const stream = frames(5);
    const { frames: assemble, delivered, counters } = assembler();
    assemble.data(stream[0]!.subarray(0, 10), 0);
    assemble.gap(stream[0]!.length - 10 + 12, 0);
    assemble.data(Buffer.concat([stream[1]!.subarray(12), ...stream.slice(2)]), 0);
    assert.deepEqual(
      delivered.filter((d) => d.kind === 'frame').map((d) => d.bytes),
      stream.slice(2).map(messageOf),
    );
    assert.equal(counters.framingLost, 1);
    assert.equal(counters.resyncs, 1);
    assert.equal(counters.huntedBytes, stream[1]!.length - 12);
  });

  it('loses the framing on an impossible size and finds the frames after the garbage', () => {
    const stream = frames(3);
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]);
    const { frames: assemble, delivered, counters } = assembler();
    assemble.data(Buffer.concat([garbage, ...stream]), 0);
    assert.deepEqual(
      delivered.map((d) => d.bytes),
      stream.map(messageOf),
    );
    assert.equal(counters.implausibleFrames, 1);
    assert.equal(counters.huntedBytes, garbage.length - 1);
  });

  it('loses the framing on a frame start no client would send, and finds the frames after it', () => {
    const stream = frames(3);
    const negativeCorrelation = requestFrame(18, 3, -5, 'client-a', { clientSoftwareName: 'a', clientSoftwareVersion: '1' });
    const { frames: assemble, delivered, counters } = assembler();
    assemble.data(Buffer.concat([negativeCorrelation, ...stream]), 0);
    assert.deepEqual(
      delivered.map((d) => d.bytes),
      stream.map(messageOf),
    );
    assert.equal(counters.implausibleFrames, 1);
    assert.equal(counters.huntedBytes, negativeCorrelation.length - 1);
  });
});

describe('frame assembler, hunting', () => {
  it('picks a stream up in the middle at the first frame whose successor chains', () => {
    const stream = frames(4);
    const { frames: assemble, delivered } = assembler({ inStep: false });
    assemble.data(Buffer.concat([stream[0]!.subarray(9), ...stream.slice(1)]), 0);
    assert.deepEqual(
      delivered.map((d) => d.bytes),
      stream.slice(1).map(messageOf),
    );
  });

  it('takes a lone frame that ends exactly where the bytes received end (a segment boundary)', () => {
    const [first, second] = frames(2);
    const { frames: assemble, delivered } = assembler({ inStep: false });
    assemble.data(Buffer.concat([first!.subarray(9), second!]), 0);
    assert.deepEqual(
      delivered.map((d) => d.bytes),
      [messageOf(second!)],
    );
  });

  it('takes a lone frame followed by the start of another only when the stream ends there', () => {
    const [first, second, third] = frames(3);
    const { frames: assemble, delivered, counters } = assembler({ inStep: false });
    assemble.data(Buffer.concat([first!.subarray(9), second!, third!.subarray(0, 9)]), 0);
    assert.equal(delivered.length, 0);
    assemble.end(0);
    assert.deepEqual(
      delivered.map((d) => [d.kind, d.bytes]),
      [
        ['frame', messageOf(second!)],
        ['gap', messageOf(third!).subarray(0, 5)],
      ],
    );
    assert.equal(counters.truncatedBytes, 5);
  });

  it('does not resync on a frame start inside the bytes of another frame', () => {
    // A complete request frame hidden inside a client software name, then a real frame.
    const [hidden, real, next] = frames(3, 'client-b');
    const carrier = requestFrame(18, 3, 1, 'client-b', {
      clientSoftwareName: `zz${hidden!.toString('latin1')}`,
      clientSoftwareVersion: '1',
    });
    const { frames: assemble, delivered } = assembler({ inStep: false });
    assemble.data(Buffer.concat([carrier.subarray(5), real!, next!]), 0);
    assert.deepEqual(
      delivered.map((d) => d.bytes),
      [messageOf(real!), messageOf(next!)],
    );
  });

  it('believes a plausible frame too large to chain only when the judge finds it convincing alone', () => {
    const big = requestFrame(18, 3, 5, 'client-a', { clientSoftwareName: 'q'.repeat(600), clientSoftwareVersion: '1' });
    for (const convincing of [false, true]) {
      const judge: FramingJudge = { ...requestJudge, convincingAlone: () => convincing };
      const { frames: assemble, delivered } = assembler({ inStep: false, judge, limits: { maxHuntBytes: 256 } });
      assemble.data(Buffer.concat([Buffer.from([1, 2, 3]), big.subarray(0, 300)]), 0);
      assemble.data(big.subarray(300), 0);
      assert.deepEqual(
        delivered.map((d) => d.bytes),
        convincing ? [messageOf(big)] : [],
      );
    }
  });

  it('never holds more than its hunting window, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 700 }), { maxLength: 30 }), (chunks) => {
        const { frames: assemble } = assembler({ inStep: false, limits: { maxHuntBytes: 512, maxFrameBytes: 256, prefixBytes: 16 } });
        for (const chunk of chunks) {
          assemble.data(Buffer.from(chunk), 0);
          assert.ok(assemble.bufferedBytes <= 512, `held ${assemble.bufferedBytes}`);
        }
        assemble.end(0);
      }),
    );
  });
});
