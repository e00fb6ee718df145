import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleLibs } from './artifacts.ts';
import { kafkaDistribution, type KafkaDistribution } from './distributions.ts';
import { startingComponent } from './errors.ts';
import { kraftNodeProperties, renderProperties, zkBrokerProperties, type PropertyValue } from './kafka-config.ts';
import { brokerIdsSeenBy } from './kafka-metadata.ts';
import { jmxAgentFlags } from './jmx-agents.ts';
import { classpathOf, jvmArgs } from './jvm.ts';
import { log4j2FileConfig, loggingFlag, reload4jFileConfig } from './logging-config.ts';
import { isPortOpen } from './network.ts';
import { exitedReason, isRunning, runCommand, spawnDetached, stopProgram, waitUntil } from './processes.ts';
import { withAuthorizer } from './authorizer.ts';
import { scramFormatArguments, withSaslListener } from './sasl.ts';
import { withTlsListener } from './tls.ts';
import type { KafkaNode, Testbed } from './types.ts';

const KAFKA_READY_TIMEOUT_MS = 180_000;

export function kafkaNodeDir(bed: Testbed, id: number): string {
  return join(bed.dir, `kafka-${id}`);
}

function nodeFiles(dir: string) {
  return {
    properties: join(dir, 'server.properties'),
    logConfig: join(dir, 'log4j.properties'),
    serverLog: join(dir, 'server.log'),
    stdoutLog: join(dir, 'stdout.log'),
    formatLog: join(dir, 'format.log'),
    dataDir: join(dir, 'data'),
  };
}

function kafkaNode(bed: Testbed, id: number): KafkaNode {
  const node = bed.brokers.find((broker) => broker.id === id);
  if (!node) throw new Error(`test bed ${bed.name} has no broker ${id} (brokers: ${bed.brokers.map((b) => b.id).join(', ')})`);
  return node;
}

/** Writes every node's configuration and, in KRaft mode, formats its storage. */
export async function prepareKafkaNodes(bed: Testbed): Promise<void> {
  const distribution = kafkaDistribution(bed.mode);
  for (const node of bed.brokers) {
    const dir = kafkaNodeDir(bed, node.id);
    const files = nodeFiles(dir);
    mkdirSync(files.dataDir, { recursive: true });
    writeFileSync(files.properties, renderProperties(nodeProperties(bed, node, files.dataDir)));
    writeFileSync(
      files.logConfig,
      distribution.logging === 'log4j2' ? log4j2FileConfig(files.serverLog) : reload4jFileConfig(files.serverLog),
    );
  }
  if (bed.mode === 'kraft') await Promise.all(bed.brokers.map((node) => formatStorage(bed, node, distribution)));
}

function nodeProperties(bed: Testbed, node: KafkaNode, dataDir: string): Record<string, PropertyValue> {
  const authorize = bed.shape.authorizer === true;
  if (bed.mode === 'kraft') {
    return withAuthorizer(
      withTlsListener(withSaslListener(kraftNodeProperties({ node, quorum: bed.brokers, dataDir }), node), node, bed.tls),
      'kraft',
      authorize,
    );
  }
  if (bed.zookeeper === undefined) throw new Error(`test bed ${bed.name} runs in zk mode without ZooKeeper`);
  return withAuthorizer(
    zkBrokerProperties({ node, brokerCount: bed.brokers.length, zookeeperConnect: bed.zookeeper, dataDir }),
    'zk',
    authorize,
  );
}

async function formatStorage(bed: Testbed, node: KafkaNode, distribution: KafkaDistribution): Promise<void> {
  const dir = kafkaNodeDir(bed, node.id);
  const files = nodeFiles(dir);
  await startingComponent(`kafka-${node.id} storage format`, [files.formatLog, files.serverLog], async () => {
    const args = jvmArgs({
      dir,
      heapMin: '64m',
      heapMax: '256m',
      extraFlags: [loggingFlag(distribution.logging, files.logConfig)],
      classpath: classpathOf(bundleLibs(distribution.broker)),
      mainClass: 'kafka.tools.StorageTool',
      args: [
        'format',
        '-t',
        bed.clusterId,
        '-c',
        files.properties,
        '--ignore-formatted',
        ...(node.saslPort === undefined ? [] : scramFormatArguments()),
      ],
    });
    const result = await runCommand('java', args, { cwd: dir });
    writeFileSync(files.formatLog, result.stdout + result.stderr);
    if (result.code !== 0) throw new Error(`kafka.tools.StorageTool exited with ${result.code}`);
  });
}

function launchKafkaNode(bed: Testbed, id: number): void {
  const distribution = kafkaDistribution(bed.mode);
  const dir = kafkaNodeDir(bed, id);
  const files = nodeFiles(dir);
  spawnDetached({
    command: 'java',
    args: jvmArgs({
      dir,
      heapMin: '256m',
      heapMax: '512m',
      systemProperties: { 'kafka.logs.dir': dir },
      extraFlags: [loggingFlag(distribution.logging, files.logConfig), ...jmxAgentFlags(kafkaNode(bed, id))],
      classpath: classpathOf(bundleLibs(distribution.broker)),
      mainClass: 'kafka.Kafka',
      args: [files.properties],
    }),
    dir,
    logFile: files.stdoutLog,
  });
}

/**
 * Starts the given nodes (those not already running) together and waits until each accepts
 * connections and lists every running broker in its metadata.
 */
export async function startKafkaNodes(bed: Testbed, ids: number[]): Promise<void> {
  for (const id of ids) {
    kafkaNode(bed, id);
    if (!isRunning(kafkaNodeDir(bed, id))) launchKafkaNode(bed, id);
  }
  await Promise.all(ids.map((id) => waitForKafkaNode(bed, id)));
}

async function waitForKafkaNode(bed: Testbed, id: number): Promise<void> {
  const node = kafkaNode(bed, id);
  const dir = kafkaNodeDir(bed, id);
  const files = nodeFiles(dir);
  const deadline = Date.now() + KAFKA_READY_TIMEOUT_MS;
  const remaining = () => Math.max(1_000, deadline - Date.now());
  await startingComponent(`kafka-${id}`, [files.stdoutLog, files.serverLog], async () => {
    await waitUntil(() => isPortOpen(node.host, node.port), {
      what: `kafka-${id} on port ${node.port}`,
      timeoutMs: remaining(),
      failFast: exitedReason(dir),
    });
    await waitUntil(
      async () => {
        const expected = bed.brokers.filter((broker) => isRunning(kafkaNodeDir(bed, broker.id))).map((broker) => broker.id);
        const seen = await brokerIdsSeenBy(node.host, node.port);
        return seen !== undefined && expected.every((expectedId) => seen.includes(expectedId));
      },
      { what: `kafka-${id} metadata listing every running broker`, timeoutMs: remaining(), failFast: exitedReason(dir) },
    );
  });
}

export async function stopKafkaNodes(bed: Testbed, ids: number[], graceMs?: number): Promise<void> {
  await Promise.all(ids.map((id) => stopProgram(kafkaNodeDir(bed, kafkaNode(bed, id).id), graceMs)));
}

export function isKafkaNodeRunning(bed: Testbed, id: number): boolean {
  return isRunning(kafkaNodeDir(bed, id));
}
