// Runs the real `kafka-sonar` command inside a network namespace (ip netns exec), listening on an
// address of that namespace the test reaches (e.g. the namespace's end of a veth pair to the root).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExporterProcess } from '../../support/exporter-process.ts';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

export async function startExporterInNamespace(namespace: string, listen: { host: string; port: number }, args: readonly string[]): Promise<ExporterProcess> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', namespace, process.execPath, MAIN, `--web.listen-address=${listen.host}:${listen.port}`, ...args], {
    env: process.env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://${listen.host}:${listen.port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kafka-sonar in ${namespace} exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`kafka-sonar in ${namespace} did not start listening on ${url}: ${stderr}`); }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url, child, stderr: () => stderr,
    async stop() {
      const started = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      return { code, milliseconds: Date.now() - started };
    },
  };
}
