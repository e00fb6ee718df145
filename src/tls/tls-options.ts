import { readFileSync } from 'node:fs';
import type { ConnectionOptions, SecureVersion, TlsOptions } from 'node:tls';
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
    ...(files.certFile
      ? { cert: readPem(files.certFile, `${optionPrefix}.cert-file`), key: readPem(files.keyFile, `${optionPrefix}.key-file`) }
      : {}),
    ...(files.serverName ? { servername: files.serverName } : {}),
    rejectUnauthorized: !files.insecureSkipVerify,
  };
}

/** The files and client certificate rules of a TLS listener (the exporter's own HTTPS server). */
export interface TlsServerFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** The authorities client certificates are checked against; empty for none. */
  readonly clientCaFile: string;
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion | undefined;
}

/** node:tls options for a server; `optionName` names each file's setting in errors (cert_file, key_file, client_ca_file). */
export function buildTlsServerOptions(
  files: TlsServerFiles,
  optionName: (setting: 'cert_file' | 'key_file' | 'client_ca_file') => string,
): TlsOptions {
  return {
    cert: readPem(files.certFile, optionName('cert_file')),
    key: readPem(files.keyFile, optionName('key_file')),
    ...(files.clientCaFile ? { ca: readPem(files.clientCaFile, optionName('client_ca_file')) } : {}),
    requestCert: files.requestCert,
    rejectUnauthorized: files.rejectUnauthorized,
    minVersion: files.minVersion,
    ...(files.maxVersion ? { maxVersion: files.maxVersion } : {}),
  };
}
