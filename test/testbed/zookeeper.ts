import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleLibs } from './artifacts.ts';
import { kafkaDistribution } from './distributions.ts';
import { startingComponent } from './errors.ts';
import { classpathOf, jvmArgs } from './jvm.ts';
import { loggingFlag, reload4jFileConfig } from './logging-config.ts';
import { fourLetterWord } from './network.ts';
import { exitedReason, isRunning, spawnDetached, stopProgram, waitUntil } from './processes.ts';
import type { Testbed, ZookeeperMember } from './types.ts';

const ZOOKEEPER_READY_TIMEOUT_MS = 90_000;
export const FOUR_LETTER_WORDS = 'mntr,srvr,ruok,stat,cons,envi,wchs,conf';

export function zookeeperDir(bed: Testbed, id: number): string {
  return join(bed.dir, `zookeeper-${id}`);
}

/** zoo.cfg of one member; an ensemble (more than one member) gets server.N lines and a myid file. */
export function renderZookeeperConfig(member: ZookeeperMember, members: ZookeeperMember[], dataDir: string): string {
  const lines = [
    'tickTime=2000',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${dataDir}`,
    `clientPort=${member.clientPort}`,
    `clientPortAddress=${member.host}`,
    'maxClientCnxns=0',
    'admin.enableServer=false',
    `4lw.commands.whitelist=${FOUR_LETTER_WORDS}`,
  ];
  if (members.length > 1) {
    for (const peer of members) lines.push(`server.${peer.id}=${peer.host}:${peer.quorumPort}:${peer.electionPort}`);
  }
  return `${lines.join('\n')}\n`;
}

function memberFiles(dir: string) {
  return {
    config: join(dir, 'zoo.cfg'),
    logConfig: join(dir, 'log4j.properties'),
    log: join(dir, 'zookeeper.log'),
    stdoutLog: join(dir, 'stdout.log'),
    dataDir: join(dir, 'data'),
  };
}

function member(bed: Testbed, id: number): ZookeeperMember {
  const found = bed.zookeepers.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`test bed ${bed.name} has no ZooKeeper member ${id}`);
  return found;
}

export function prepareZookeepers(bed: Testbed): void {
  for (const zk of bed.zookeepers) {
    const files = memberFiles(zookeeperDir(bed, zk.id));
    mkdirSync(files.dataDir, { recursive: true });
    writeFileSync(join(files.dataDir, 'myid'), `${zk.id}\n`);
    writeFileSync(files.config, renderZookeeperConfig(zk, bed.zookeepers, files.dataDir));
    writeFileSync(files.logConfig, reload4jFileConfig(files.log));
  }
}

function launchZookeeper(bed: Testbed, id: number): void {
  const distribution = kafkaDistribution('zk');
  const dir = zookeeperDir(bed, id);
  const files = memberFiles(dir);
  spawnDetached({
    command: 'java',
    args: jvmArgs({
      dir,
      heapMin: '64m',
      heapMax: '256m',
      systemProperties: { 'zookeeper.jmx.log4j.disable': 'true' },
      extraFlags: [loggingFlag('reload4j', files.logConfig)],
      classpath: classpathOf(bundleLibs(distribution.broker)),
      mainClass: 'org.apache.zookeeper.server.quorum.QuorumPeerMain',
      args: [files.config],
    }),
    dir,
    logFile: files.stdoutLog,
  });
}

/** Starts the given members and waits until each one serves (srvr reports a Mode: standalone, leader or follower). */
export async function startZookeepers(bed: Testbed, ids: number[]): Promise<void> {
  for (const id of ids) {
    member(bed, id);
    if (!isRunning(zookeeperDir(bed, id))) launchZookeeper(bed, id);
  }
  await Promise.all(
    ids.map((id) => {
      const dir = zookeeperDir(bed, id);
      const files = memberFiles(dir);
      const zk = member(bed, id);
      return startingComponent(`zookeeper-${id}`, [files.stdoutLog, files.log], () =>
        waitUntil(async () => (await zookeeperMode(zk)) !== undefined, {
          what: `zookeeper-${id} on port ${zk.clientPort}`,
          timeoutMs: ZOOKEEPER_READY_TIMEOUT_MS,
          failFast: exitedReason(dir),
        }),
      );
    }),
  );
}

export async function zookeeperMode(zk: ZookeeperMember): Promise<string | undefined> {
  try {
    return /^Mode: (\w+)/m.exec(await fourLetterWord(zk.host, zk.clientPort, 'srvr'))?.[1];
  } catch {
    return undefined;
  }
}

export async function stopZookeepers(bed: Testbed, ids: number[], graceMs?: number): Promise<void> {
  await Promise.all(ids.map((id) => stopProgram(zookeeperDir(bed, member(bed, id).id), graceMs)));
}
