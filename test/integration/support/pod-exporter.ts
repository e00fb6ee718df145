// Runs the real `kafka-sonar` command as it runs in a Kubernetes pod: the service account's token and CA
// under /var/run/secrets/kubernetes.io/serviceaccount and KUBERNETES_SERVICE_HOST/PORT in the environment.
// The files are mounted in a private mount namespace (unshare), on a tmpfs over /run that only the
// exporter sees, so the host's /run is never touched.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, superviseExporter, type ExporterProcess } from '../../support/exporter-process.ts';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const ACCOUNT_DIR = '/run/secrets/kubernetes.io/serviceaccount';
const MOUNT_ACCOUNT = `mount -t tmpfs kafka-sonar-pod /run && mkdir -p ${ACCOUNT_DIR} && cp "$0/token" "$0/ca.crt" ${ACCOUNT_DIR}/ && exec "$@"`;

export interface ApiServer {
  readonly host: string;
  readonly port: number;
}

/** `accountDir` holds the files `token` and `ca.crt` the pod's service account would have. */
export async function startExporterInPod(accountDir: string, api: ApiServer, args: readonly string[]): Promise<ExporterProcess> {
  const port = await freePort();
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      MOUNT_ACCOUNT,
      accountDir,
      process.execPath,
      MAIN,
      `--web.listen-address=127.0.0.1:${port}`,
      ...args,
    ],
    {
      env: { ...process.env, KUBERNETES_SERVICE_HOST: api.host, KUBERNETES_SERVICE_PORT: String(api.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return await superviseExporter(child, `http://127.0.0.1:${port}`, 'kafka-sonar in a pod');
}
