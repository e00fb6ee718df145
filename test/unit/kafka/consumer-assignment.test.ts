import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeConsumerAssignment } from '../../../src/kafka/consumer-assignment.ts';

function encodeAssignment(topics: [string, number[]][]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 1])];
  const count = Buffer.alloc(4);
  count.writeInt32BE(topics.length);
  parts.push(count);
  for (const [name, partitions] of topics) {
    const nameLength = Buffer.alloc(2);
    nameLength.writeInt16BE(Buffer.byteLength(name));
    const partitionBytes = Buffer.alloc(4 + partitions.length * 4);
    partitionBytes.writeInt32BE(partitions.length);
    partitions.forEach((partition, index) => partitionBytes.writeInt32BE(partition, 4 + index * 4));
    parts.push(nameLength, Buffer.from(name), partitionBytes);
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

test('decodes the topics and partitions assigned to a member', () => {
  const decoded = decodeConsumerAssignment(
    encodeAssignment([
      ['orders', [0, 2]],
      ['payments', [1]],
    ]),
  );
  assert.deepEqual(
    [...decoded],
    [
      ['orders', [0, 2]],
      ['payments', [1]],
    ],
  );
});

test('every truncated prefix decodes to an empty assignment, never throws', () => {
  const full = encodeAssignment([['orders', [0, 1, 2]]]);
  for (let length = 0; length < full.length - 4; length++) {
    assert.deepEqual(decodeConsumerAssignment(full.subarray(0, length)).size, 0, `prefix of ${length} bytes`);
  }
});
