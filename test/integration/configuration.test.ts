import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runExporterCommand, startExporterProcess } from '../support/exporter-process.ts';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sonar-cli-')), 'sonar.yml');
  writeFileSync(path, text);
  return path;
}

function assertOneClearLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  assert.equal(lines.length, 1, `expected one error line, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
}

test('--help lists every option with its default', async () => {
  const { code, stdout } = await runExporterCommand(['--help']);
  assert.equal(code, 0);
  for (const flag of [
    '--kafka.server',
    '--web.listen-address',
    '--sasl.mechanism',
    '--tls.ca-file',
    '--otlp.endpoint',
    '--log.format',
    '--collector.cluster.interval',
  ]) {
    assert.ok(stdout.includes(flag), `--help does not list ${flag}`);
  }
  assert.match(stdout, /--web\.listen-address=STRING\n.*\n\s+default: ":9870"; environment: KAFKA_SONAR_WEB_LISTEN_ADDRESS/);
});

test('--config.check accepts a valid file and rejects an unknown key with one clear line', async () => {
  const valid = await runExporterCommand(['--config.check', yamlFile('kafka:\n  server: [a:9092, b:9092]\nlog:\n  format: logfmt\n')]);
  assert.equal(valid.code, 0);
  assert.match(valid.stdout, /is valid/);
  const file = yamlFile('kafka:\n  servers: [a:9092]\n');
  const invalid = await runExporterCommand(['--config.check', file]);
  assert.equal(invalid.code, 2);
  assertOneClearLine(
    invalid.stderr,
    new RegExp(`configuration error: config file ${file}: unknown key kafka\\.servers \\(did you mean kafka\\.server\\?\\)`),
  );
});

test('a constant label that a metric has already is refused at start and by --config.check', async () => {
  const atStart = await runExporterCommand(['--kafka.labels=topic=orders', '--collector.cluster.enabled=false']);
  assert.equal(atStart.code, 2);
  assertOneClearLine(atStart.stderr, /configuration error: kafka\.labels: topic is a label of kafka_\w+ already/);
  const checked = await runExporterCommand(['--config.check', yamlFile('kafka:\n  labels: [env=prod, client_id=x]\n')]);
  assert.equal(checked.code, 2);
  assertOneClearLine(checked.stderr, /configuration error: kafka\.labels: client_id is a label of kafka_\w+ already/);
});

test('a wrong type, a missing file and a bad flag each exit non-zero with one clear line', async () => {
  const wrongType = await runExporterCommand(['--config.file', yamlFile('collector:\n  cluster:\n    interval: often\n')]);
  assert.equal(wrongType.code, 2);
  assertOneClearLine(wrongType.stderr, /invalid value "often" for collector\.cluster\.interval/);

  const missing = await runExporterCommand(['--config.file', '/nonexistent/sonar.yml']);
  assert.equal(missing.code, 2);
  assertOneClearLine(missing.stderr, /config file \/nonexistent\/sonar\.yml: no such file/);

  const badFlag = await runExporterCommand(['--kafka.servers=a:1']);
  assert.equal(badFlag.code, 2);
  assertOneClearLine(badFlag.stderr, /unknown flag --kafka\.servers/);

  const badEnvironment = await runExporterCommand([], { KAFKA_SONAR_LOG_LEVEL: 'loud' });
  assert.equal(badEnvironment.code, 2);
  assertOneClearLine(
    badEnvironment.stderr,
    /environment variable KAFKA_SONAR_LOG_LEVEL: invalid value "loud" for log\.level: expected one of debug, info, warn, error/,
  );
});

test('a listen address in use is named', async () => {
  const first = await startExporterProcess(['--kafka.server=127.0.0.1:1', '--collector.cluster.enabled=false']);
  try {
    const port = new URL(first.url).port;
    const second = await runExporterCommand([`--web.listen-address=127.0.0.1:${port}`, '--collector.cluster.enabled=false']);
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(web\\.listen-address\\): the address is already in use`),
    );
  } finally {
    await first.stop();
  }
});

test('settings from the environment apply, and flags win over them', async () => {
  const exporter = await startExporterProcess(['--cluster.name=from-flag', '--collector.cluster.enabled=false'], {
    KAFKA_SONAR_CLUSTER_NAME: 'from-env',
    KAFKA_SONAR_LOG_FORMAT: 'logfmt',
  });
  try {
    const text = await (await fetch(`${exporter.url}/metrics`)).text();
    assert.match(text, /kafka_sonar_build_info\{version="[^"]+",node_version="v22\.[^"]+",cluster="from-flag"\} 1/);
    assert.match(exporter.stderr(), /level=info msg="kafka-sonar started"/);
  } finally {
    await exporter.stop();
  }
});
