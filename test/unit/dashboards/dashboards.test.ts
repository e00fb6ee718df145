import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { DASHBOARDS, renderDashboard } from '../../../dashboards/src/index.ts';
import { concreteQuery, panelQueries } from '../../../dashboards/src/queries.ts';
import { catalogue } from '../../../src/metrics/catalogue/index.ts';

const queries = Object.entries(DASHBOARDS).flatMap(([file, model]) => panelQueries(file, model));

test('the committed dashboards are what the code generates (run node scripts/gen-dashboards.ts)', () => {
  for (const [file, model] of Object.entries(DASHBOARDS)) {
    assert.equal(
      readFileSync(new URL(`../../../dashboards/${file}`, import.meta.url), 'utf8'),
      renderDashboard(model),
      `${file} is out of date`,
    );
  }
});

test('every panel queries metrics kafka-sonar exports', () => {
  const known = new Set(
    catalogue().flatMap((metric) =>
      metric.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((suffix) => metric.name + suffix) : [metric.name],
    ),
  );
  assert.ok(queries.length > 10);
  for (const { panel, expr } of queries) {
    const names = expr.match(/\b(kafka|zookeeper)_[a-z_]+/g) ?? [];
    assert.ok(names.length > 0, `panel "${panel}" queries no kafka-sonar metric`);
    for (const name of names) assert.ok(known.has(name), `panel "${panel}" queries ${name}, which kafka-sonar does not export`);
  }
});

test('every panel query is valid PromQL (promtool check rules)', () => {
  const rules = {
    groups: [
      {
        name: 'dashboard-queries',
        rules: queries.map((query, index) => ({ record: `dashboard:query_${index}`, expr: concreteQuery(query.expr) })),
      },
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'sonar-dashboards-')), 'queries.yml');
  writeFileSync(file, stringify(rules));
  const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  assert.equal(result.error, undefined, 'promtool must be installed (Debian package prometheus)');
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});

test('panels fit the 24-column grid and have unique ids', () => {
  for (const [file, model] of Object.entries(DASHBOARDS)) {
    const panels = model.panels as { id: number; gridPos: { x: number; w: number } }[];
    assert.equal(new Set(panels.map((panel) => panel.id)).size, panels.length, `${file}: duplicate panel ids`);
    for (const panel of panels) assert.ok(panel.gridPos.x + panel.gridPos.w <= 24, `${file}: panel ${panel.id} overflows the grid`);
  }
});
