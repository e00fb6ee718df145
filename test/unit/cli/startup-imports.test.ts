import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PRELOAD = join(ROOT, 'test/support/record-loaded-modules.ts');
const dir = mkdtempSync(join(tmpdir(), 'sonar-imports-'));
/** What the exporter needs and a replay or --help does not: loading them is most of a slow start. */
const HEAVY = [
  '/node_modules/express/',
  '/node_modules/@opentelemetry/',
  '/node_modules/@platformatic/kafka/',
  '/node_modules/prom-client/',
  '/src/exporter.ts',
];

after(() => rmSync(dir, { recursive: true, force: true }));

function loadedBy(args: readonly string[]): string[] {
  const file = join(dir, `${args.join('_').replace(/\W+/g, '_')}.txt`);
  const result = spawnSync(process.execPath, ['--import', PRELOAD, join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, KAFKA_SONAR_LOADED_MODULES: file },
  });
  assert.equal(result.status, 0, result.stderr);
  return readFileSync(file, 'utf8').split('\n');
}

test('replay loads the sniffer, not express, OpenTelemetry, the Kafka client or the exporter', () => {
  const loaded = loadedBy(['replay', join(ROOT, 'examples/demo-traffic.pcap'), '--summary']);
  assert.ok(
    loaded.some((url) => url.endsWith('/src/sniffer/sniff-capture.ts')),
    'the preload sees what is loaded',
  );
  for (const heavy of HEAVY)
    assert.deepEqual(
      loaded.filter((url) => url.includes(heavy)),
      [],
      heavy,
    );
});

test('--help and --version load neither the exporter nor its libraries', () => {
  for (const args of [['--help'], ['--version']]) {
    const loaded = loadedBy(args);
    assert.ok(loaded.some((url) => url.endsWith('/src/cli/help.ts')));
    for (const heavy of HEAVY)
      assert.deepEqual(
        loaded.filter((url) => url.includes(heavy)),
        [],
        `${args[0]}: ${heavy}`,
      );
  }
});

test('the compiled JavaScript the package runs (npm run build) answers as the sources do', () => {
  const run = (main: string, args: readonly string[]) =>
    spawnSync(process.execPath, [join(ROOT, main), ...args], { cwd: ROOT, encoding: 'utf8' });
  // The compiled command as an installed `kafka-sonar` runs: through its launcher (which finds this Node first on PATH).
  const runCommand = (args: readonly string[]) =>
    spawnSync(join(ROOT, 'bin/kafka-sonar'), args, {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    });
  for (const args of [['replay', join(ROOT, 'examples/demo-traffic.pcap'), '--summary', '--json'], ['--version'], ['--help']]) {
    const compiled = runCommand(args);
    assert.equal(compiled.error, undefined);
    assert.equal(compiled.status, 0, `dist/cli/main.js ${args.join(' ')} (run npm run build first): ${compiled.stderr}`);
    const source = run('src/cli/main.ts', args);
    assert.equal(compiled.stdout, source.stdout, args.join(' '));
  }
});
