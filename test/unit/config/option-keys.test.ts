import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optionGetter, resolveOptionValues } from '../../../src/config/config.ts';
import { OPTIONS, OPTION_BY_KEY, type OptionKey, type OptionValueOf } from '../../../src/config/options.ts';

// The `@ts-expect-error` lines below are the test: `tsc --noEmit` (which checks test/) fails with
// "Unused '@ts-expect-error' directive" as soon as a misspelt key or a wrong value type compiles again.

/** True only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

function expectType<T>(value: T): T {
  return value;
}

test('option keys and value types are checked by the compiler', () => {
  const get = optionGetter(resolveOptionValues({}));

  // @ts-expect-error: misspelt key
  assert.equal(get('kafka.sever'), undefined);
  // @ts-expect-error: not an option at all
  assert.equal(get('no.such-option'), undefined);
  // @ts-expect-error: OptionKey is the union of the table's keys, not string
  expectType<OptionKey>('kafka.servers');
  // @ts-expect-error: the caller no longer picks the value type
  get<string[]>('kafka.server');

  // @ts-expect-error: a list is string[], not a string
  expectType<string>(get('kafka.server'));
  // @ts-expect-error: a duration is a number of seconds, not a string
  expectType<string>(get('collector.cluster.interval'));
  // @ts-expect-error: a boolean is not a number
  expectType<number>(get('tls.enabled'));
  // @ts-expect-error: an enum is the union of its choices
  expectType<'debug' | 'info'>(get('log.level'));

  expectType<readonly string[]>(get('kafka.server'));
  expectType<number>(get('collector.cluster.interval'));
  expectType<'json' | 'logfmt'>(get('log.format'));

  const exact: [
    Equal<OptionValueOf<'web.listen-address'>, string>,
    Equal<OptionValueOf<'kafka.server'>, string[]>,
    Equal<OptionValueOf<'tls.enabled'>, boolean>,
    Equal<OptionValueOf<'collector.cluster.concurrency'>, number>,
    Equal<OptionValueOf<'sniff.client-idle-timeout'>, number>,
    Equal<OptionValueOf<'log.level'>, 'debug' | 'info' | 'warn' | 'error'>,
    Equal<OptionValueOf<'sasl.mechanism'>, 'plain' | 'scram-sha256' | 'scram-sha512'>,
    Equal<OptionValueOf<'sniff.conntrack'>, 'auto' | 'on' | 'off'>,
  ] = [true, true, true, true, true, true, true, true];
  assert.ok(exact.every(Boolean));
});

test('every option loads with the value type its definition promises', () => {
  assert.equal(OPTION_BY_KEY.size, OPTIONS.length, 'option keys are unique');
  const values = resolveOptionValues({});
  for (const option of OPTIONS) {
    const value = values.get(option.key);
    const where = `${option.key} (${option.type})`;
    switch (option.type) {
      case 'string':
        assert.equal(typeof value, 'string', where);
        break;
      case 'list':
        assert.ok(Array.isArray(value) && value.every((item) => typeof item === 'string'), where);
        break;
      case 'boolean':
        assert.equal(typeof value, 'boolean', where);
        break;
      case 'integer':
        assert.ok(Number.isSafeInteger(value), where);
        break;
      case 'duration':
        assert.equal(typeof value, 'number', where);
        break;
      case 'enum':
        assert.ok((option.choices as readonly unknown[]).includes(value), where);
        break;
    }
  }
});
