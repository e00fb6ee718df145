import { accessSync, constants, statSync } from 'node:fs';
import type { Config } from './config.ts';
import { ConfigError } from './errors.ts';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
};

/** The PEM files the enabled connections will read, by option key. */
function referencedFiles(config: Config): [key: string, path: string][] {
  const { kafka, collectors } = config;
  const files: [string, string][] = [];
  if (kafka.tls.enabled)
    files.push(['tls.ca-file', kafka.tls.caFile], ['tls.cert-file', kafka.tls.certFile], ['tls.key-file', kafka.tls.keyFile]);
  const zookeeper = collectors.zookeeper.tls;
  if (collectors.zookeeper.enabled && zookeeper.enabled) {
    files.push(
      ['zookeeper.tls.ca-file', zookeeper.caFile],
      ['zookeeper.tls.cert-file', zookeeper.certFile],
      ['zookeeper.tls.key-file', zookeeper.keyFile],
    );
  }
  const registry = collectors.schemaRegistry.tls;
  if (collectors.schemaRegistry.enabled) {
    files.push(
      ['schema-registry.ca-file', registry.caFile],
      ['schema-registry.cert-file', registry.certFile],
      ['schema-registry.key-file', registry.keyFile],
    );
  }
  return files.filter(([, path]) => path !== '');
}

/** Fails at start, naming the option, when a certificate or key file the configuration uses cannot be read. */
export function checkReferencedFiles(config: Config): void {
  for (const [key, path] of referencedFiles(config)) {
    let reason: string | undefined;
    try {
      accessSync(path, constants.R_OK);
      if (!statSync(path).isFile()) reason = 'not a file';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      reason = REASONS[code] ?? code;
    }
    if (reason !== undefined) throw new ConfigError(`${key}: cannot read ${path} (${reason}); give the path of a readable PEM file`);
  }
}
