import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Admin, type SASLOptions } from '@platformatic/kafka';
import type { KafkaConnectionConfig, SaslMechanism } from '../config/config.ts';
import { ConfigError } from '../config/errors.ts';

const SASL_MECHANISMS: Record<SaslMechanism, SASLOptions['mechanism']> = {
  'plain': 'PLAIN',
  'scram-sha256': 'SCRAM-SHA-256',
  'scram-sha512': 'SCRAM-SHA-512',
};

export function readPem(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${key}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function tlsOptions(config: KafkaConnectionConfig): TlsOptions | undefined {
  const { tls } = config;
  if (!tls.enabled) return undefined;
  return {
    ...(tls.caFile ? { ca: readPem(tls.caFile, 'tls.ca-file') } : {}),
    ...(tls.certFile ? { cert: readPem(tls.certFile, 'tls.cert-file'), key: readPem(tls.keyFile, 'tls.key-file') } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
    rejectUnauthorized: !tls.insecureSkipVerify,
  };
}

export function saslOptions(config: KafkaConnectionConfig): SASLOptions | undefined {
  const { sasl } = config;
  if (!sasl.enabled) return undefined;
  return { mechanism: SASL_MECHANISMS[sasl.mechanism], username: sasl.username, password: sasl.password };
}

/** An admin client for the configured cluster; requests fail fast and the collector's schedule does the retrying. */
export function createAdminClient(config: KafkaConnectionConfig, timeoutSeconds: number): Admin {
  const timeoutMs = Math.max(1000, Math.round(timeoutSeconds * 1000));
  const tls = tlsOptions(config);
  const sasl = saslOptions(config);
  return new Admin({
    clientId: config.clientId,
    bootstrapBrokers: [...config.bootstrapServers],
    timeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 5000),
    requestTimeout: timeoutMs,
    retries: 0,
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl } : {}),
  });
}
