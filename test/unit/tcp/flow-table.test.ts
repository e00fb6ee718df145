import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowTable, flowKey } from '../../../src/tcp/flow-table.ts';
import { sequenceAdd, sequenceDistance } from '../../../src/tcp/sequence.ts';
import { segment } from './support/segments.ts';

describe('flow table', () => {
  it('keys both directions of a 5-tuple alike, and different ports apart', () => {
    assert.equal(flowKey(segment({ from: 'client', sequence: 1 })), flowKey(segment({ from: 'server', sequence: 1 })));
    const otherPort = segment({ client: { address: '10.0.0.1', port: 40001 }, sequence: 1 });
    assert.notEqual(flowKey(otherPort), flowKey(segment({ sequence: 1 })));
  });

  it('evicts the least recently touched entry when full', () => {
    const table = new FlowTable<string>(2);
    assert.equal(table.set('a', 'A'), undefined);
    assert.equal(table.set('b', 'B'), undefined);
    table.touch('a', 'A');
    assert.deepEqual(table.set('c', 'C'), ['b', 'B']);
    assert.deepEqual(
      [...table.entries()].map(([key]) => key),
      ['a', 'c'],
    );
    assert.equal(table.set('a', 'A2'), undefined, 'replacing an entry evicts nothing');
    assert.equal(table.size, 2);
  });

  it('refuses a capacity below one', () => {
    assert.throws(() => new FlowTable(0), RangeError);
  });
});

describe('sequence arithmetic', () => {
  it('measures distances across the 32-bit wrap', () => {
    assert.equal(sequenceDistance(5, 0xfffffffb), 10);
    assert.equal(sequenceDistance(0xfffffffb, 5), -10);
    assert.equal(sequenceAdd(0xfffffffb, 10), 5);
  });
});
