import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/config.ts';
import { ConfigError } from '../../../src/config/errors.ts';
import { parseArguments } from '../../../src/config/flags.ts';

const fromFlags = (...argv: string[]) => loadConfig({ flags: parseArguments(argv).flags });

test('the ZooKeeper and schema registry collectors are off until a server or URL is given; the quorum collector is on with a Kafka server', () => {
  const config = fromFlags('--kafka.server=broker:9092');
  assert.equal(config.collectors.zookeeper.enabled, false);
  assert.equal(config.collectors.schemaRegistry.enabled, false);
  assert.equal(config.collectors.quorum.enabled, true);
  assert.equal(config.collectors.quorum.intervalSeconds, 30);
  assert.equal(loadConfig({}).collectors.quorum.enabled, false);
});

test('zookeeper.server is repeatable or comma-separated, like kafka.server', () => {
  const config = fromFlags(
    '--zookeeper.server=zk-1:2181,zk-2:2181',
    '--zookeeper.server',
    'zk-3:2181',
    '--collector.zookeeper.interval=5s',
  );
  assert.equal(config.collectors.zookeeper.enabled, true);
  assert.deepEqual(config.collectors.zookeeper.servers, ['zk-1:2181', 'zk-2:2181', 'zk-3:2181']);
  assert.equal(config.collectors.zookeeper.intervalSeconds, 5);
  assert.equal(config.collectors.zookeeper.znodes, true);
});

test('collector.zookeeper.enabled and collector.schema-registry.enabled turn off a configured collector', () => {
  const configured = ['--zookeeper.server=zk:2181', '--schema-registry.url=http://registry:8081'];
  assert.equal(fromFlags(...configured).collectors.zookeeper.enabled, true);
  assert.equal(fromFlags(...configured).collectors.schemaRegistry.enabled, true);
  const off = fromFlags(...configured, '--collector.zookeeper.enabled=false', '--collector.schema-registry.enabled=false');
  assert.equal(off.collectors.zookeeper.enabled, false);
  assert.equal(off.collectors.schemaRegistry.enabled, false);
  assert.equal(
    fromFlags('--collector.zookeeper.enabled=true').collectors.zookeeper.enabled,
    false,
    'the switch alone, without a server, runs nothing',
  );
});

test('the environment and the YAML file set the new options too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonar-config-'));
  const file = join(dir, 'config.yml');
  writeFileSync(file, 'schema-registry:\n  url: https://registry:8081/\n  username: sonar\ncollector.schema-registry.concurrency: 2\n');
  const config = loadConfig({
    configFile: file,
    environment: { KAFKA_SONAR_SCHEMA_REGISTRY_PASSWORD: 'secret', KAFKA_SONAR_ZOOKEEPER_SERVER: 'zk:2181' },
  });
  assert.equal(config.collectors.schemaRegistry.url, 'https://registry:8081', 'a trailing slash is dropped');
  assert.equal(config.collectors.schemaRegistry.tls.enabled, true);
  assert.equal(config.collectors.schemaRegistry.password, 'secret');
  assert.equal(config.collectors.schemaRegistry.concurrency, 2);
  assert.deepEqual(config.collectors.zookeeper.servers, ['zk:2181']);
});

test('invalid settings stop the exporter with a line naming the key', () => {
  assert.throws(
    () => fromFlags('--zookeeper.server=zk:2181/kafka'),
    (error: unknown) =>
      error instanceof ConfigError &&
      /zookeeper\.server: "zk:2181\/kafka" is not host:port \(give the chroot in zookeeper\.chroot\)/.test(error.message),
  );
  assert.throws(() => fromFlags('--schema-registry.url=registry:8081'), /schema-registry\.url: "registry:8081" is not an http\(s\) URL/);
  assert.throws(
    () => fromFlags('--schema-registry.url=http://r:8081', '--schema-registry.password=x'),
    /schema-registry\.username is empty/,
  );
  assert.throws(() => fromFlags('--zookeeper.server=zk:2181', '--zookeeper.tls.enabled'), /set collector\.zookeeper\.znodes=false/);
  assert.doesNotThrow(() => fromFlags('--zookeeper.server=zk:2281', '--zookeeper.tls.enabled', '--collector.zookeeper.znodes=false'));
  assert.throws(() => fromFlags('--collector.quorum.interval=0'), /collector\.quorum\.interval must be greater than 0/);
  assert.throws(
    () => fromFlags('--schema-registry.url=https://r', '--schema-registry.cert-file=c.pem'),
    /schema-registry\.cert-file and schema-registry\.key-file go together/,
  );
});

test('jmx.jolokia-url: one URL per broker or one {host} template; https turns TLS on; the demo capture stays off', () => {
  const config = fromFlags('--jmx.jolokia-url=http://b1:8778/jolokia/,https://b2:8778/jolokia', '--collector.jmx.interval=15s');
  assert.equal(config.collectors.jmx.enabled, true);
  assert.deepEqual(config.collectors.jmx.jolokiaUrls, ['http://b1:8778/jolokia', 'https://b2:8778/jolokia']);
  assert.equal(config.collectors.jmx.tls.enabled, true);
  assert.equal(config.collectors.jmx.intervalSeconds, 15);
  assert.equal(config.sniffer.demo, false);
  assert.equal(fromFlags('--kafka.server=k:9092', '--jmx.jolokia-url=http://{host}:8778/jolokia').collectors.jmx.enabled, true);
  assert.equal(loadConfig({}).collectors.jmx.enabled, false);
});

test('jmx settings that cannot work are configuration errors naming the option, never the password', () => {
  const rejects = (pattern: RegExp, ...argv: string[]) =>
    assert.throws(
      () => fromFlags(...argv),
      (error: unknown) => error instanceof ConfigError && pattern.test(error.message) && !error.message.includes('pa55'),
    );
  rejects(/^jmx\.jolokia-url: "ftp:\/\/\*\*\*@b1:8778" is not an http\(s\) URL$/, '--jmx.jolokia-url=ftp://sonar:pa55@b1:8778');
  rejects(/one URL with \{host\} in it or one URL per broker/, '--kafka.server=k:9092', '--jmx.jolokia-url=http://{host}:1/j,http://b:1/j');
  rejects(/needs kafka\.server/, '--jmx.jolokia-url=http://{host}:8778/jolokia');
  rejects(/jmx\.password is set but jmx\.username is empty/, '--jmx.jolokia-url=http://b:1/j', '--jmx.password=pa55');
  rejects(/jmx\.cert-file and jmx\.key-file go together/, '--jmx.jolokia-url=https://b:1/j', '--jmx.cert-file=c.pem');
  rejects(/collector\.jmx\.max-series must be at least 1/, '--jmx.jolokia-url=http://b:1/j', '--collector.jmx.max-series=0');
});
