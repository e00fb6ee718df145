import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Every program of the test bed runs detached in its own component directory, which holds its pid
 * file. The directory path must appear in the program's arguments: a pid is trusted only while
 * /proc/<pid>/cmdline still names that directory, so a recycled pid is never signalled.
 */
export interface DetachedProgram {
  command: string;
  args: string[];
  dir: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_STOP_GRACE_MS = 15_000;

export function pidFileIn(dir: string): string {
  return join(dir, 'pid');
}

export function spawnDetached(program: DetachedProgram): number {
  const output = openSync(program.logFile, 'a');
  try {
    const child = spawn(program.command, program.args, {
      cwd: program.dir,
      detached: true,
      stdio: ['ignore', output, output],
      env: program.env ?? process.env,
    });
    child.on('error', () => {});
    if (child.pid === undefined) throw new Error(`could not run ${program.command}`);
    child.unref();
    writeFileSync(pidFileIn(program.dir), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(output);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (a child nobody reaped yet) still answers signal 0.
  const stat = readProcFile(pid, 'stat');
  const state = stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

function readProcFile(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The pid of the program started in `dir`, if it still runs. */
export function runningPid(dir: string): number | undefined {
  const pidFile = pidFileIn(dir);
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const commandLine = readProcFile(pid, 'cmdline')?.split('\0').join(' ') ?? '';
  return commandLine.includes(`${dir}/`) ? pid : undefined;
}

export function isRunning(dir: string): boolean {
  return runningPid(dir) !== undefined;
}

/** SIGTERM, then SIGKILL when the program has not exited after `graceMs` (0: SIGKILL at once). */
export async function stopProgram(dir: string, graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
  const pid = runningPid(dir);
  if (pid !== undefined) {
    if (graceMs > 0) signal(pid, 'SIGTERM');
    if (graceMs <= 0 || !(await waitForExit(pid, graceMs))) {
      signal(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
  }
  rmSync(pidFileIn(dir), { force: true });
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Checked before every attempt: a returned reason ends the wait at once (e.g. the process exited). */
  failFast?: () => string | undefined;
}

export async function waitUntil(ready: () => Promise<boolean> | boolean, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const failure = options.failFast?.();
    if (failure !== undefined) throw new Error(failure);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${options.what}: not ready after ${options.timeoutMs / 1000} s`);
    await sleep(options.intervalMs ?? 250);
  }
}

export function exitedReason(dir: string): () => string | undefined {
  return () => (isRunning(dir) ? undefined : 'the process exited');
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (not detached), optionally feeding stdin and killing it after a timeout. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
