// Runs the real `kafka-sonar` command inside a network namespace (ip netns exec), listening on an
// address of that namespace the test reaches (e.g. the namespace's end of a veth pair to the root).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { superviseExporter, type ExporterProcess } from '../../support/exporter-process.ts';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

export async function startExporterInNamespace(
  namespace: string,
  listen: { host: string; port: number },
  args: readonly string[],
  environment: Record<string, string> = {},
): Promise<ExporterProcess> {
  const child = spawn(
    'ip',
    ['netns', 'exec', namespace, process.execPath, MAIN, `--web.listen-address=${listen.host}:${listen.port}`, ...args],
    {
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return await superviseExporter(child, `http://${listen.host}:${listen.port}`, `kafka-sonar in ${namespace}`);
}
