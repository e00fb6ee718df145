import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { catalogue } from '../../src/metrics/catalogue/index.ts';

const alertsDir = fileURLToPath(new URL('../../alerts/', import.meta.url));

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  assert.equal(result.error, undefined, 'promtool must be installed (Debian package prometheus)');
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('the alert rules pass promtool check rules', () => {
  const { status, output } = promtool(['check', 'rules', 'kafka-sonar.rules.yml'], alertsDir);
  assert.equal(status, 0, output);
});

test('the alert rules pass their promtool unit tests', () => {
  const { status, output } = promtool(['test', 'rules', 'tests/kafka-sonar.rules.test.yml'], alertsDir);
  assert.equal(status, 0, output);
});

test('every metric an alert uses is in the catalogue', () => {
  const known = new Set(catalogue().map((metric) => metric.name));
  const document = parseYaml(readFileSync(`${alertsDir}/kafka-sonar.rules.yml`, 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  for (const rule of document.groups.flatMap((group) => group.rules)) {
    const names = rule.expr.match(/\b(kafka|zookeeper)_[a-z_]+/g) ?? [];
    assert.ok(names.length > 0, `${rule.alert} uses no kafka-sonar metric`);
    for (const name of names) assert.ok(known.has(name), `${rule.alert} uses ${name}, which kafka-sonar does not export`);
  }
});
