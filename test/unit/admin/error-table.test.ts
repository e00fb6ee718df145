import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { AdminError } from '../../../src/admin/admin-error.ts';
import { KAFKA_ERRORS, kafkaError } from '../../../src/kafka/error-table.ts';
import { ERROR_CODE_NAMES } from '../../../src/protocol/error-codes.ts';

const codeOf = (name: string): number => {
  const found = [...ERROR_CODE_NAMES].find(([, entry]) => entry === name);
  assert.ok(found, `${name} is a Kafka error name`);
  return found[0];
};

describe('Kafka error table', () => {
  for (const [name, errorClass, retriable] of [
    ['TOPIC_ALREADY_EXISTS', 'conflict', false],
    ['UNKNOWN_TOPIC_OR_PARTITION', 'not-found', true],
    ['NOT_CONTROLLER', 'unavailable', true],
    ['INVALID_CONFIG', 'invalid', false],
    ['TOPIC_AUTHORIZATION_FAILED', 'forbidden', false],
    ['GROUP_AUTHORIZATION_FAILED', 'forbidden', false],
    ['CLUSTER_AUTHORIZATION_FAILED', 'forbidden', false],
    ['POLICY_VIOLATION', 'invalid', false],
    ['NON_EMPTY_GROUP', 'conflict', false],
    ['GROUP_ID_NOT_FOUND', 'not-found', false],
    ['COORDINATOR_NOT_AVAILABLE', 'unavailable', true],
    ['REQUEST_TIMED_OUT', 'unavailable', true],
    ['INVALID_PARTITIONS', 'invalid', false],
    ['INVALID_REPLICATION_FACTOR', 'invalid', false],
    ['UNSUPPORTED_VERSION', 'invalid', false],
    ['TOPIC_DELETION_DISABLED', 'forbidden', false],
    ['UNKNOWN_SERVER_ERROR', 'internal', false],
  ] as const) {
    test(`${name}: ${errorClass}${retriable ? ', retriable' : ''}`, () => {
      const code = codeOf(name);
      assert.deepEqual(kafkaError(code), { name, code, retriable, class: errorClass });
    });
  }

  test('every code of ERROR_CODE_NAMES has its entry', () => {
    assert.ok(ERROR_CODE_NAMES.size > 100);
    assert.equal(KAFKA_ERRORS.size, ERROR_CODE_NAMES.size);
    for (const [code, name] of ERROR_CODE_NAMES) {
      const entry = KAFKA_ERRORS.get(code);
      assert.ok(entry, `code ${code} (${name})`);
      assert.equal(entry.name, name);
      assert.equal(entry.code, code);
      assert.ok(
        ['invalid', 'not-found', 'conflict', 'forbidden', 'unavailable', 'internal'].includes(entry.class),
        `${name}: ${entry.class}`,
      );
      assert.deepEqual(kafkaError(code), entry);
    }
  });

  test('every error name the table lists is a real Kafka error name (no typo goes unnoticed)', () => {
    const names = new Set(ERROR_CODE_NAMES.values());
    const source = readFileSync(new URL('../../../src/kafka/error-table.ts', import.meta.url), 'utf8');
    const listed = [...source.matchAll(/'([A-Z][A-Z0-9_]*[A-Z0-9])'/g)].map((match) => match[1]!);
    assert.ok(listed.length > 50);
    assert.deepEqual(
      listed.filter((name) => !names.has(name)),
      [],
    );
  });

  test('an unknown code is internal and not retriable', () => {
    assert.deepEqual(kafkaError(9999), { name: 'UNKNOWN_ERROR_CODE_9999', code: 9999, retriable: false, class: 'internal' });
  });

  test('AdminError.fromKafka takes class, retriable and name from the table', () => {
    const error = AdminError.fromKafka(codeOf('NOT_CONTROLLER'), 'creating topic orders', 'try later');
    assert.equal(error.errorClass, 'unavailable');
    assert.equal(error.retriable, true);
    assert.equal(error.kafkaError, 'NOT_CONTROLLER');
    assert.equal(error.message, 'creating topic orders: NOT_CONTROLLER: try later');
    assert.equal(
      AdminError.fromKafka(codeOf('TOPIC_ALREADY_EXISTS'), 'creating topic orders', null).message,
      'creating topic orders: TOPIC_ALREADY_EXISTS',
    );
  });
});
