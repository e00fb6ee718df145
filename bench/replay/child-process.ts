// The replay's helper processes (sink, blaster): how they are started and how they report, one JSON
// line on stdout each time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts `command` with piped stdio: here, or inside a network namespace. */
export type Launch = (command: string, args: readonly string[]) => ChildProcess;

export const launchHere: Launch = (command, args) => spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });

/** The child's JSON lines on stdout, one at a time; fails with its stderr when it exits first. */
export function jsonLines(child: ChildProcess, description: string): () => Promise<unknown> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let exit: string | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const next = waiting.shift();
    if (next) next.resolve(line);
    else lines.push(line);
  });
  // 'close' comes after the exit and the last line of output.
  child.once('close', (code, signal) => {
    exit = `${description} exited (${signal ?? code}): ${stderr.trim()}`;
    for (const next of waiting.splice(0)) next.reject(new Error(exit));
  });
  return () => {
    const line = lines.shift();
    if (line !== undefined) return Promise.resolve(JSON.parse(line) as unknown);
    if (exit !== undefined) return Promise.reject(new Error(exit));
    return new Promise<string>((resolve, reject) => waiting.push({ resolve, reject })).then((text) => JSON.parse(text) as unknown);
  };
}

/** SIGTERM, and the exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** `launch` with the process bound to one CPU (taskset). */
export function pinnedTo(cpu: number, launch: Launch): Launch {
  return (command, args) => launch('taskset', ['-c', String(cpu), command, ...args]);
}

/** Binds a running process, all its threads, to one CPU. */
export async function pinProcess(pid: number, cpu: number): Promise<void> {
  const child = spawn('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`taskset could not bind process ${pid} to CPU ${cpu} (exit ${code})`);
}
