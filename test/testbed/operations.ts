/** What tests do to a running test bed: stop and start brokers and ZooKeeper members, redirect alerts. */
import { join } from 'node:path';
import { isKafkaNodeRunning, kafkaNodeDir, startKafkaNodes, stopKafkaNodes } from './kafka.ts';
import { runningPid } from './processes.ts';
import { registryDir } from './registry.ts';
import { applyAlertWebhook } from './prometheus.ts';
import { writeState } from './state.ts';
import type { Testbed } from './types.ts';
import { startZookeepers, stopZookeepers } from './zookeeper.ts';

export interface StopOptions {
  /** How long to wait after SIGTERM before SIGKILL; 0 sends SIGKILL at once (a crash). */
  graceMs?: number;
}

/** Stops one broker (in KRaft a combined broker+controller node; the quorum keeps a majority with 2 of 3). */
export async function stopBroker(bed: Testbed, id: number, options: StopOptions = {}): Promise<void> {
  await stopKafkaNodes(bed, [id], options.graceMs);
}

/**
 * Freezes a broker with SIGSTOP: its sockets still accept connections (the kernel completes the handshake)
 * but nothing answers, as with a broker stuck in a long GC pause or on a dead disk. Thaw it before stopping it.
 */
export function freezeBroker(bed: Testbed, id: number): void {
  signalKafkaNode(bed, id, 'SIGSTOP');
}

export function thawBroker(bed: Testbed, id: number): void {
  signalKafkaNode(bed, id, 'SIGCONT');
}

/** Freezes the schema registry with SIGSTOP: connections are accepted, nothing answers. */
export function freezeRegistry(bed: Testbed): void {
  signalProgram(registryDir(bed), `the schema registry of test bed ${bed.name}`, 'SIGSTOP');
}

export function thawRegistry(bed: Testbed): void {
  signalProgram(registryDir(bed), `the schema registry of test bed ${bed.name}`, 'SIGCONT');
}

function signalKafkaNode(bed: Testbed, id: number, signal: NodeJS.Signals): void {
  signalProgram(kafkaNodeDir(bed, id), `broker ${id} of test bed ${bed.name}`, signal);
}

function signalProgram(dir: string, what: string, signal: NodeJS.Signals): void {
  const pid = runningPid(dir);
  if (pid === undefined) throw new Error(`${what} is not running`);
  process.kill(pid, signal);
}

/** Starts a stopped broker and waits until it serves and its metadata lists every running broker. */
export async function startBroker(bed: Testbed, id: number): Promise<void> {
  await startKafkaNodes(bed, [id]);
}

export async function stopAllBrokers(bed: Testbed, options: StopOptions = {}): Promise<void> {
  await stopKafkaNodes(
    bed,
    bed.brokers.map((broker) => broker.id),
    options.graceMs,
  );
}

/** Starts every broker together (a KRaft quorum needs its majority back at once). */
export async function startAllBrokers(bed: Testbed): Promise<void> {
  await startKafkaNodes(
    bed,
    bed.brokers.map((broker) => broker.id),
  );
}

export function isBrokerRunning(bed: Testbed, id: number): boolean {
  return isKafkaNodeRunning(bed, id);
}

export function brokerLogFile(bed: Testbed, id: number): string {
  return join(kafkaNodeDir(bed, id), 'server.log');
}

export async function stopZookeeper(bed: Testbed, id: number, options: StopOptions = {}): Promise<void> {
  await stopZookeepers(bed, [id], options.graceMs);
}

export async function startZookeeper(bed: Testbed, id: number): Promise<void> {
  await startZookeepers(bed, [id]);
}

/** Points Alertmanager's default receiver at a webhook URL (undefined: drop notifications). */
export async function setAlertWebhook(bed: Testbed, webhookUrl: string | undefined): Promise<void> {
  if (!bed.prometheus) throw new Error(`test bed ${bed.name} runs no Alertmanager`);
  if (webhookUrl === undefined) delete bed.prometheus.alertWebhookUrl;
  else bed.prometheus.alertWebhookUrl = webhookUrl;
  await applyAlertWebhook(bed, webhookUrl);
  writeState(bed);
}
