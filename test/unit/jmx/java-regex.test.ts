import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseJmxRules } from '../../../src/jmx/jmx-rules.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compileRulePattern,
  expandReplacement,
  groupCount,
  safeName,
  snakeCase,
  withoutReservedSuffixes,
  requiredLiterals,
} from '../../../src/jmx/java-regex.ts';

// Expected values follow java.util.regex.Matcher.appendReplacement, the JMX exporter's JmxCollector.toSafeName
// and toSnakeAndLowerCase (and their tests, ToSafeNameTest and ToSnakeAndLowerCaseTest), and client_java's
// PrometheusNaming.sanitizeMetricName.

const TWELVE_GROUPS = /(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)/.exec('abcdefghijkl')!;

test('a rule pattern is found anywhere in the line and must match it whole', () => {
  const pattern = compileRulePattern('name=(.+)PerSec\\w*><>Count');
  assert.equal(pattern.exec('kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec><>Count: 1234')?.[1], 'BytesIn');
  assert.equal(pattern.exec('kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec><>MeanRate: 1.5'), null);
  // An alternation in the pattern stays inside the match-anywhere wrapper.
  const either = compileRulePattern('Count|Value');
  assert.ok(either.test('x<type=T><>Value: 1'));
  assert.ok(either.test('x<type=T><>Count: 1'));
  assert.ok(!either.test('x<type=T><>Mean: 1'));
});

test('groupCount counts capturing groups, named ones included, not (?:...)', () => {
  assert.equal(groupCount(compileRulePattern('')), 0);
  assert.equal(groupCount(compileRulePattern('(a)(b)(?:c)(?<n>d)')), 3);
  assert.equal(groupCount(/(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)/), 12);
});

test('$n takes a group; $0 is the whole match', () => {
  const match = /(\w+)-(\d+)/.exec('orders-3')!;
  assert.equal(expandReplacement('kafka_$1_partition_$2', match), 'kafka_orders_partition_3');
  assert.equal(expandReplacement('[$0]', match), '[orders-3]');
});

test('$n reads more digits only while they still name an existing group', () => {
  const one = /(x)/.exec('x')!;
  assert.equal(expandReplacement('$12', one), 'x2');
  assert.equal(expandReplacement('$12', TWELVE_GROUPS), 'l');
  assert.equal(expandReplacement('$13', TWELVE_GROUPS), 'a3');
  assert.equal(expandReplacement('$10$1', TWELVE_GROUPS), 'ja');
});

test('a backslash makes the next character literal', () => {
  const match = /(x)/.exec('x')!;
  assert.equal(expandReplacement('\\$1', match), '$1');
  assert.equal(expandReplacement('cost\\$$1', match), 'cost$x');
  assert.equal(expandReplacement('a\\\\b', match), 'a\\b');
  assert.throws(() => expandReplacement('oops\\', match), /trailing \\/);
});

test('a group that took no part in the match gives the empty string', () => {
  const match = /(a)|(b)/.exec('b')!;
  assert.equal(expandReplacement('[$1][$2]', match), '[][b]');
});

test('a reference to a group the pattern does not have throws, as Java does', () => {
  const match = /(a)(b)/.exec('ab')!;
  assert.throws(() => expandReplacement('$3', match), /no group 3/);
  assert.throws(() => expandReplacement('x_$9', match), /no group 9/);
  assert.throws(() => expandReplacement('$', match), /\$ must be followed/);
  assert.throws(() => expandReplacement('$x', match), /\$ must be followed/);
});

test('${name} takes a named group; an unknown name throws', () => {
  const match = /(?<topic>[\w.-]+)-(?<partition>\d+)/.exec('orders-7')!;
  assert.equal(expandReplacement('${topic}/${partition}', match), 'orders/7');
  assert.equal(expandReplacement('${topic}/$2', match), 'orders/7');
  assert.throws(() => expandReplacement('${nope}', match), /no group named "nope"/);
  assert.throws(() => expandReplacement('${topic', match), /no group named/);
  assert.throws(() => expandReplacement('${topic}', /(x)/.exec('x')!), /no group named "topic"/);
});

test('safeName: illegal characters and underscores collapse to one _, a leading digit gets a _, : is kept', () => {
  const cases: [string, string][] = [
    ['a-b.c', 'a_b_c'],
    ['a__b', 'a_b'],
    ['a-_-b', 'a_b'],
    ['1abc', '_1abc'],
    ['001', '_001'],
    ['ns:name', 'ns:name'],
    ['trailing_', 'trailing_'],
    ['trailing-.', 'trailing_'],
    ['__test', '_test'],
    ['-_-', '_'],
    ['test@test', 'test_test'],
    ['test_swedish_chars_åäö', 'test_swedish_chars_'],
    ['kafka_server_socket-server-metrics_connections', 'kafka_server_socket_server_metrics_connections'],
    ['', ''],
  ];
  for (const [input, expected] of cases) assert.equal(safeName(input), expected, input);
});

test('snakeCase: _ before an upper-case letter that follows neither another nor _, then lower case', () => {
  const cases: [string, string][] = [
    ['testTest', 'test_test'],
    ['testTestTest', 'test_test_test'],
    ['test_test', 'test_test'],
    ['test1', 'test1'],
    ['StartTime_$1_$2', 'start_time_$1_$2'],
    ['A', 'a'],
    ['TCP', 'tcp'],
    ['testTCPTest', 'test_tcptest'],
    ['test_Test', 'test_test'],
    ['_Test_Test', '_test_test'],
    ['', ''],
  ];
  for (const [input, expected] of cases) assert.equal(snakeCase(input), expected, input);
});

test('withoutReservedSuffixes strips _total, _created, _bucket and _info again and again', () => {
  const cases: [string, string][] = [
    ['x_total', 'x'],
    ['x_created', 'x'],
    ['x_bucket', 'x'],
    ['x_info', 'x'],
    ['x_info_total', 'x'],
    ['x_total_total', 'x'],
    ['kafka_server_socket_server_metrics_connections_tls_info', 'kafka_server_socket_server_metrics_connections_tls'],
    ['x_totals', 'x_totals'],
    ['x_TOTAL', 'x_TOTAL'],
    ['xtotal', 'xtotal'],
    // A name that is nothing but a suffix keeps it without the leading _ (client_java: "_total" -> "total").
    ['total', 'total'],
    ['_total', 'total'],
    ['_info', 'info'],
    ['_info_total', 'info'],
  ];
  for (const [input, expected] of cases) assert.equal(withoutReservedSuffixes(input), expected, input);
});

test('requiredLiterals: the top-level text of a pattern, without what a quantifier may drop, none under an alternation', () => {
  assert.deepEqual(requiredLiterals('kafka\\.(?<domain>\\w+)<type=(?<type>.+), name=(?<name>.+)PerSec\\w*><>Count'), [
    'kafka.',
    '<type=',
    ', name=',
    'PerSec',
    '><>Count',
  ]);
  assert.deepEqual(requiredLiterals('kafka.server<type=raft-metrics><>(current-state): (.+)'), [
    'kafka',
    'server<type=raft-metrics><>',
    ': ',
  ]);
  assert.deepEqual(requiredLiterals('abc?d'), ['ab', 'd']);
  assert.deepEqual(requiredLiterals('ab+c'), ['ab', 'c']);
  assert.deepEqual(requiredLiterals('a[<>]b{2}c'), ['a', 'c']);
  assert.deepEqual(requiredLiterals('\\d+x\\.y*'), ['x.']);
  assert.deepEqual(requiredLiterals('Value|Count'), []);
  assert.deepEqual(requiredLiterals('(Value|Count)'), []);
});

test('a line without a required literal never matches the pattern (the bundled rules, random lines)', () => {
  const rules = parseJmxRules(readFileSync(new URL('../../../jmx/kafka-broker-rules.yaml', import.meta.url), 'utf8'), 'bundled');
  const piece = fc.constantFrom(
    'kafka.',
    'server',
    'network',
    '<type=',
    'BrokerTopicMetrics',
    ', name=',
    'BytesInPerSec',
    'Percent',
    ', topic=',
    'orders',
    '><>',
    'Count',
    'Value',
    '99thPercentile',
    ': ',
    '12',
    'raft-metrics',
    'current-state',
    ', listener=',
    'PLAINTEXT',
    ', networkProcessor=',
    '-total',
    'x',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
      const line = pieces.join('');
      for (const rule of rules.rules) {
        if (rule.pattern?.test(line))
          assert.ok(
            rule.literals.every((literal) => line.includes(literal)),
            `${rule.pattern.source} on ${line}`,
          );
      }
    }),
    { numRuns: 3000 },
  );
});
