import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/config.ts';
import { ConfigError } from '../../../src/config/errors.ts';
import { parseArguments } from '../../../src/config/flags.ts';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sonar-config-')), 'config.yml');
  writeFileSync(path, text);
  return path;
}

test('defaults apply when nothing is set', () => {
  const config = loadConfig({});
  assert.equal(config.web.listenAddress, ':9870');
  assert.deepEqual(config.kafka.bootstrapServers, []);
  assert.equal(config.collectors.cluster.intervalSeconds, 30);
  assert.equal(config.log.format, 'json');
});

test('with nothing to watch configured, the cluster collector is off and the demo capture is replayed', () => {
  const nothing = loadConfig({});
  assert.equal(nothing.collectors.cluster.enabled, false);
  assert.equal(nothing.sniffer.enabled, true);
  assert.equal(nothing.sniffer.demo, true);
  const withKafka = loadConfig({ flags: parseArguments(['--kafka.server=broker:9092']).flags });
  assert.equal(withKafka.collectors.cluster.enabled, true);
  assert.equal(withKafka.sniffer.enabled, false);
  assert.equal(withKafka.sniffer.demo, false);
  const capturing = loadConfig({ flags: parseArguments(['--sniff.interface=lo', '--sniff.broker-ports=9092,9093']).flags });
  assert.equal(capturing.sniffer.enabled, true);
  assert.equal(capturing.sniffer.demo, false);
  assert.deepEqual(capturing.sniffer.brokerPorts, [9092, 9093]);
});

test('sniff options are validated', () => {
  const load =
    (...argv: string[]) =>
    () =>
      loadConfig({ flags: parseArguments(argv).flags });
  assert.throws(load('--sniff.broker-ports=0'), /sniff\.broker-ports: "0" is not a port/);
  assert.throws(load('--sniff.interface=lo', '--sniff.replay=x.pcap'), /exclude each other/);
  assert.throws(load('--sniff.max-clients=0'), /sniff\.max-clients must be at least 1/);
  assert.throws(load('--sniff.buffer-size=100'), /sniff\.buffer-size must be at least 65536/);
});

test('the Kubernetes pod mapping is off by default, and set by flag, environment or file', () => {
  const defaults = loadConfig({}).sniffer;
  assert.equal(defaults.kubernetesPods, false);
  assert.equal(defaults.kubernetesPodsRefreshSeconds, 60);
  const flagged = loadConfig({
    flags: parseArguments(['--sniff.interface=lo', '--sniff.kubernetes-pods', '--sniff.kubernetes-pods-refresh=2m']).flags,
  }).sniffer;
  assert.equal(flagged.kubernetesPods, true);
  assert.equal(flagged.kubernetesPodsRefreshSeconds, 120);
  const fromEnvironment = loadConfig({
    environment: { KAFKA_SONAR_SNIFF_KUBERNETES_PODS: 'true', KAFKA_SONAR_SNIFF_KUBERNETES_PODS_REFRESH: '30s' },
  }).sniffer;
  assert.deepEqual([fromEnvironment.kubernetesPods, fromEnvironment.kubernetesPodsRefreshSeconds], [true, 30]);
  const fromFile = loadConfig({ configFile: yamlFile('sniff:\n  kubernetes-pods: true\n  kubernetes-pods-refresh: 90s\n') }).sniffer;
  assert.deepEqual([fromFile.kubernetesPods, fromFile.kubernetesPodsRefreshSeconds], [true, 90]);
  const load =
    (...argv: string[]) =>
    () =>
      loadConfig({ flags: parseArguments(argv).flags });
  assert.throws(load('--sniff.kubernetes-pods-refresh=0'), /sniff\.kubernetes-pods-refresh must be greater than 0/);
  assert.throws(load('--sniff.kubernetes-pods-refresh=often'), /sniff\.kubernetes-pods-refresh/);
  assert.throws(load('--sniff.kubernetes-pods=maybe'), /sniff\.kubernetes-pods/);
});

test('flags win over the environment, the environment over the file', () => {
  const file = yamlFile('kafka:\n  server: [file:1]\n  client-id: from-file\nlog:\n  level: debug\ncollector.cluster.interval: 5m\n');
  const environment = { KAFKA_SONAR_KAFKA_SERVER: 'env:1,env:2', KAFKA_SONAR_KAFKA_CLIENT_ID: 'from-env' };
  const { flags } = parseArguments(['--kafka.client-id', 'from-flag']);
  const config = loadConfig({ flags, environment, configFile: file });
  assert.equal(config.kafka.clientId, 'from-flag');
  assert.deepEqual(config.kafka.bootstrapServers, ['env:1', 'env:2']);
  assert.equal(config.log.level, 'debug');
  assert.equal(config.collectors.cluster.intervalSeconds, 300);
});

test('kafka.server is repeatable and comma-separated, as in kafka_exporter', () => {
  const { flags } = parseArguments(['--kafka.server=a:1,b:2', '--kafka.server', 'c:3']);
  assert.deepEqual(loadConfig({ flags }).kafka.bootstrapServers, ['a:1', 'b:2', 'c:3']);
});

test('boolean flags work bare and with a value', () => {
  assert.equal(loadConfig({ flags: parseArguments(['--tls.enabled']).flags }).kafka.tls.enabled, true);
  assert.equal(loadConfig({ flags: parseArguments(['--tls.enabled=false']).flags }).kafka.tls.enabled, false);
});

test('an unknown key in the file names the key and suggests the right one', () => {
  const file = yamlFile('kafka:\n  sever: [a:1]\n');
  assert.throws(
    () => loadConfig({ configFile: file }),
    (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`config file ${file}: unknown key kafka\\.sever \\(did you mean kafka\\.server\\?\\)`));
      return true;
    },
  );
});

test('a wrong type names the key, the value and what is expected', () => {
  const file = yamlFile('collector:\n  cluster:\n    enabled: maybe\n');
  assert.throws(() => loadConfig({ configFile: file }), /invalid value "maybe" for collector\.cluster\.enabled: expected true or false/);
  assert.throws(
    () => loadConfig({ environment: { KAFKA_SONAR_COLLECTOR_CLUSTER_TIMEOUT: 'soon' } }),
    /environment variable KAFKA_SONAR_COLLECTOR_CLUSTER_TIMEOUT: invalid value "soon" for collector\.cluster\.timeout/,
  );
  assert.throws(() => loadConfig({ flags: parseArguments(['--log.format=xml']).flags }), /expected one of json, logfmt/);
});

test('a missing file, a directory and invalid YAML are named', () => {
  assert.throws(() => loadConfig({ configFile: '/nonexistent/sonar.yml' }), /config file \/nonexistent\/sonar\.yml: no such file/);
  assert.throws(() => loadConfig({ configFile: yamlFile('kafka: [unclosed\n') }), /not valid YAML/);
  assert.throws(() => loadConfig({ configFile: yamlFile('- a\n- b\n') }), /expected a YAML map/);
});

test('unknown flags and flags without values are refused', () => {
  assert.throws(() => parseArguments(['--kafka.servr=a:1']), /unknown flag --kafka\.servr \(did you mean kafka\.server\?\)/);
  assert.throws(() => parseArguments(['--kafka.server']), /flag --kafka\.server needs a value/);
});

test('inconsistent settings are refused with the key named', () => {
  assert.throws(() => loadConfig({ flags: parseArguments(['--kafka.server=nohost']).flags }), /kafka\.server: "nohost" is not host:port/);
  assert.throws(
    () => loadConfig({ flags: parseArguments(['--tls.cert-file=/a.pem']).flags }),
    /tls\.cert-file and tls\.key-file go together/,
  );
  assert.throws(() => loadConfig({ flags: parseArguments(['--sasl.enabled']).flags }), /sasl\.username is empty/);
  assert.throws(() => loadConfig({ flags: parseArguments(['--otlp.endpoint=collector:4318']).flags }), /otlp\.endpoint/);
  assert.throws(() => loadConfig({ flags: parseArguments(['--otlp.headers=novalue']).flags }), /otlp\.headers: expected name=value/);
});

test('durations accept units', () => {
  const { flags } = parseArguments(['--collector.cluster.timeout=1500ms', '--otlp.interval=2m']);
  const config = loadConfig({ flags });
  assert.equal(config.collectors.cluster.timeoutSeconds, 1.5);
  assert.equal(config.otlp.intervalSeconds, 120);
});

test('kafka.labels: name=value pairs, repeatable or comma-separated; bad names and a second cluster label are refused', () => {
  const labelsOf = (...argv: string[]) => loadConfig({ flags: parseArguments(argv).flags }).constantLabels;
  assert.deepEqual(labelsOf(), {});
  assert.deepEqual(labelsOf('--kafka.labels=kafka_cluster=prod,env=eu-1'), { kafka_cluster: 'prod', env: 'eu-1' });
  assert.deepEqual(labelsOf('--kafka.labels=a=1', '--kafka.labels=b=x=y'), { a: '1', b: 'x=y' }, 'the value keeps its own =');
  assert.deepEqual(labelsOf('--kafka.labels=cluster=prod'), { cluster: 'prod' }, 'cluster is free while cluster.name is not set');
  for (const [argument, message] of [
    ['--kafka.labels=noequals', /kafka\.labels: expected name=value, got "noequals"/],
    ['--kafka.labels==x', /kafka\.labels: expected name=value/],
    ['--kafka.labels=1abc=x', /kafka\.labels: "1abc" is not a Prometheus label name/],
    ['--kafka.labels=__name__=x', /kafka\.labels: "__name__" is not a Prometheus label name/],
    ['--kafka.labels=with-dash=x', /kafka\.labels: "with-dash" is not a Prometheus label name/],
  ] as const) {
    assert.throws(
      () => labelsOf(argument),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
      argument,
    );
  }
  assert.throws(
    () => labelsOf('--cluster.name=prod', '--kafka.labels=cluster=other'),
    (error: unknown) => error instanceof ConfigError && /cluster is the label cluster\.name sets/.test(error.message),
  );
});
