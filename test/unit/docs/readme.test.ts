import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { regenerateReadme } from '../../../src/docs/reference.ts';
import { catalogue } from '../../../src/metrics/catalogue/index.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test('the README references are generated from the option table and the catalogue (run npm run docs)', () => {
  assert.equal(readme, regenerateReadme(readme), 'README.md is out of date: run npm run docs');
});

test('every metric in the catalogue follows the naming conventions', () => {
  const names = new Set<string>();
  for (const metric of catalogue()) {
    assert.ok(!names.has(metric.name), `${metric.name} is defined twice`);
    names.add(metric.name);
    assert.match(metric.name, /^[a-z_][a-z0-9_]*$/);
    assert.equal(metric.type === 'counter', metric.name.endsWith('_total'), `${metric.name}: counters, and only counters, end in _total`);
    if (metric.name.endsWith('_info')) assert.equal(metric.type, 'gauge');
    assert.ok(metric.help.endsWith('.'), `${metric.name}: help is a sentence`);
  }
});
