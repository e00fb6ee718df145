import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../../src/config/config.ts';
import { parseArguments } from '../../../src/config/flags.ts';
import { checkReferencedFiles } from '../../../src/config/referenced-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'sonar-files-'));
const pem = join(dir, 'ca.pem');
writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n');
after(() => rmSync(dir, { recursive: true, force: true }));

const check = (...argv: string[]): void => checkReferencedFiles(loadConfig({ flags: parseArguments(argv).flags }));

test('readable certificate files pass', () => {
  check('--kafka.server=k:9092', '--tls.enabled', `--tls.ca-file=${pem}`, `--tls.cert-file=${pem}`, `--tls.key-file=${pem}`);
});

test('a missing file is named with its option and what to do', () => {
  const missing = join(dir, 'missing.pem');
  assert.throws(() => check('--kafka.server=k:9092', '--tls.enabled', `--tls.ca-file=${missing}`), {
    message: `tls.ca-file: cannot read ${missing} (no such file); give the path of a readable PEM file`,
  });
  assert.throws(
    () =>
      check(
        '--zookeeper.server=z:2181',
        '--zookeeper.tls.enabled',
        '--collector.zookeeper.znodes=false',
        `--zookeeper.tls.key-file=${missing}`,
        `--zookeeper.tls.cert-file=${pem}`,
      ),
    /^ConfigError: zookeeper\.tls\.key-file: cannot read/,
  );
  assert.throws(
    () => check('--schema-registry.url=https://registry:8081', `--schema-registry.ca-file=${missing}`),
    /^ConfigError: schema-registry\.ca-file/,
  );
});

test('a directory is not a certificate file', () => {
  assert.throws(
    () => check('--kafka.server=k:9092', '--tls.enabled', `--tls.ca-file=${dir}`),
    /tls\.ca-file: cannot read .* \(not a file\)/,
  );
});

test('files of connections without TLS are not read', () => {
  check('--kafka.server=k:9092', `--tls.ca-file=${join(dir, 'missing.pem')}`);
});
