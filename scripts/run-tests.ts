/**
 * `npm test`: type-check, then every unit and integration test in one run of node's test runner
 * (files one at a time, since integration tests share the test bed), then stop the test bed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensurePrerequisites } from './prerequisites.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const extraArguments = process.argv.slice(2);

function run(command: string, args: readonly string[]): number {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    process.stderr.write(`cannot run ${command}: ${result.error.message}\n`);
    return 1;
  }
  return result.status ?? 1;
}

try {
  ensurePrerequisites(root);
} catch (error) {
  process.stderr.write(`npm test: ${(error as Error).message}\n`);
  process.exit(1);
}

const node = process.execPath;
const typecheck = run(node, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
if (typecheck !== 0) {
  process.stderr.write('type check failed\n');
  process.exit(typecheck);
}

const patterns = extraArguments.length > 0 ? extraArguments : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'];
let status = 1;
try {
  status = run(node, ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-timeout=600000', ...patterns]);
} finally {
  const teardown = spawnSync(node, ['test/testbed/cli.ts', 'down'], { cwd: root, encoding: 'utf8' });
  if (teardown.status !== 0) process.stderr.write(`test bed teardown failed:\n${teardown.stdout}${teardown.stderr}\n`);
}
process.exit(status);
