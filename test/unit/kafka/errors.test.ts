import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeKafkaError } from '../../../src/kafka/errors.ts';

test('nested client errors become one line with the innermost reasons', () => {
  const error = Object.assign(new Error('Cannot connect to any broker.'), {
    errors: [
      Object.assign(new Error('Connection to a:1 failed.'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }),
      Object.assign(new Error('Connection to b:2 failed.'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }),
    ],
  });
  assert.equal(describeKafkaError(error), 'Cannot connect to any broker. (connect ECONNREFUSED 127.0.0.1:1)');
  assert.equal(describeKafkaError(new Error('plain')), 'plain');
  assert.equal(describeKafkaError('text'), 'text');
});
