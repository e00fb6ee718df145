import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPom } from '../../testbed/artifacts.ts';
import { internalTopicReplication, kraftNodeProperties, renderProperties, zkBrokerProperties } from '../../testbed/kafka-config.ts';
import { resolveShape } from '../../testbed/lifecycle.ts';
import { renderAlertmanagerConfig, renderPrometheusConfig } from '../../testbed/prometheus.ts';
import { withTlsListener } from '../../testbed/tls.ts';
import { renderZookeeperConfig } from '../../testbed/zookeeper.ts';
import { parse } from 'yaml';

const quorum = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9090 + id, controllerPort: 9190 + id }));

test('a KRaft node joins a static quorum of combined nodes', () => {
  const properties = kraftNodeProperties({ node: quorum[1]!, quorum, dataDir: '/d/kafka-2/data' });
  assert.equal(properties['process.roles'], 'broker,controller');
  assert.equal(properties['node.id'], 2);
  assert.equal(properties['controller.quorum.voters'], '1@127.0.0.1:9191,2@127.0.0.1:9192,3@127.0.0.1:9193');
  assert.equal(properties.listeners, 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9192');
  assert.equal(properties['advertised.listeners'], 'PLAINTEXT://127.0.0.1:9092');
  assert.equal(properties['offsets.topic.replication.factor'], 3);
  assert.equal(properties['transaction.state.log.min.isr'], 2);
  assert.equal(properties['num.io.threads'], 4);
});

test('a TLS node adds an SSL listener with PEM stores that requires client certificates; KRaft only', () => {
  const node = { ...quorum[0]!, tlsPort: 9392 };
  const files = {
    caFile: '/t/ca.pem',
    brokerKeystoreFile: '/t/broker-keystore.pem',
    clientCertFile: '/t/client.pem',
    clientKeyFile: '/t/client-key.pem',
  };
  const properties = withTlsListener(kraftNodeProperties({ node, quorum, dataDir: '/d' }), node, files);
  assert.equal(properties.listeners, 'PLAINTEXT://127.0.0.1:9091,CONTROLLER://127.0.0.1:9191,SSL://127.0.0.1:9392');
  assert.equal(properties['advertised.listeners'], 'PLAINTEXT://127.0.0.1:9091,SSL://127.0.0.1:9392');
  assert.match(String(properties['listener.security.protocol.map']), /,SSL:SSL$/);
  assert.equal(properties['ssl.keystore.location'], files.brokerKeystoreFile);
  assert.equal(properties['ssl.truststore.location'], files.caFile);
  assert.equal(properties['ssl.client.auth'], 'required');
  assert.throws(() => resolveShape({ mode: 'zk', tls: true }), /tls applies to --mode kraft only/);
});

test('a KRaft node may serve clients on another address while its controller stays on loopback', () => {
  const node = { id: 1, host: '10.203.7.1', port: 9092, controllerPort: 9192, controllerHost: '127.0.0.1' };
  const properties = kraftNodeProperties({ node, quorum: [node], dataDir: '/d' });
  assert.equal(properties.listeners, 'PLAINTEXT://10.203.7.1:9092,CONTROLLER://127.0.0.1:9192');
  assert.equal(properties['advertised.listeners'], 'PLAINTEXT://10.203.7.1:9092');
  assert.equal(properties['controller.quorum.voters'], '1@127.0.0.1:9192');
  assert.deepEqual(resolveShape({ mode: 'kraft', brokers: 1, listenHost: '10.203.7.1' }), {
    mode: 'kraft',
    brokers: 1,
    zookeepers: 0,
    registry: false,
    prometheus: false,
    listenHost: '10.203.7.1',
  });
  assert.equal(resolveShape({ mode: 'kraft', brokers: 1, listenHost: '127.0.0.1' }).listenHost, undefined, 'loopback is the default shape');
});

test('internal topics never ask for more replicas than brokers', () => {
  assert.deepEqual(internalTopicReplication(1), { replicationFactor: 1, minInsyncReplicas: 1 });
  assert.deepEqual(internalTopicReplication(2), { replicationFactor: 2, minInsyncReplicas: 1 });
  assert.deepEqual(internalTopicReplication(5), { replicationFactor: 3, minInsyncReplicas: 2 });
  const single = zkBrokerProperties({ node: quorum[0]!, brokerCount: 1, zookeeperConnect: '127.0.0.1:2181', dataDir: '/d' });
  assert.equal(single['offsets.topic.replication.factor'], 1);
  assert.equal(single['zookeeper.connect'], '127.0.0.1:2181');
  assert.equal(single['broker.id'], 1);
});

test('properties render one key=value per line', () => {
  assert.equal(renderProperties({ a: 1, 'b.c': 'x:y', d: false }), 'a=1\nb.c=x:y\nd=false\n');
});

test('a ZooKeeper ensemble lists every member, a single member runs standalone', () => {
  const members = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', clientPort: 2180 + id, quorumPort: 2880 + id, electionPort: 3880 + id }));
  const ensemble = renderZookeeperConfig(members[0]!, members, '/d/zk-1/data');
  assert.match(ensemble, /^clientPort=2181$/m);
  assert.match(ensemble, /^server\.3=127\.0\.0\.1:2883:3883$/m);
  assert.match(ensemble, /^4lw\.commands\.whitelist=.*\bmntr\b/m);
  assert.match(ensemble, /^admin\.enableServer=false$/m);
  assert.doesNotMatch(renderZookeeperConfig(members[0]!, [members[0]!], '/d'), /^server\./m);
});

test('Prometheus reads file_sd targets and rule files from the test bed directories', () => {
  const config = parse(renderPrometheusConfig({ port: 1, alertmanagerPort: 2, targetsDir: '/t', rulesDir: '/r' })) as Record<string, any>;
  assert.equal(config.global.scrape_interval, '2s');
  assert.deepEqual(config.rule_files, ['/r/*.yml']);
  assert.deepEqual(config.scrape_configs[0].file_sd_configs[0].files, ['/t/*.json']);
  assert.deepEqual(config.alerting.alertmanagers[0].static_configs[0].targets, ['127.0.0.1:2']);
  const withHook = parse(renderAlertmanagerConfig('http://127.0.0.1:9/hook')) as Record<string, any>;
  assert.equal(withHook.receivers[0].webhook_configs[0].url, 'http://127.0.0.1:9/hook');
  assert.deepEqual((parse(renderAlertmanagerConfig()) as Record<string, any>).receivers, [{ name: 'default' }]);
});

test('the throwaway pom carries classifiers, types and exclusions', () => {
  const pom = renderPom({
    name: 'b',
    artifacts: [
      { groupId: 'g', artifactId: 'a', version: '1', exclusions: [{ groupId: 'g', artifactId: 'x' }] },
      { groupId: 'g', artifactId: 'app', version: '2', type: 'tar.gz', classifier: 'all' },
    ],
  });
  assert.match(
    pom,
    /<artifactId>a<\/artifactId>\s*<version>1<\/version>\s*<exclusions>\s*<exclusion><groupId>g<\/groupId><artifactId>x<\/artifactId><\/exclusion>/,
  );
  assert.match(pom, /<type>tar\.gz<\/type>\s*<classifier>all<\/classifier>/);
});
