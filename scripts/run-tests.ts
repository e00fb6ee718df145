/**
 * `npm test`: type-check, check the formatting and import style (Biome), then every unit and integration
 * test in one run of node's test runner (files one at a time, since integration tests share the test bed),
 * then a minute of fuzzing (test/fuzz/run.ts), then stop the test bed.
 * `npm test -- --stress [patterns]` runs them while one busy loop per core competes for the CPU, as on a
 * loaded CI machine; KAFKA_SONAR_TEST_TIME_FACTOR stretches every test deadline.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensurePrerequisites } from './prerequisites.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const stress = process.argv.includes('--stress');
const extraArguments = process.argv.slice(2).filter((argument) => argument !== '--stress');

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
// The package runs the compiled JavaScript (Node does not strip types under node_modules, and stripping is
// most of a start-up); a unit test runs it beside the sources.
const built = run(node, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
if (built !== 0) {
  process.stderr.write('build failed\n');
  process.exit(built);
}
const formatted = run(node, ['node_modules/@biomejs/biome/bin/biome', 'ci', '--colors=off', '.']);
if (formatted !== 0) {
  process.stderr.write('format or lint check failed: npm run format rewrites the files, npm run lint lists what is left\n');
  process.exit(formatted);
}

const patterns = extraArguments.length > 0 ? extraArguments : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'];
/** Busy loops at the tests' own priority, one per core, until the run ends. */
function startCpuHogs(): ChildProcess[] {
  const count = availableParallelism();
  process.stderr.write(`npm test --stress: ${count} busy loops keep every core busy during the run\n`);
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

const hogs = stress ? startCpuHogs() : [];
const FUZZ_SEED = 20_261_207;
let status = 1;
try {
  status = run(node, ['--test', '--test-concurrency=1', '--test-reporter=spec', '--test-timeout=600000', ...patterns]);
  // A minute of fuzzing with a fixed seed (the same inputs every run, so a red run is reproducible);
  // `npm run fuzz` explores with new seeds.
  if (extraArguments.length === 0) {
    const fuzzed = run(node, ['test/fuzz/run.ts', '--seconds', '60', '--seed', String(FUZZ_SEED)]);
    if (fuzzed !== 0) {
      process.stderr.write('the fuzzer found inputs that fail: see test/fuzz/crashes/\n');
      status ||= fuzzed;
    }
  }
} finally {
  for (const hog of hogs) hog.kill('SIGKILL');
  const teardown = spawnSync(node, ['test/testbed/cli.ts', 'down'], { cwd: root, encoding: 'utf8' });
  if (teardown.status !== 0) process.stderr.write(`test bed teardown failed:\n${teardown.stdout}${teardown.stderr}\n`);
}
process.exit(status);
