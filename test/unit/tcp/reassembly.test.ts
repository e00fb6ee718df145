import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reassembler, type ReassemblerOptions } from '../../../src/tcp/reassembly.ts';
import { CLIENT, recordingReassembler, segment, SERVER } from './support/segments.ts';

const C = 1000;
const S = 5000;

function withHandshake(options: ReassemblerOptions = {}) {
  const recording = recordingReassembler(options);
  recording.reassembler.push(segment({ sequence: C, syn: true }));
  recording.reassembler.push(segment({ from: 'server', sequence: S, acknowledgment: C + 1, syn: true, ack: true }));
  recording.reassembler.push(segment({ sequence: C + 1, acknowledgment: S + 1, ack: true }));
  return recording;
}

describe('TCP reassembly', () => {
  it('delivers an in-order exchange and closes after FIN both ways', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 1, payload: 'hello', time: 10 }));
    reassembler.push(segment({ from: 'server', sequence: S + 1, payload: 'world!', time: 20 }));
    reassembler.push(segment({ sequence: C + 6, fin: true, time: 30 }));
    reassembler.push(segment({ from: 'server', sequence: S + 7, fin: true, time: 40 }));
    reassembler.push(segment({ sequence: C + 7, acknowledgment: S + 8, ack: true, time: 50 }));
    assert.equal(connections.length, 1);
    const [connection] = connections;
    assert.deepEqual(connection!.events, [
      { type: 'data', from: 'client', bytes: 'hello', time: 10 },
      { type: 'data', from: 'server', bytes: 'world!', time: 20 },
      { type: 'closed', reason: 'fin', time: 40 },
    ]);
    const info = connection!.info;
    assert.deepEqual([info.client, info.server, info.roleEvidence, info.initiatorKnown], [CLIENT, SERVER, 'syn', true]);
    assert.deepEqual([info.startKnown('client'), info.startKnown('server')], [true, true]);
    const counters = reassembler.counters;
    assert.deepEqual(
      [
        counters.packets,
        counters.deliveredBytes,
        counters.connectionsOpened,
        counters.connectionsClosed,
        counters.flowsOpen,
        counters.segmentsAfterClose,
        counters.gaps,
      ],
      [8, 11, 1, 1, 0, 1, 0],
    );
  });

  it('buffers out-of-order segments and delivers them in order with their own timestamps', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 6, payload: 'world', time: 10 }));
    assert.deepEqual(connections[0]!.events, []);
    assert.equal(reassembler.counters.bufferedBytes, 5);
    reassembler.push(segment({ sequence: C + 1, payload: 'hello', time: 20 }));
    assert.deepEqual(connections[0]!.events, [
      { type: 'data', from: 'client', bytes: 'hello', time: 20 },
      { type: 'data', from: 'client', bytes: 'world', time: 10 },
    ]);
    assert.equal(reassembler.counters.outOfOrderSegments, 1);
    assert.equal(reassembler.counters.bufferedBytes, 0);
    assert.equal(reassembler.counters.peakBufferedBytesPerDirection, 5);
  });

  it('drops retransmitted bytes and keeps only the new part of a partial retransmission', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 1, payload: 'hello' }));
    reassembler.push(segment({ sequence: C + 1, payload: 'hello' }));
    reassembler.push(segment({ sequence: C + 1, payload: 'hello world' }));
    assert.equal(connections[0]!.text.client, 'hello world');
    assert.equal(reassembler.counters.duplicateBytes, 10);
  });

  it('keeps the first copy of overlapping bytes (also between buffered segments)', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 6, payload: 'BBBBBBBBBB' }));
    reassembler.push(segment({ sequence: C + 11, payload: 'AAAAAAAAAA' }));
    reassembler.push(segment({ sequence: C + 1, payload: 'xxxxxxxxxxxxxxx' }));
    assert.equal(connections[0]!.text.client, 'xxxxxBBBBBBBBBBAAAAA');
    assert.equal(reassembler.counters.duplicateBytes, 15);
  });

  it('declares a gap for a dropped segment once the hole times out (packet time)', () => {
    const { reassembler, connections } = withHandshake({ holeTimeoutMicros: 1000 });
    reassembler.push(segment({ sequence: C + 1, payload: 'aaaa', time: 0 }));
    reassembler.push(segment({ sequence: C + 9, payload: 'cccc', time: 10 }));
    reassembler.push(segment({ from: 'server', sequence: S + 1, time: 1009 }));
    assert.equal(connections[0]!.text.client, 'aaaa');
    reassembler.push(segment({ from: 'server', sequence: S + 1, time: 1010 }));
    assert.deepEqual(connections[0]!.events, [
      { type: 'data', from: 'client', bytes: 'aaaa', time: 0 },
      { type: 'gap', from: 'client', bytes: 4, time: 1010 },
      { type: 'data', from: 'client', bytes: 'cccc', time: 10 },
    ]);
    assert.deepEqual([reassembler.counters.gaps, reassembler.counters.gapBytes], [1, 4]);
  });

  it('times holes out on advanceTime() when the flow itself is quiet', () => {
    const { reassembler, connections } = withHandshake({ holeTimeoutMicros: 1000, sweepIntervalMicros: 100 });
    reassembler.push(segment({ sequence: C + 1, payload: 'aaaa', time: 0 }));
    reassembler.push(segment({ sequence: C + 9, payload: 'cccc', time: 0 }));
    reassembler.advanceTime(900);
    assert.equal(connections[0]!.text.client, 'aaaa');
    reassembler.advanceTime(1100);
    assert.equal(connections[0]!.text.client, 'aaaa[gap 4]cccc');
  });

  it('gives a hole up as soon as the held bytes exceed the per-direction bound', () => {
    const { reassembler, connections } = withHandshake({ maxBufferedBytesPerDirection: 10 });
    reassembler.push(segment({ sequence: C + 1, payload: 'aaaa' }));
    reassembler.push(segment({ sequence: C + 9, payload: 'cccccc' }));
    assert.equal(connections[0]!.text.client, 'aaaa');
    reassembler.push(segment({ sequence: C + 15, payload: 'dddddd' }));
    assert.equal(connections[0]!.text.client, 'aaaa[gap 4]ccccccdddddd');
    assert.ok(reassembler.counters.peakBufferedBytesPerDirection <= 10);
    reassembler.push(segment({ sequence: C + 5, payload: 'bbbb' }));
    assert.equal(connections[0]!.text.client, 'aaaa[gap 4]ccccccdddddd');
    assert.equal(reassembler.counters.duplicateBytes, 4);
  });

  it('gives a hole up when the held segments exceed the per-direction bound', () => {
    const { reassembler, connections } = withHandshake({ maxBufferedSegmentsPerDirection: 2 });
    reassembler.push(segment({ sequence: C + 3, payload: 'b' }));
    reassembler.push(segment({ sequence: C + 5, payload: 'd' }));
    assert.equal(connections[0]!.text.client, '');
    reassembler.push(segment({ sequence: C + 7, payload: 'f' }));
    assert.equal(connections[0]!.text.client, '[gap 2]b');
    reassembler.push(segment({ sequence: C + 4, payload: 'c' }));
    assert.equal(connections[0]!.text.client, '[gap 2]bcd');
  });

  it('turns bytes cut off by the snap length into gaps, in order', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 11, payload: 'def', missing: 7 }));
    reassembler.push(segment({ sequence: C + 1, payload: 'abc', missing: 7 }));
    reassembler.push(segment({ sequence: C + 21, payload: 'ghi' }));
    assert.equal(connections[0]!.text.client, 'abc[gap 7]def[gap 7]ghi');
    assert.deepEqual([reassembler.counters.gaps, reassembler.counters.gapBytes], [2, 14]);
  });

  it('starts mid-connection without a gap: the first sequence seen is the start, roles guessed by port', () => {
    for (const firstFrom of ['client', 'server'] as const) {
      const { reassembler, connections } = recordingReassembler();
      reassembler.push(segment({ from: firstFrom, sequence: 777_777, payload: 'middle-' }));
      reassembler.push(segment({ from: firstFrom, sequence: 777_784, payload: 'end' }));
      const [connection] = connections;
      assert.equal(connection!.text[firstFrom], 'middle-end');
      assert.deepEqual(
        [connection!.info.client, connection!.info.roleEvidence, connection!.info.initiatorKnown, connection!.info.startKnown(firstFrom)],
        [CLIENT, 'port-heuristic', false, false],
      );
      assert.equal(reassembler.counters.gaps, 0);
    }
  });

  it('does not start a stream at a bare ACK: a keepalive sits one byte behind the next data', () => {
    const { reassembler, connections } = recordingReassembler({ ackedHoleGraceMicros: 0, holeTimeoutMicros: 10 });
    reassembler.push(segment({ from: 'server', sequence: 9000, payload: 'metadata', time: 0 }));
    reassembler.push(segment({ sequence: 4999, ack: true, acknowledgment: 9008, time: 1 }));
    reassembler.push(segment({ from: 'server', sequence: 9008, ack: true, acknowledgment: 5000, time: 2 }));
    reassembler.push(segment({ sequence: 5000, payload: 'request', time: 100 }));
    reassembler.push(segment({ from: 'server', sequence: 9008, time: 200 }));
    assert.equal(connections[0]!.text.client, 'request');
    assert.equal(reassembler.counters.gaps, 0);
  });

  it('takes the roles from a SYN-ACK when the SYN was missed', () => {
    const { reassembler, connections } = recordingReassembler();
    reassembler.push(segment({ from: 'server', sequence: S, syn: true, ack: true, acknowledgment: C + 1 }));
    reassembler.push(segment({ sequence: C + 1, payload: 'req' }));
    const info = connections[0]!.info;
    assert.deepEqual([info.client, info.roleEvidence, info.initiatorKnown], [CLIENT, 'syn-ack', true]);
    assert.deepEqual([info.startKnown('server'), info.startKnown('client')], [true, false]);
    assert.equal(connections[0]!.text.client, 'req');
  });

  it('keeps a half-closed connection open, ignores bytes after a FIN, and closes after the FIN that completes', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 1, payload: 'bye', fin: true }));
    reassembler.push(segment({ sequence: C + 5, payload: 'late' }));
    reassembler.push(segment({ from: 'server', sequence: S + 1, payload: 'still sending' }));
    assert.equal(
      connections[0]!.events.some((event) => event.type === 'closed'),
      false,
    );
    reassembler.push(segment({ from: 'server', sequence: S + 19, fin: true }));
    reassembler.push(segment({ from: 'server', sequence: S + 14, payload: 'more!' }));
    assert.equal(connections[0]!.text.client, 'bye');
    assert.equal(connections[0]!.text.server, 'still sendingmore!');
    assert.deepEqual(connections[0]!.events.at(-1), { type: 'closed', reason: 'fin', time: 0 });
    assert.equal(reassembler.counters.bytesAfterFin, 4);
  });

  it('declares a dropped last segment before a FIN as a gap when the hole times out', () => {
    const { reassembler, connections } = withHandshake({ holeTimeoutMicros: 1000, sweepIntervalMicros: 100 });
    reassembler.push(segment({ sequence: C + 1, payload: 'aaaa', fin: true, time: 0 }));
    reassembler.push(segment({ from: 'server', sequence: S + 1, payload: 'x', time: 0 }));
    reassembler.push(segment({ from: 'server', sequence: S + 7, fin: true, time: 5 }));
    reassembler.advanceTime(2000);
    assert.equal(connections[0]!.text.server, 'x[gap 5]');
    assert.deepEqual(connections[0]!.events.at(-1), { type: 'closed', reason: 'fin', time: 2000 });
  });

  it('closes on RST, first delivering what is held (holes as gaps)', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 1, payload: 'aaaa', time: 1 }));
    reassembler.push(segment({ sequence: C + 9, payload: 'cccc', time: 2 }));
    reassembler.push(segment({ from: 'server', sequence: S + 1, rst: true, time: 3 }));
    assert.deepEqual(connections[0]!.events, [
      { type: 'data', from: 'client', bytes: 'aaaa', time: 1 },
      { type: 'gap', from: 'client', bytes: 4, time: 3 },
      { type: 'data', from: 'client', bytes: 'cccc', time: 2 },
      { type: 'closed', reason: 'rst', time: 3 },
    ]);
    assert.equal(reassembler.counters.flowsOpen, 0);
  });

  it('opens a new connection for a SYN with a new initial sequence number on a reused port', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 1, payload: 'first', fin: true }));
    reassembler.push(segment({ from: 'server', sequence: S + 1, fin: true }));
    reassembler.push(segment({ sequence: C, syn: true }));
    assert.equal(connections.length, 1);
    assert.equal(reassembler.counters.segmentsAfterClose, 1);
    reassembler.push(segment({ sequence: 90_000, syn: true, time: 100 }));
    reassembler.push(segment({ sequence: 90_001, payload: 'second', time: 101 }));
    assert.equal(connections.length, 2);
    assert.equal(connections[1]!.text.client, 'second');
    assert.notEqual(connections[1]!.info.id, connections[0]!.info.id);
    // The close of the second connection was never captured: a third SYN ends it.
    reassembler.push(segment({ sequence: 500_000, syn: true, time: 200 }));
    assert.deepEqual(connections[1]!.events.at(-1), { type: 'closed', reason: 'port-reuse', time: 200 });
    assert.equal(connections.length, 3);
    assert.deepEqual([reassembler.counters.connectionsOpened, reassembler.counters.flowsOpen], [3, 1]);
  });

  it('handles 32-bit sequence wraparound, also out of order', () => {
    const { reassembler, connections } = recordingReassembler();
    const isn = 0xfffffff0;
    reassembler.push(segment({ sequence: isn, syn: true }));
    const text = 'abcdefghijklmnopqrstuvwxyz0123';
    const pieces = [0, 10, 20].map((start) => segment({ sequence: isn + 1 + start, payload: text.slice(start, start + 10) }));
    assert.equal(pieces[2]!.sequence, 5);
    for (const piece of [pieces[2]!, pieces[0]!, pieces[1]!]) reassembler.push(piece);
    reassembler.push(segment({ sequence: isn + 31, payload: 'Z' }));
    assert.equal(connections[0]!.text.client, `${text}Z`);
    assert.equal(reassembler.counters.gaps, 0);
  });

  it('declares bytes the peer acknowledged but the capture never saw, after a grace period', () => {
    const { reassembler, connections } = withHandshake({ ackedHoleGraceMicros: 100 });
    reassembler.push(segment({ from: 'server', sequence: S + 1, payload: 'resp1', time: 0 }));
    reassembler.push(segment({ sequence: C + 1, acknowledgment: S + 11, ack: true, time: 10 }));
    reassembler.push(segment({ sequence: C + 1, acknowledgment: S + 11, ack: true, time: 50 }));
    assert.equal(connections[0]!.text.server, 'resp1');
    reassembler.push(segment({ sequence: C + 1, acknowledgment: S + 11, ack: true, time: 110 }));
    assert.equal(connections[0]!.text.server, 'resp1[gap 5]');
    reassembler.push(segment({ from: 'server', sequence: S + 11, payload: 'resp3', time: 120 }));
    assert.equal(connections[0]!.text.server, 'resp1[gap 5]resp3');
  });

  it('does not declare acknowledged bytes lost when they arrive within the grace period', () => {
    const { reassembler, connections } = withHandshake({ ackedHoleGraceMicros: 100 });
    reassembler.push(segment({ sequence: C + 1, acknowledgment: S + 6, ack: true, time: 10 }));
    reassembler.push(segment({ from: 'server', sequence: S + 1, payload: 'resp1', time: 20 }));
    reassembler.push(segment({ sequence: C + 1, acknowledgment: S + 6, ack: true, time: 500 }));
    assert.equal(connections[0]!.text.server, 'resp1');
    assert.equal(reassembler.counters.gaps, 0);
  });

  it('expires idle connections by packet time', () => {
    const { reassembler, connections } = recordingReassembler({ idleTimeoutMicros: 1000, sweepIntervalMicros: 100 });
    reassembler.push(segment({ sequence: 1, payload: 'x', time: 0 }));
    reassembler.advanceTime(999);
    assert.equal(reassembler.counters.flowsOpen, 1);
    reassembler.advanceTime(1100);
    assert.deepEqual(connections[0]!.events.at(-1), { type: 'closed', reason: 'idle-timeout', time: 1100 });
    assert.deepEqual([reassembler.counters.flowsOpen, reassembler.counters.flowsExpired, reassembler.counters.flowsTracked], [0, 1, 0]);
  });

  it('forgets closed connections after the linger time, so late packets then start nothing', () => {
    const { reassembler } = withHandshake({ closedLingerMicros: 1000, sweepIntervalMicros: 100 });
    reassembler.push(segment({ sequence: C + 1, rst: true, time: 0 }));
    assert.equal(reassembler.counters.flowsTracked, 1);
    reassembler.advanceTime(1500);
    assert.equal(reassembler.counters.flowsTracked, 0);
    assert.equal(reassembler.counters.flowsExpired, 0);
  });

  it('evicts the least recently active connection when the flow table is full', () => {
    const { reassembler, connections } = recordingReassembler({ maxFlows: 2 });
    const client = (port: number) => ({ address: '10.0.0.1', port });
    reassembler.push(segment({ client: client(1001), sequence: 1, payload: 'a', time: 1 }));
    reassembler.push(segment({ client: client(1002), sequence: 1, payload: 'b', time: 2 }));
    reassembler.push(segment({ client: client(1001), sequence: 2, payload: 'a', time: 3 }));
    reassembler.push(segment({ client: client(1003), sequence: 1, payload: 'c', time: 4 }));
    assert.deepEqual(connections[1]!.events.at(-1), { type: 'closed', reason: 'evicted', time: 4 });
    assert.equal(
      connections[0]!.events.some((event) => event.type === 'closed'),
      false,
    );
    assert.deepEqual([reassembler.counters.flowsEvicted, reassembler.counters.flowsOpen, reassembler.counters.flowsTracked], [1, 2, 2]);
  });

  it('finish() delivers what is held and closes everything with end-of-input', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 3, payload: 'late', time: 7 }));
    reassembler.finish(9);
    assert.deepEqual(connections[0]!.events, [
      { type: 'gap', from: 'client', bytes: 2, time: 9 },
      { type: 'data', from: 'client', bytes: 'late', time: 7 },
      { type: 'closed', reason: 'end-of-input', time: 9 },
    ]);
    assert.deepEqual([reassembler.counters.flowsOpen, reassembler.counters.flowsTracked, reassembler.counters.bufferedBytes], [0, 0, 0]);
  });

  it('starts no connection from a stray ACK, FIN or RST', () => {
    const { reassembler, connections } = recordingReassembler();
    reassembler.push(segment({ sequence: 1, ack: true, acknowledgment: 5 }));
    reassembler.push(segment({ sequence: 1, fin: true }));
    reassembler.push(segment({ sequence: 1, rst: true, payload: 'reset reason' }));
    assert.equal(connections.length, 0);
    assert.equal(reassembler.counters.segmentsWithoutConnection, 3);
  });

  it('ignores segments impossibly far from the expected sequence number', () => {
    const { reassembler, connections } = withHandshake();
    reassembler.push(segment({ sequence: C + 1 + 2 ** 31, payload: 'bogus' }));
    reassembler.push(segment({ sequence: C + 1, payload: 'real' }));
    assert.equal(connections[0]!.text.client, 'real');
    assert.equal(reassembler.counters.outOfWindowSegments, 1);
  });

  it('tracks connections whose listener returns no handler', () => {
    const reassembler = new Reassembler(() => undefined);
    reassembler.push(segment({ sequence: C, syn: true }));
    reassembler.push(segment({ sequence: C + 1, payload: 'abc' }));
    assert.deepEqual([reassembler.counters.connectionsOpened, reassembler.counters.deliveredBytes], [1, 3]);
  });
});
