import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleDir, bundleLibs, ensureBundle } from './artifacts.ts';
import { kafkaDistribution, type KafkaToolMainClasses } from './distributions.ts';
import { classpathOf, jvmArgs } from './jvm.ts';
import { log4j2StderrConfig, loggingFlag, reload4jStderrConfig } from './logging-config.ts';
import { runCommand, type CommandResult } from './processes.ts';
import type { KafkaMode, Testbed } from './types.ts';

/** Kafka's own Java clients and admin tools, run against a test bed (or any bootstrap address). */
type ModeOrBed = KafkaMode | Pick<Testbed, 'mode'>;

function modeOf(target: ModeOrBed): KafkaMode {
  return typeof target === 'string' ? target : target.mode;
}

/** Classpath (a `libs/*` wildcard) of the broker jars of a mode's Kafka version, resolved if needed. */
export async function kafkaClasspath(target: ModeOrBed = 'kraft'): Promise<string> {
  const distribution = kafkaDistribution(modeOf(target));
  await ensureBundle(distribution.broker);
  return classpathOf(bundleLibs(distribution.broker));
}

/** Classpath of Kafka's command line tools matching a mode (4.x tools for kraft, 3.9 tools for zk). */
export async function kafkaToolsClasspath(target: ModeOrBed = 'kraft'): Promise<string> {
  const distribution = kafkaDistribution(modeOf(target));
  await ensureBundle(distribution.tools);
  return classpathOf(bundleLibs(distribution.tools));
}

export function kafkaToolMainClasses(target: ModeOrBed = 'kraft'): KafkaToolMainClasses {
  return kafkaDistribution(modeOf(target)).toolMainClasses;
}

async function toolJvmArgs(target: ModeOrBed, mainClass: string, args: string[]): Promise<string[]> {
  const distribution = kafkaDistribution(modeOf(target));
  const classpath = await kafkaToolsClasspath(target);
  const logConfig = join(bundleDir(distribution.tools), `tools-${distribution.logging}.properties`);
  if (!existsSync(logConfig)) {
    writeFileSync(logConfig, distribution.logging === 'log4j2' ? log4j2StderrConfig() : reload4jStderrConfig());
  }
  return jvmArgs({
    heapMin: '32m',
    heapMax: '256m',
    extraFlags: [loggingFlag(distribution.logging, logConfig)],
    classpath,
    mainClass,
    args,
  });
}

export interface RunToolOptions {
  input?: string;
  /** Killed after this long; default 120 s. */
  timeoutMs?: number;
  /** Runs `java` through this command, e.g. ['ip', 'netns', 'exec', 'ns1'] to run the tool inside a network namespace. */
  commandPrefix?: readonly string[];
}

/** Runs a Kafka tool (e.g. kafkaToolMainClasses().consumerGroups) to completion. */
export async function runKafkaTool(
  target: ModeOrBed,
  mainClass: string,
  args: string[],
  options: RunToolOptions = {},
): Promise<CommandResult> {
  const [command, ...prefixArgs] = [...(options.commandPrefix ?? []), 'java'];
  return runCommand(command!, [...prefixArgs, ...(await toolJvmArgs(target, mainClass, args))], {
    ...(options.input === undefined ? {} : { input: options.input }),
    timeoutMs: options.timeoutMs ?? 120_000,
  });
}

/** Starts a long-running Kafka tool (e.g. a console consumer keeping a group alive); the caller kills it. */
export async function spawnKafkaTool(target: ModeOrBed, mainClass: string, args: string[]): Promise<ChildProcess> {
  return spawn('java', await toolJvmArgs(target, mainClass, args), { stdio: 'pipe' });
}

function requireSuccess(what: string, result: CommandResult): CommandResult {
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}:\n${result.stderr.trim()}`);
  return result;
}

export type ConsoleRecord = string | { key: string; value: string };

const KEY_SEPARATOR = '\t';
/** Stands for a null key when keyed and unkeyed records are produced together. */
const NULL_MARKER = '__kafka_sonar_null__';

export interface ConsoleProduceOptions {
  /** Producer configs, e.g. { acks: 'all', 'compression.type': 'zstd' }. */
  producerProperties?: Record<string, string>;
  timeoutMs?: number;
}

/** Produces records (one per line; keyed records use a tab separator) with Kafka's console producer. */
export async function consoleProduce(
  bed: Pick<Testbed, 'mode' | 'bootstrapServers'>,
  topic: string,
  records: ConsoleRecord[],
  options: ConsoleProduceOptions = {},
): Promise<void> {
  const keyed = records.some((record) => typeof record !== 'string');
  const lines = records.map((record) => {
    if (typeof record !== 'string') return `${record.key}${KEY_SEPARATOR}${record.value}`;
    return keyed ? `${NULL_MARKER}${KEY_SEPARATOR}${record}` : record;
  });
  for (const line of lines) {
    if (line.includes('\n')) throw new Error('console producer records cannot contain newlines');
  }
  const args = ['--bootstrap-server', bed.bootstrapServers, '--topic', topic];
  if (keyed) {
    args.push(...readerProperties(bed.mode, { 'parse.key': 'true', 'key.separator': KEY_SEPARATOR, 'null.marker': NULL_MARKER }));
  }
  for (const [key, value] of Object.entries(options.producerProperties ?? {})) {
    args.push(bed.mode === 'kraft' ? '--command-property' : '--producer-property', `${key}=${value}`);
  }
  const result = await runKafkaTool(bed, kafkaToolMainClasses(bed).consoleProducer, args, {
    input: lines.map((line) => `${line}\n`).join(''),
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  requireSuccess('console producer', result);
}

export interface ConsoleConsumeOptions {
  maxMessages: number;
  group?: string;
  /** Default true. */
  fromBeginning?: boolean;
  /** Consumer configs, e.g. { 'group.protocol': 'consumer' } for the KIP-848 protocol. */
  consumerProperties?: Record<string, string>;
  /** Print "key<TAB>value" lines. */
  printKey?: boolean;
  /** Gives up waiting for more records after this long without one; default 30 s. */
  timeoutMs?: number;
}

/** Consumes up to maxMessages records with Kafka's console consumer and returns their lines. */
export async function consoleConsume(
  bed: Pick<Testbed, 'mode' | 'bootstrapServers'>,
  topic: string,
  options: ConsoleConsumeOptions,
): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const args = [
    '--bootstrap-server',
    bed.bootstrapServers,
    '--topic',
    topic,
    '--max-messages',
    String(options.maxMessages),
    '--timeout-ms',
    String(timeoutMs),
  ];
  if (options.fromBeginning ?? true) args.push('--from-beginning');
  if (options.group !== undefined) args.push('--group', options.group);
  if (options.printKey) args.push(...formatterProperties(bed.mode, { 'print.key': 'true', 'key.separator': KEY_SEPARATOR }));
  for (const [key, value] of Object.entries(options.consumerProperties ?? {})) {
    args.push(bed.mode === 'kraft' ? '--command-property' : '--consumer-property', `${key}=${value}`);
  }
  const result = await runKafkaTool(bed, kafkaToolMainClasses(bed).consoleConsumer, args, { timeoutMs: timeoutMs + 60_000 });
  return result.stdout.split('\n').filter((line) => line !== '');
}

// Kafka 4.x tools renamed --property to --reader-property / --formatter-property and --producer-property /
// --consumer-property to --command-property (the old names are deprecated); 3.9 knows only the old ones.
function readerProperties(mode: KafkaMode, properties: Record<string, string>): string[] {
  return Object.entries(properties).flatMap(([key, value]) => [mode === 'kraft' ? '--reader-property' : '--property', `${key}=${value}`]);
}

function formatterProperties(mode: KafkaMode, properties: Record<string, string>): string[] {
  return Object.entries(properties).flatMap(([key, value]) => [
    mode === 'kraft' ? '--formatter-property' : '--property',
    `${key}=${value}`,
  ]);
}
