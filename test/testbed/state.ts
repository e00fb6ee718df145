import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './processes.ts';
import type { Testbed } from './types.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const STATE_FILE = 'state.json';
const LOCK_TIMEOUT_MS = 15 * 60_000;

/** Instances live in <root>/<name>/; root is <repo>/.testbed unless KAFKA_SONAR_TESTBED_DIR says otherwise. */
export function testbedRoot(): string {
  return resolve(process.env.KAFKA_SONAR_TESTBED_DIR ?? join(REPO_ROOT, '.testbed'));
}

export function instanceDir(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new Error(`invalid test bed name: ${name}`);
  return join(testbedRoot(), name);
}

export function readState(name: string): Testbed | undefined {
  const file = join(instanceDir(name), STATE_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Testbed;
}

export function writeState(bed: Testbed): void {
  mkdirSync(bed.dir, { recursive: true });
  writeFileSync(join(bed.dir, STATE_FILE), `${JSON.stringify(bed, null, 2)}\n`);
}

/** Names of every instance directory under the root, whether or not its programs still run. */
export function instanceNames(): string[] {
  const root = testbedRoot();
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

export function removeInstanceDir(name: string): void {
  rmSync(instanceDir(name), { recursive: true, force: true });
}

/** Serialises up/down of one instance across processes; a lock whose holder died is taken over. */
export async function withInstanceLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const lockFile = join(testbedRoot(), `.${name}.lock`);
  mkdirSync(testbedRoot(), { recursive: true });
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lockHolderAlive(lockFile)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`test bed ${name} stays locked by another process (${lockFile})`);
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function lockHolderAlive(lockFile: string): boolean {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    // A lock without a pid yet was just created: its holder is still writing it.
    if (Number.isNaN(pid)) return Date.now() - statSync(lockFile).mtimeMs < 5_000;
    return pid > 0 && isAlive(pid);
  } catch {
    return false;
  }
}
