import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../config/errors.ts';

/** The files and checks of one TLS client; empty strings mean "not set". */
export interface TlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** SNI and the name the certificate is checked against; the host connected to when empty or absent. */
  readonly serverName?: string;
  readonly insecureSkipVerify: boolean;
}

/** A PEM file's bytes; a ConfigError naming the option (e.g. tls.ca-file) and the path when it cannot be read. */
export function readPem(path: string, optionKey: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${optionKey}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * node:tls options for Kafka, ZooKeeper or the schema registry. `optionPrefix` names the options in
 * errors: 'tls' for tls.ca-file, 'zookeeper.tls', 'schema-registry'. The key file is read with the cert file.
 */
export function buildTlsOptions(files: TlsFiles, optionPrefix: string): ConnectionOptions {
  return {
    ...(files.caFile ? { ca: readPem(files.caFile, `${optionPrefix}.ca-file`) } : {}),
    ...(files.certFile ? { cert: readPem(files.certFile, `${optionPrefix}.cert-file`), key: readPem(files.keyFile, `${optionPrefix}.key-file`) } : {}),
    ...(files.serverName ? { servername: files.serverName } : {}),
    rejectUnauthorized: !files.insecureSkipVerify,
  };
}
