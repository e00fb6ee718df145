import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleDir } from './artifacts.ts';
import { APICURIO_BUNDLE } from './distributions.ts';
import { startingComponent } from './errors.ts';
import { jvmArgs } from './jvm.ts';
import { httpStatus, LOOPBACK } from './network.ts';
import { exitedReason, spawnDetached, stopProgram, waitUntil } from './processes.ts';
import type { Testbed } from './types.ts';

const REGISTRY_READY_TIMEOUT_MS = 180_000;

export function registryDir(bed: Testbed): string {
  return join(bed.dir, 'registry');
}

/** Apicurio's Confluent-compatible API: what the exporter is pointed at as a Schema Registry. */
export function registryUrlFor(port: number): string {
  return `http://${LOOPBACK}:${port}/apis/ccompat/v7`;
}

/** 3.0.x ships a legacy runner jar; 3.3.x ships quarkus-run.jar. */
function applicationJar(distDir: string): string {
  if (existsSync(join(distDir, 'quarkus-run.jar'))) return join(distDir, 'quarkus-run.jar');
  const runner = readdirSync(distDir).find((name) => name.endsWith('-runner.jar'));
  if (!runner) throw new Error(`no Apicurio application jar in ${distDir}`);
  return join(distDir, runner);
}

export async function startRegistry(bed: Testbed, port: number, managementPort: number): Promise<void> {
  const dir = registryDir(bed);
  const tmpDir = join(dir, 'tmp');
  const logFile = join(dir, 'registry.log');
  mkdirSync(tmpDir, { recursive: true });
  await startingComponent('registry (Apicurio)', [logFile], async () => {
    spawnDetached({
      command: 'java',
      args: jvmArgs({
        dir,
        heapMin: '64m',
        heapMax: '384m',
        systemProperties: {
          'java.io.tmpdir': tmpDir,
          'quarkus.http.host': LOOPBACK,
          'quarkus.http.port': String(port),
          // Only 3.1+ has a management interface (default port 9000); moved off so instances can coexist.
          'quarkus.management.host': LOOPBACK,
          'quarkus.management.port': String(managementPort),
          'apicurio.storage.snapshot.location': tmpDir,
          'apicurio.rest.deletion.group.enabled': 'true',
          'apicurio.rest.deletion.artifact.enabled': 'true',
          'apicurio.rest.deletion.artifact-version.enabled': 'true',
        },
        jar: applicationJar(join(bundleDir(APICURIO_BUNDLE), 'dist')),
      }),
      dir,
      logFile,
    });
    await waitUntil(async () => (await httpStatus(`${registryUrlFor(port)}/subjects`)) === 200, {
      what: `registry on port ${port}`,
      timeoutMs: REGISTRY_READY_TIMEOUT_MS,
      failFast: exitedReason(dir),
    });
  });
}

export async function stopRegistry(bed: Testbed, graceMs?: number): Promise<void> {
  await stopProgram(registryDir(bed), graceMs);
}
