import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureBundle } from './artifacts.ts';
import { APICURIO_BUNDLE, kafkaDistribution } from './distributions.ts';
import { errorMessage } from './errors.ts';
import { isKafkaNodeRunning, prepareKafkaNodes, startKafkaNodes, stopKafkaNodes } from './kafka.ts';
import { JMX_AGENTS_BUNDLE } from './jmx-agents.ts';
import { progress } from './log.ts';
import { randomClusterId } from './names.ts';
import { findFreePorts, LOOPBACK } from './network.ts';
import { isRunning, stopProgram } from './processes.ts';
import { alertmanagerDir, prometheusDir, prometheusUrlFor, startAlertmanager, startPrometheus } from './prometheus.ts';
import { registryDir, registryUrlFor, startRegistry } from './registry.ts';
import { saslBootstrapServers } from './sasl.ts';
import { createTestbedCertificates, tlsBootstrapServers } from './tls.ts';
import { instanceDir, instanceNames, readState, removeInstanceDir, withInstanceLock, writeState } from './state.ts';
import type { KafkaMode, KafkaNode, PrometheusEndpoints, Testbed, TestbedShape, ZookeeperMember } from './types.ts';
import { prepareZookeepers, startZookeepers, zookeeperDir } from './zookeeper.ts';
import { APICURIO_VERSION } from './versions.ts';

export interface TestbedUpOptions {
  mode?: KafkaMode;
  brokers?: number;
  /** zk mode only: ensemble size (1 or 3 make sense). */
  zookeepers?: number;
  registry?: boolean;
  prometheus?: boolean;
  /** KRaft only: add a SASL_PLAINTEXT listener with PLAIN and SCRAM users (see sasl.ts). */
  sasl?: boolean;
  /** KRaft only: add an SSL listener requiring client certificates (see tls.ts). */
  tls?: boolean;
  /**
   * Address the brokers' client listener (PLAINTEXT, and SASL_PLAINTEXT with `sasl`) binds and
   * advertises instead of 127.0.0.1, e.g. a veth address reachable from a network namespace; it must
   * exist when the brokers start. The KRaft controller listener stays on 127.0.0.1.
   */
  listenHost?: string;
  /** Run an authorizer (ACLs can be managed; the PLAINTEXT principal is a super user). */
  authorizer?: boolean;
  /** Load the Jolokia agent into every broker and the JMX exporter into the first (see jmx-agents.ts). */
  jolokia?: boolean;
  /** Instance name; defaults to the mode. */
  name?: string;
}

export function resolveShape(options: TestbedUpOptions): TestbedShape {
  const mode = options.mode ?? 'kraft';
  if (mode !== 'kraft' && mode !== 'zk') throw new Error(`unknown mode ${String(mode)} (kraft or zk)`);
  const brokers = options.brokers ?? 3;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) throw new Error(`brokers must be 1..9, got ${brokers}`);
  if (mode === 'kraft' && options.zookeepers !== undefined) throw new Error('zookeepers apply to --mode zk only');
  const zookeepers = mode === 'zk' ? (options.zookeepers ?? 1) : 0;
  if (mode === 'zk' && (!Number.isInteger(zookeepers) || zookeepers < 1 || zookeepers > 7)) {
    throw new Error(`zookeepers must be 1..7, got ${zookeepers}`);
  }
  if (options.sasl && mode !== 'kraft') throw new Error('sasl applies to --mode kraft only');
  if (options.tls && mode !== 'kraft') throw new Error('tls applies to --mode kraft only');
  return {
    mode,
    brokers,
    zookeepers,
    registry: options.registry ?? false,
    prometheus: options.prometheus ?? false,
    ...(options.sasl ? { sasl: true as const } : {}),
    ...(options.tls ? { tls: true as const } : {}),
    ...(options.listenHost !== undefined && options.listenHost !== LOOPBACK ? { listenHost: options.listenHost } : {}),
    ...(options.authorizer ? { authorizer: true as const } : {}),
    ...(options.jolokia ? { jolokia: true as const } : {}),
  };
}

function sameKafkaShape(a: TestbedShape, b: TestbedShape): boolean {
  return (
    a.mode === b.mode &&
    a.brokers === b.brokers &&
    a.zookeepers === b.zookeepers &&
    a.sasl === b.sasl &&
    a.tls === b.tls &&
    a.listenHost === b.listenHost &&
    a.authorizer === b.authorizer
  );
}

/**
 * Starts an instance, or reuses the running one of the same Kafka shape (restarting any of its
 * stopped brokers or ZooKeeper members and adding a registry or Prometheus when asked for).
 */
export async function testbedUp(options: TestbedUpOptions = {}): Promise<Testbed> {
  const shape = resolveShape(options);
  const name = options.name ?? shape.mode;
  return withInstanceLock(name, async () => {
    const existing = readState(name);
    if (existing && sameKafkaShape(existing.shape, shape) && existing.brokers.some((b) => isKafkaNodeRunning(existing, b.id))) {
      try {
        progress(`reusing test bed ${name}`);
        return await completeRunningInstance(existing, shape);
      } catch (error) {
        progress(`could not reuse test bed ${name} (${errorMessage(error).split('\n')[0]}); starting it afresh`);
      }
    }
    if (existsSync(instanceDir(name))) {
      progress(`replacing test bed ${name}`);
      await stopInstancePrograms(name);
      removeInstanceDir(name);
    }
    return createInstance(name, shape);
  });
}

async function createInstance(name: string, shape: TestbedShape): Promise<Testbed> {
  const distribution = kafkaDistribution(shape.mode);
  const dir = instanceDir(name);
  mkdirSync(dir, { recursive: true });
  const portsPerBroker = (shape.mode === 'kraft' ? 2 : 1) + (shape.sasl ? 1 : 0) + (shape.tls ? 1 : 0);
  const jmxAgentPorts = shape.jolokia ? shape.brokers + 1 : 0;
  const ports = await findFreePorts(shape.brokers * portsPerBroker + shape.zookeepers * 3 + jmxAgentPorts);
  const brokers: KafkaNode[] = Array.from({ length: shape.brokers }, (_, index) => ({
    id: index + 1,
    host: shape.listenHost ?? LOOPBACK,
    port: takePort(ports),
    ...(shape.mode === 'kraft' ? { controllerPort: takePort(ports) } : {}),
    ...(shape.mode === 'kraft' && shape.listenHost !== undefined ? { controllerHost: LOOPBACK } : {}),
    ...(shape.sasl ? { saslPort: takePort(ports) } : {}),
    ...(shape.tls ? { tlsPort: takePort(ports) } : {}),
  }));
  const zookeepers: ZookeeperMember[] = Array.from({ length: shape.zookeepers }, (_, index) => ({
    id: index + 1,
    host: LOOPBACK,
    clientPort: takePort(ports),
    quorumPort: takePort(ports),
    electionPort: takePort(ports),
  }));
  const bed: Testbed = {
    name,
    dir,
    shape: { ...withoutJolokia(shape), registry: false, prometheus: false },
    mode: shape.mode,
    kafkaVersion: distribution.version,
    kafkaToolsVersion: distribution.toolsVersion,
    clusterId: randomClusterId(),
    brokers,
    zookeepers,
    bootstrapServers: brokers.map((broker) => `${broker.host}:${broker.port}`).join(','),
    ...(shape.sasl ? { saslBootstrapServers: saslBootstrapServers(brokers)! } : {}),
    ...(shape.tls
      ? {
          tlsBootstrapServers: tlsBootstrapServers(brokers)!,
          tls: createTestbedCertificates(join(dir, 'tls'), shape.listenHost ?? LOOPBACK),
        }
      : {}),
    ...(zookeepers.length > 0 ? { zookeeper: zookeepers.map((zk) => `${zk.host}:${zk.clientPort}`).join(',') } : {}),
  };
  writeState(bed);
  progress(
    `starting test bed ${name}: Kafka ${bed.kafkaVersion} ${shape.mode}, ${shape.brokers} broker(s)` +
      (shape.zookeepers > 0 ? `, ${shape.zookeepers} ZooKeeper member(s)` : ''),
  );
  try {
    await ensureBundle(distribution.broker);
    if (shape.jolokia) await addJmxAgents(bed, ports);
    // The tools are fetched now too, so that tests can run them later without the network.
    await settleAll([startKafkaCluster(bed), ensureBundle(distribution.tools), addRegistry(bed, shape), addPrometheus(bed, shape)]);
  } catch (error) {
    await stopInstancePrograms(name);
    throw error;
  }
  writeState(bed);
  progress(`test bed ${name} is up`);
  return bed;
}

function takePort(ports: number[]): number {
  const port = ports.shift();
  if (port === undefined) throw new Error('ran out of allocated ports');
  return port;
}

/** Waits for every step, then rethrows the first failure (so no step is left running unobserved). */
async function settleAll(steps: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function startKafkaCluster(bed: Testbed): Promise<void> {
  if (bed.mode === 'zk') {
    prepareZookeepers(bed);
    await startZookeepers(
      bed,
      bed.zookeepers.map((zk) => zk.id),
    );
    progress(`ZooKeeper serves on ${bed.zookeeper}`);
  }
  await prepareKafkaNodes(bed);
  await startKafkaNodes(
    bed,
    bed.brokers.map((broker) => broker.id),
  );
  progress(`Kafka serves on ${bed.bootstrapServers}`);
}

async function completeRunningInstance(bed: Testbed, shape: TestbedShape): Promise<Testbed> {
  if (shape.jolokia && !bed.shape.jolokia) {
    progress('restarting the brokers with the Jolokia agent');
    await stopKafkaNodes(
      bed,
      bed.brokers.map((broker) => broker.id),
    );
    await addJmxAgents(bed, await findFreePorts(bed.brokers.length + 1));
  }
  const stoppedZookeepers = bed.zookeepers.filter((zk) => !isRunning(zookeeperDir(bed, zk.id))).map((zk) => zk.id);
  if (stoppedZookeepers.length > 0) {
    progress(`restarting ZooKeeper member(s) ${stoppedZookeepers.join(', ')}`);
    await startZookeepers(bed, stoppedZookeepers);
  }
  const stoppedBrokers = bed.brokers.filter((broker) => !isKafkaNodeRunning(bed, broker.id)).map((broker) => broker.id);
  if (stoppedBrokers.length > 0) progress(`restarting broker(s) ${stoppedBrokers.join(', ')}`);
  await startKafkaNodes(
    bed,
    bed.brokers.map((broker) => broker.id),
  );
  await settleAll([addRegistry(bed, shape), addPrometheus(bed, shape)]);
  writeState(bed);
  return bed;
}

function withoutJolokia({ jolokia: _, ...shape }: TestbedShape): TestbedShape {
  return shape;
}

/** Gives every broker a Jolokia port and the first one a JMX exporter port; the brokers load the agents when (re)started. */
async function addJmxAgents(bed: Testbed, ports: number[]): Promise<void> {
  await ensureBundle(JMX_AGENTS_BUNDLE);
  for (const broker of bed.brokers) broker.jolokiaPort = takePort(ports);
  bed.brokers[0]!.jmxExporterPort = takePort(ports);
  bed.shape.jolokia = true;
  writeState(bed);
}

async function addRegistry(bed: Testbed, shape: TestbedShape): Promise<void> {
  if (!shape.registry || (bed.registry && isRunning(registryDir(bed)))) return;
  await ensureBundle(APICURIO_BUNDLE);
  const [port, managementPort] = bed.registry ? [bed.registry.port, bed.registry.managementPort] : await findFreePorts(2);
  if (port === undefined || managementPort === undefined) throw new Error('no ports for the registry');
  bed.registry = { port, managementPort, version: APICURIO_VERSION };
  bed.registryUrl = registryUrlFor(port);
  bed.shape.registry = true;
  writeState(bed);
  await startRegistry(bed, port, managementPort);
  progress(`registry serves on ${bed.registryUrl}`);
}

async function addPrometheus(bed: Testbed, shape: TestbedShape): Promise<void> {
  if (!shape.prometheus) return;
  if (!bed.prometheus) {
    const [port, alertmanagerPort] = await findFreePorts(2);
    if (port === undefined || alertmanagerPort === undefined) throw new Error('no ports for Prometheus');
    bed.prometheus = {
      port,
      alertmanagerPort,
      targetsDir: join(prometheusDir(bed), 'targets'),
      rulesDir: join(prometheusDir(bed), 'rules'),
    };
    bed.prometheusUrl = prometheusUrlFor(port);
    bed.alertmanagerUrl = prometheusUrlFor(alertmanagerPort);
    bed.shape.prometheus = true;
    writeState(bed);
  }
  const endpoints: PrometheusEndpoints = bed.prometheus;
  const alertmanagerRunning = isRunning(alertmanagerDir(bed));
  const prometheusRunning = isRunning(prometheusDir(bed));
  if (alertmanagerRunning && prometheusRunning) return;
  await Promise.all([
    alertmanagerRunning ? undefined : startAlertmanager(bed, endpoints),
    prometheusRunning ? undefined : startPrometheus(bed, endpoints),
  ]);
  progress(`Prometheus serves on ${bed.prometheusUrl}, Alertmanager on ${bed.alertmanagerUrl}`);
}

/** Stops the programs of an instance from the pid files in its directories (works without state.json). */
async function stopInstancePrograms(name: string, graceMs?: number): Promise<void> {
  const dir = instanceDir(name);
  if (!existsSync(dir)) return;
  const components = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(dir, entry.name));
  const isZookeeper = (component: string) => basename(component).startsWith('zookeeper-');
  // Brokers go first: a ZooKeeper-mode broker shuts down cleanly only while ZooKeeper still answers.
  await Promise.all(components.filter((component) => !isZookeeper(component)).map((component) => stopProgram(component, graceMs)));
  await Promise.all(components.filter(isZookeeper).map((component) => stopProgram(component, graceMs)));
}

/** Stops one instance, or every instance under the test bed root, and deletes its data. */
export async function testbedDown(options: { name?: string } = {}): Promise<string[]> {
  const names = options.name === undefined ? instanceNames() : [options.name];
  await Promise.all(
    names.map((name) =>
      withInstanceLock(name, async () => {
        await stopInstancePrograms(name);
        removeInstanceDir(name);
        progress(`test bed ${name} is down`);
      }),
    ),
  );
  return names;
}
