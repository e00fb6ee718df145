import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdminError } from '../../../../src/admin/admin-error.ts';
import { AuditUnavailableError } from '../../../../src/admin/audit-log.ts';
import { HttpError, RETRY_AFTER_SECONDS, toHttpError } from '../../../../src/api/admin/http-error.ts';
import type { ErrorClass } from '../../../../src/kafka/error-table.ts';

describe('toHttpError', () => {
  for (const [errorClass, status] of [
    ['invalid', 400],
    ['forbidden', 403],
    ['not-found', 404],
    ['conflict', 409],
    ['unavailable', 503],
    ['internal', 500],
  ] as const satisfies readonly (readonly [ErrorClass, number])[]) {
    test(`${errorClass} is ${status}, with the message`, () => {
      const error = toHttpError(new AdminError(errorClass, `failed: ${errorClass}`));
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, status);
      assert.equal(error.message, `failed: ${errorClass}`);
      assert.deepEqual(error.body, { error_code: status, message: `failed: ${errorClass}` });
      assert.deepEqual(error.headers, status === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {});
    });
  }

  test('a retriable error of another class also gets Retry-After', () => {
    const error = toHttpError(new AdminError('not-found', 'no leader yet', { retriable: true }));
    assert.equal(error.status, 404);
    assert.deepEqual(error.headers, { 'Retry-After': '5' });
  });

  test('unavailable gets Retry-After even when marked not retriable', () => {
    assert.deepEqual(toHttpError(new AdminError('unavailable', 'down', { retriable: false })).headers, { 'Retry-After': '5' });
  });

  test('AuditUnavailableError is 503 with Retry-After, saying mutations are refused', () => {
    const error = toHttpError(new AuditUnavailableError('the audit file /x cannot be written (EACCES)'));
    assert.equal(error.status, 503);
    assert.equal(error.message, 'the audit file /x cannot be written (EACCES): mutations are refused until it can be written');
    assert.deepEqual(error.headers, { 'Retry-After': '5' });
  });

  test('an HttpError passes through as it is', () => {
    const original = new HttpError(429, 'slow down', { 'Retry-After': '17' });
    assert.equal(toHttpError(original), original);
  });

  test('anything else is a 500 internal error', () => {
    const error = toHttpError(new TypeError('x is undefined'));
    assert.equal(error.status, 500);
    assert.equal(error.message, 'internal error: x is undefined');
    assert.deepEqual(error.headers, {});
    assert.equal(toHttpError('text').message, 'internal error: text');
  });
});
