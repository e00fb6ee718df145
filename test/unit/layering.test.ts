import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeViolation, layerViolations } from '../../scripts/layers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('no file of src/ imports from a higher layer, and every file is in a layer', () => {
  const violations = layerViolations(root);
  assert.deepEqual(
    violations,
    [],
    `layering violations (see scripts/layers.ts):\n${violations.map((violation) => `  ${describeViolation(violation)}`).join('\n')}`,
  );
});

test('the checker reports an upward import, type-only or not, and a folder in no layer', () => {
  const tree = mkdtempSync(join(tmpdir(), 'kafka-sonar-layers-'));
  try {
    const files: Record<string, string> = {
      'src/capture/low.ts': "import { high } from '../agent/high.ts';\nimport type { Low } from './same.ts';\nexport const low = high;\n",
      'src/capture/same.ts': 'export type Low = number;\n',
      'src/tcp/typed.ts': "import type {\n  High,\n} from '../agent/high.ts';\nexport type Typed = High;\n",
      'src/agent/high.ts': "import { low } from '../capture/low.ts';\nexport const high = 1;\nexport type High = typeof low;\n",
      'src/version.ts': "import packageJson from '../package.json' with { type: 'json' };\nexport const VERSION = packageJson.version;\n",
      'src/elsewhere/stray.ts': 'export const stray = 1;\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
    const violations = layerViolations(tree);
    assert.deepEqual(violations, [
      { from: 'src/capture/low.ts', to: 'src/agent/high.ts' },
      { from: 'src/elsewhere/stray.ts', to: null },
      { from: 'src/tcp/typed.ts', to: 'src/agent/high.ts' },
    ]);
    assert.equal(describeViolation(violations[0]!), 'src/capture/low.ts [capture] imports src/agent/high.ts [agent], a higher layer');
    assert.match(describeViolation(violations[1]!), /^src\/elsewhere\/stray\.ts is in no layer/);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
});
