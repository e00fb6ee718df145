import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpError } from '../../../../src/api/admin/http-error.ts';
import { IdempotencyStore } from '../../../../src/api/admin/idempotency.ts';
import type { RouteResult } from '../../../../src/api/admin/route.ts';

const scope = (key: string, extra: Partial<{ user: string; method: string; path: string }> = {}) => ({
  user: 'alice',
  method: 'post',
  path: '/v3/clusters/c1/topics',
  key,
  ...extra,
});

/** A work function that counts its runs and answers `status` with the run number. */
function counted(status = 201): { work: () => Promise<RouteResult>; runs: () => number } {
  let runs = 0;
  return { work: async () => ({ status, body: { run: (runs += 1) } }), runs: () => runs };
}

function httpStatus(status: number, pattern?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${String(error)}`);
    assert.equal(error.status, status);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

describe('IdempotencyStore', () => {
  test('the same key and body replay the first answer without running the work again', async () => {
    const store = new IdempotencyStore();
    const { work, runs } = counted();
    const first = await store.run(scope('k1'), { topic_name: 'orders' }, work);
    assert.deepEqual(first, { result: { status: 201, body: { run: 1 } }, replayed: false });
    const second = await store.run(scope('k1'), { topic_name: 'orders' }, work);
    assert.deepEqual(second, { result: { status: 201, body: { run: 1 } }, replayed: true });
    assert.equal(runs(), 1);
  });

  test('4xx answers are stored too', async () => {
    const store = new IdempotencyStore();
    const { work, runs } = counted(409);
    await store.run(scope('k'), {}, work);
    assert.equal((await store.run(scope('k'), {}, work)).replayed, true);
    assert.equal(runs(), 1);
  });

  test('the same key with another body is a 422, and the work is not run', async () => {
    const store = new IdempotencyStore();
    const { work, runs } = counted();
    await store.run(scope('k1'), { topic_name: 'orders' }, work);
    await assert.rejects(store.run(scope('k1'), { topic_name: 'payments' }, work), httpStatus(422, /another request body/));
    await assert.rejects(store.run(scope('k1'), undefined, work), httpStatus(422));
    assert.equal(runs(), 1);
  });

  test('keys are per user, method and path', async () => {
    const store = new IdempotencyStore();
    const { work, runs } = counted();
    await store.run(scope('k'), {}, work);
    assert.equal((await store.run(scope('k', { user: 'bob' }), {}, work)).replayed, false);
    assert.equal((await store.run(scope('k', { path: '/v3/clusters/c1/acls' }), {}, work)).replayed, false);
    assert.equal((await store.run(scope('k', { method: 'put' }), {}, work)).replayed, false);
    assert.equal((await store.run(scope('k2'), {}, work)).replayed, false);
    assert.equal(runs(), 5);
    assert.equal(
      await store.run(scope('k', { user: 'bob' }), { other: true }, work).catch((error: HttpError) => error.status),
      422,
      "bob's key remembers bob's body",
    );
  });

  test('the same key while the first request runs is a 409; afterwards it replays', async () => {
    const store = new IdempotencyStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const slow = async (): Promise<RouteResult> => {
      runs += 1;
      await gate;
      return { status: 200, body: 'done' };
    };
    const first = store.run(scope('k'), {}, slow);
    await assert.rejects(store.run(scope('k'), {}, slow), httpStatus(409, /still running/));
    await assert.rejects(store.run(scope('k'), { other: 1 }, slow), httpStatus(409), 'another body while running is also a 409');
    release();
    assert.deepEqual(await first, { result: { status: 200, body: 'done' }, replayed: false });
    assert.deepEqual(await store.run(scope('k'), {}, slow), { result: { status: 200, body: 'done' }, replayed: true });
    assert.equal(runs, 1);
  });

  test('5xx answers are not stored: a retry does the work', async () => {
    const store = new IdempotencyStore();
    let status = 503;
    let runs = 0;
    const work = async (): Promise<RouteResult> => {
      runs += 1;
      return { status };
    };
    assert.deepEqual(await store.run(scope('k'), {}, work), { result: { status: 503 }, replayed: false });
    status = 500;
    assert.equal((await store.run(scope('k'), {}, work)).replayed, false);
    status = 201;
    assert.equal((await store.run(scope('k'), {}, work)).replayed, false);
    assert.equal((await store.run(scope('k'), {}, work)).replayed, true);
    assert.equal(runs, 3);
  });

  test('work that throws is not stored and frees the key', async () => {
    const store = new IdempotencyStore();
    await assert.rejects(
      store.run(scope('k'), {}, async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    const { work, runs } = counted();
    assert.equal((await store.run(scope('k'), {}, work)).replayed, false);
    assert.equal(runs(), 1);
  });

  test('past the limit the oldest answers go first', async () => {
    const store = new IdempotencyStore({ limit: 2 });
    const { work, runs } = counted();
    await store.run(scope('a'), {}, work);
    await store.run(scope('b'), {}, work);
    await store.run(scope('c'), {}, work);
    assert.equal(runs(), 3);
    assert.equal((await store.run(scope('c'), {}, work)).replayed, true);
    assert.equal((await store.run(scope('b'), {}, work)).replayed, true);
    assert.equal((await store.run(scope('a'), {}, work)).replayed, false, 'a was evicted');
    assert.equal(runs(), 4);
    assert.equal((await store.run(scope('c'), {}, work)).replayed, true, 'c is kept');
    assert.equal(
      (await store.run(scope('b'), {}, work)).replayed,
      false,
      'b was the oldest stored when a came back (replays do not refresh)',
    );
    assert.equal(runs(), 5);
  });

  test('answers expire after the ttl of the clock given', async () => {
    const clock = { now: 1_000 };
    const store = new IdempotencyStore({ ttlMs: 10_000, now: () => clock.now });
    const { work, runs } = counted();
    await store.run(scope('k'), {}, work);
    clock.now += 9_999;
    assert.equal((await store.run(scope('k'), {}, work)).replayed, true);
    clock.now += 1;
    const again = await store.run(scope('k'), { another: 'body is fine once expired' }, work);
    assert.deepEqual(again, { result: { status: 201, body: { run: 2 } }, replayed: false });
    assert.equal(runs(), 2);
  });

  test('a day by default', async () => {
    const clock = { now: 0 };
    const store = new IdempotencyStore({ now: () => clock.now });
    const { work } = counted();
    await store.run(scope('k'), {}, work);
    clock.now = 86_400_000 - 1;
    assert.equal((await store.run(scope('k'), {}, work)).replayed, true);
    clock.now = 86_400_000;
    assert.equal((await store.run(scope('k'), {}, work)).replayed, false);
  });

  for (const key of ['', 'with space', 'tab\there', 'ü-key', 'x'.repeat(256), 'line\n']) {
    test(`invalid key ${JSON.stringify(key.length > 20 ? `${key.slice(0, 5)}…(${key.length})` : key)} is a 400 and runs nothing`, async () => {
      const store = new IdempotencyStore();
      const { work, runs } = counted();
      await assert.rejects(store.run(scope(key), {}, work), httpStatus(400, /Idempotency-Key must be 1 to 255 visible ASCII characters/));
      assert.equal(runs(), 0);
    });
  }

  test('the longest and the oddest valid keys are accepted', async () => {
    const store = new IdempotencyStore();
    const { work } = counted();
    assert.equal((await store.run(scope('x'.repeat(255)), {}, work)).replayed, false);
    assert.equal((await store.run(scope('!~"{}'), {}, work)).replayed, false);
  });
});
