import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { delay, scaled } from './wait.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** The compiled command, as the package installs it (npm run build writes it). */
export const COMPILED_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/** The installed command: runs COMPILED_MAIN with the `node` found on PATH (npm scripts put Node 22 first). */
export const LAUNCHER = fileURLToPath(new URL('../../bin/kafka-sonar', import.meta.url));

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ExporterProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly stderr: () => string;
  /** SIGTERM, then the exit code and how long the exit took. */
  stop(): Promise<{ code: number | null; milliseconds: number }>;
}

/**
 * Runs the real `kafka-sonar` command, as an operator would, on a free loopback port: from the sources,
 * or with `entry` COMPILED_MAIN the compiled package (benchmarks measure what users run).
 */
export async function startExporterProcess(
  args: readonly string[],
  environment: Record<string, string> = {},
  entry: string = MAIN,
): Promise<ExporterProcess> {
  const port = await freePort();
  // The compiled command runs as an installed `kafka-sonar` does: through its launcher, with the V8 flags there.
  const [command, commandArgs] = entry === COMPILED_MAIN ? [LAUNCHER, []] : [process.execPath, [entry]];
  const child = spawn(command, [...commandArgs, `--web.listen-address=127.0.0.1:${port}`, ...args], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return await superviseExporter(child, `http://127.0.0.1:${port}`, 'kafka-sonar');
}

async function plainHealthz(url: string): Promise<boolean> {
  return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
}

/**
 * Waits until a started `kafka-sonar` answers /healthz on `url` (failing with its stderr if it exits
 * or does not listen within 15 s) and gives the handle to scrape and stop it.
 */
export async function superviseExporter(
  child: ChildProcess,
  url: string,
  description: string,
  isHealthy: (url: string) => Promise<boolean> = plainHealthz,
): Promise<ExporterProcess> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + scaled(15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${description} exited with ${child.exitCode}: ${stderr}`);
    try {
      if (await isHealthy(url)) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${description} did not start listening on ${url}: ${stderr}`);
    }
    await delay(100);
  }
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      const started = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      return { code, milliseconds: Date.now() - started };
    },
  };
}

/** Runs `kafka-sonar` to completion (for option checks) and returns what it printed. */
export async function runExporterCommand(
  args: readonly string[],
  environment: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  return { code, stdout, stderr };
}
