import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Admin, type SASLOptions } from '@platformatic/kafka';
import type { KafkaConnectionConfig, SaslMechanism } from '../config/config.ts';
import { buildTlsOptions } from '../tls/tls-options.ts';

const SASL_MECHANISMS: Record<SaslMechanism, SASLOptions['mechanism']> = {
  plain: 'PLAIN',
  'scram-sha256': 'SCRAM-SHA-256',
  'scram-sha512': 'SCRAM-SHA-512',
};

export function tlsOptions(config: KafkaConnectionConfig): TlsOptions | undefined {
  return config.tls.enabled ? buildTlsOptions(config.tls, 'tls') : undefined;
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
