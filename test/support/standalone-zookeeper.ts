/**
 * A standalone ZooKeeper of the test bed's ZooKeeper-mode Kafka jars, with a chosen four-letter-word
 * whitelist, on a free loopback port and a temporary directory (the test bed's ensembles allow every word).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaClasspath } from '../testbed/index.ts';
import { freePort } from './exporter-process.ts';
import { delay, scaled } from './wait.ts';
import { sendFourLetterWord } from '../../src/collectors/zookeeper/four-letter-word-client.ts';

export interface StandaloneZookeeper {
  readonly server: string;
  readonly log: () => string;
  stop(): Promise<void>;
}

export async function startStandaloneZookeeper(whitelist: readonly string[]): Promise<StandaloneZookeeper> {
  const dir = mkdtempSync(join(tmpdir(), 'sonar-zk-'));
  const port = await freePort();
  const config = join(dir, 'zoo.cfg');
  writeFileSync(
    config,
    [
      'tickTime=2000',
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'admin.enableServer=false',
      `4lw.commands.whitelist=${whitelist.join(',')}`,
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(
    'java',
    [
      '-Xms32m',
      '-Xmx128m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Dzookeeper.jmx.log4j.disable=true',
      '-cp',
      await kafkaClasspath('zk'),
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      config,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const server = `127.0.0.1:${port}`;
  const deadline = Date.now() + scaled(60_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`standalone ZooKeeper exited with ${child.exitCode}:\n${log.slice(-2000)}`);
    }
    try {
      if (/Mode: standalone/.test(await sendFourLetterWord({ host: '127.0.0.1', port }, 'srvr', { timeoutMs: 1000 }))) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`standalone ZooKeeper did not serve within 60 s:\n${log.slice(-2000)}`);
    }
    await delay(300);
  }
  return { server, log: () => log, stop };
}
