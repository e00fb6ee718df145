import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { JmxRulesError, parseJmxRules } from '../../../src/jmx/jmx-rules.ts';

const BUNDLED = readFileSync(new URL('../../../jmx/kafka-broker-rules.yaml', import.meta.url), 'utf8');

/** Asserts that parsing fails with a JmxRulesError whose message matches. */
function rejects(yaml: string, message: RegExp): void {
  assert.throws(
    () => parseJmxRules(yaml, 'my-rules.yaml'),
    (error: unknown) => error instanceof JmxRulesError && message.test(error.message),
  );
}

test("the bundled rules parse: 27 rules, the file's options and object names", () => {
  const rules = parseJmxRules(BUNDLED, 'kafka-broker-rules.yaml');
  assert.equal(rules.rules.length, 27);
  assert.equal(rules.lowercaseOutputName, true);
  assert.equal(rules.lowercaseOutputLabelNames, false);
  assert.deepEqual(rules.includeObjectNames, [
    'kafka.server:*',
    'kafka.network:*',
    'kafka.controller:*',
    'kafka.log:*',
    'kafka.cluster:*',
    'kafka.utils:*',
  ]);
  assert.deepEqual(rules.excludeObjectNames, []);

  const first = rules.rules[0]!;
  assert.equal(first.name, 'kafka_server_${type}_${name}');
  assert.equal(first.type, 'gauge');
  assert.equal(first.valueFactor, 1);
  assert.equal(first.attrNameSnakeCase, false);
  // Labels in the order the JMX exporter applies them: a TreeMap, sorted by name template.
  assert.deepEqual(first.labels, [
    ['clientId', '${client}'],
    ['partition', '${partition}'],
    ['topic', '${topic}'],
  ]);
  assert.deepEqual(rules.rules[1]!.labels, [
    ['broker', '${host}:${port}'],
    ['clientId', '${client}'],
  ]);
  assert.equal(rules.rules[4]!.type, 'counter');

  const currentState = rules.rules.find((rule) => rule.value !== undefined)!;
  assert.equal(currentState.name, 'kafka_server_raftmetrics_current_state');
  assert.equal(currentState.value, '1');
  assert.equal(currentState.type, 'untyped');
  assert.deepEqual(currentState.labels, [['current_state', '${state}']]);
  assert.ok(currentState.pattern!.test('kafka.server<type=raft-metrics><>current-state: leader'));
});

test('a rules file without rules: exports everything through one match-all default rule', () => {
  for (const yaml of ['lowercaseOutputName: true\n', '']) {
    const rules = parseJmxRules(yaml, 'defaults.yaml');
    assert.equal(rules.rules.length, 1);
    const [rule] = rules.rules;
    assert.equal(rule!.pattern, undefined);
    assert.equal(rule!.name, undefined);
    assert.deepEqual(rule!.labels, []);
    assert.equal(rule!.type, 'untyped');
    assert.equal(rule!.valueFactor, 1);
    assert.deepEqual(rules.includeObjectNames, ['*:*']);
    assert.deepEqual(rules.excludeObjectNames, []);
  }
  assert.equal(parseJmxRules('lowercaseOutputName: true\n', 'defaults.yaml').lowercaseOutputName, true);
  assert.equal(parseJmxRules('', 'defaults.yaml').lowercaseOutputName, false);
});

test('an empty rules list matches nothing', () => {
  assert.deepEqual(parseJmxRules('rules: []\n', 'empty.yaml').rules, []);
});

test('whitelistObjectNames and blacklistObjectNames stand in for includeObjectNames and excludeObjectNames', () => {
  const legacy = parseJmxRules(
    'whitelistObjectNames: ["kafka.server:*"]\nblacklistObjectNames: ["kafka.server:type=app-info,*"]\n',
    'legacy.yaml',
  );
  assert.deepEqual(legacy.includeObjectNames, ['kafka.server:*']);
  assert.deepEqual(legacy.excludeObjectNames, ['kafka.server:type=app-info,*']);

  const both = parseJmxRules(
    'includeObjectNames: ["kafka.log:*"]\nwhitelistObjectNames: ["kafka.server:*"]\n' +
      'excludeObjectNames: ["kafka.log:type=Log,*"]\nblacklistObjectNames: ["kafka.server:type=app-info,*"]\n',
    'both.yaml',
  );
  assert.deepEqual(both.includeObjectNames, ['kafka.log:*']);
  assert.deepEqual(both.excludeObjectNames, ['kafka.log:type=Log,*']);
});

test('rule fields: types, valueFactor, value, help, attrNameSnakeCase', () => {
  const rules = parseJmxRules(
    [
      'rules:',
      "- pattern: 'java.lang<type=Memory><HeapMemoryUsage>used: (.*)'",
      '  name: jvm_heap_memory_used_bytes',
      "  value: '$1'",
      '  help: Used heap memory in bytes.',
      '  type: GAUGE',
      '- pattern: ".*ProcessingTimeMillis"',
      '  name: processing_seconds',
      '  valueFactor: 0.001',
      '  type: COUNTER',
      '  attrNameSnakeCase: true',
      '- pattern: ".*"',
      '  type: UNTYPED',
      '- pattern: ".*"',
      '  type: UNKNOWN',
      '',
    ].join('\n'),
    'fields.yaml',
  );
  const [heap, processing, untyped, unknown] = rules.rules;
  assert.equal(heap!.value, '$1');
  assert.equal(heap!.help, 'Used heap memory in bytes.');
  assert.equal(heap!.type, 'gauge');
  assert.equal(processing!.valueFactor, 0.001);
  assert.equal(processing!.type, 'counter');
  assert.equal(processing!.attrNameSnakeCase, true);
  assert.equal(untyped!.type, 'untyped');
  assert.equal(untyped!.name, undefined);
  assert.equal(unknown!.type, 'untyped');
});

test('YAML that does not parse names the file', () => {
  rejects('rules: [\n', /^my-rules\.yaml: not valid YAML/);
  rejects('- just\n- a list\n', /^my-rules\.yaml: expected a map with rules:/);
  rejects('rules: {pattern: x}\n', /^my-rules\.yaml: rules must be a list/);
});

test('a rule with labels or help but no name is refused, naming the file and the rule', () => {
  rejects(
    'rules:\n- pattern: a\n- pattern: b\n  labels:\n    topic: "$1"\n',
    /^my-rules\.yaml: rule 2: a rule with labels or help needs a name/,
  );
  rejects('rules:\n- pattern: a\n  help: the help\n', /^my-rules\.yaml: rule 1: a rule with labels or help needs a name/);
});

test('a rule with a name but no pattern is refused', () => {
  rejects('rules:\n- name: kafka_x\n', /^my-rules\.yaml: rule 1: a rule with a name needs a pattern/);
});

test('an invalid regular expression is refused, naming the file and the rule', () => {
  rejects(
    'rules:\n- pattern: ".*"\n- pattern: "kafka.server<type=(.+"\n  name: x\n',
    /^my-rules\.yaml: rule 2: pattern "kafka\.server<type=\(\.\+" is not a valid regular expression/,
  );
});

test('a template naming a group the pattern does not have is refused at load', () => {
  const pattern = "- pattern: 'kafka.(\\w+)<type=(.+)><>Value'\n";
  rejects(`rules:\n${pattern}  name: kafka_$1_$9\n`, /^my-rules\.yaml: rule 1: .*no group 9 \(the pattern has 2\)/);
  rejects(`rules:\n${pattern}  name: kafka_$1_$2\n  labels:\n    topic: "$3"\n`, /^my-rules\.yaml: rule 1: .*no group 3/);
  rejects(`rules:\n${pattern}  name: kafka_$1\n  value: "$5"\n`, /^my-rules\.yaml: rule 1: .*no group 5/);
  // $12 on two groups is group 1 then a literal 2, as in Java: accepted.
  assert.equal(parseJmxRules(`rules:\n${pattern}  name: kafka_$12\n`, 'ok.yaml').rules[0]!.name, 'kafka_$12');
});

test('a template naming a named group the pattern does not have is refused at load; the ones it has are accepted', () => {
  const pattern = "- pattern: 'kafka.(?<domain>\\w+)<type=(?<type>.+)><>Value'\n";
  rejects(`rules:\n${pattern}  name: kafka_\${domain}_\${typ}\n`, /^my-rules\.yaml: rule 1: .*no group named "typ"/);
  assert.equal(parseJmxRules(`rules:\n${pattern}  name: kafka_\${domain}_\${type}\n`, 'ok.yaml').rules[0]!.name, 'kafka_${domain}_${type}');
});

test('an unknown type is refused, naming the file and the rule', () => {
  rejects(
    "rules:\n- pattern: 'a'\n  name: a\n- pattern: 'b'\n  name: b\n  type: HISTOGRAM\n",
    /^my-rules\.yaml: rule 2: type must be COUNTER, GAUGE or UNTYPED, got "HISTOGRAM"/,
  );
});

test('non-boolean options are refused, naming the file (and the rule for rule options)', () => {
  rejects('lowercaseOutputName: "true"\nrules: []\n', /^my-rules\.yaml: lowercaseOutputName must be true or false/);
  rejects('lowercaseOutputLabelNames: 1\n', /^my-rules\.yaml: lowercaseOutputLabelNames must be true or false/);
  rejects("rules:\n- pattern: 'a'\n  attrNameSnakeCase: sometimes\n", /^my-rules\.yaml: rule 1: attrNameSnakeCase must be true or false/);
});

test('object name lists must hold object name patterns', () => {
  rejects('includeObjectNames: "kafka.server:*"\n', /^my-rules\.yaml: includeObjectNames must be a list of object name patterns/);
  rejects('excludeObjectNames: ["kafka.server"]\n', /^my-rules\.yaml: excludeObjectNames must be a list of object name patterns/);
});

test('a valueFactor that is not a number is refused', () => {
  rejects("rules:\n- pattern: 'a'\n  name: a\n  valueFactor: lots\n", /^my-rules\.yaml: rule 1: valueFactor must be a number/);
});
