import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SecureVersion, TlsOptions } from 'node:tls';
import { parse } from 'yaml';
import { isBcryptHash } from '../admin/authenticator.ts';
import { ConfigError } from '../config/errors.ts';
import { buildTlsServerOptions } from '../tls/tls-options.ts';

/**
 * The listener's settings in the Prometheus exporter-toolkit web configuration format, so operators
 * reuse the file of their other exporters: tls_server_config, http_server_config (headers),
 * basic_auth_users (bcrypt hashes). Paths are relative to the file.
 */
export interface WebConfig {
  readonly tls: TlsOptions | undefined;
  /** How a client certificate is judged beyond what the TLS handshake already checked. */
  readonly clientCertificate: 'none' | 'any' | 'verified-if-given';
  readonly headers: Readonly<Record<string, string>>;
  /** User name -> bcrypt hash; empty: no authentication for the listener. */
  readonly users: ReadonlyMap<string, string>;
}

const CLIENT_AUTH: Record<string, { requestCert: boolean; rejectUnauthorized: boolean; check: WebConfig['clientCertificate'] }> = {
  NoClientCert: { requestCert: false, rejectUnauthorized: false, check: 'none' },
  RequestClientCert: { requestCert: true, rejectUnauthorized: false, check: 'none' },
  RequireAnyClientCert: { requestCert: true, rejectUnauthorized: false, check: 'any' },
  VerifyClientCertIfGiven: { requestCert: true, rejectUnauthorized: false, check: 'verified-if-given' },
  RequireAndVerifyClientCert: { requestCert: true, rejectUnauthorized: true, check: 'none' },
};

const TLS_VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/** Headers exporter-toolkit lets a web config set. */
const ALLOWED_HEADERS = [
  'Strict-Transport-Security',
  'X-Content-Type-Options',
  'X-Frame-Options',
  'X-XSS-Protection',
  'Content-Security-Policy',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(section: Record<string, unknown>, where: string, allowed: readonly string[]): void {
  const unknown = Object.keys(section).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new Error(`${where}: unknown field ${unknown} (expected ${allowed.join(', ')})`);
}

function text(section: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = section[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`${where}.${key} must be a string`);
  return value;
}

function tlsSection(raw: unknown, base: string): Pick<WebConfig, 'tls' | 'clientCertificate'> {
  if (raw === undefined || raw === null) return { tls: undefined, clientCertificate: 'none' };
  if (!isRecord(raw)) throw new Error('tls_server_config must be a map');
  checkKeys(raw, 'tls_server_config', [
    'cert_file',
    'key_file',
    'client_auth_type',
    'client_ca_file',
    'min_version',
    'max_version',
    'cipher_suites',
    'prefer_server_cipher_suites',
    'curve_preferences',
  ]);
  const certFile = text(raw, 'cert_file', 'tls_server_config');
  const keyFile = text(raw, 'key_file', 'tls_server_config');
  if (!certFile || !keyFile) throw new Error('tls_server_config needs cert_file and key_file');
  const authType = text(raw, 'client_auth_type', 'tls_server_config') ?? 'NoClientCert';
  const auth = CLIENT_AUTH[authType];
  if (!auth)
    throw new Error(`tls_server_config.client_auth_type ${JSON.stringify(authType)} is not one of ${Object.keys(CLIENT_AUTH).join(', ')}`);
  const caFile = text(raw, 'client_ca_file', 'tls_server_config');
  if (auth.requestCert && authType !== 'RequestClientCert' && authType !== 'RequireAnyClientCert' && !caFile) {
    throw new Error(`tls_server_config.client_auth_type ${authType} needs client_ca_file`);
  }
  const version = (key: 'min_version' | 'max_version'): SecureVersion | undefined => {
    const value = text(raw, key, 'tls_server_config');
    if (value === undefined) return undefined;
    const mapped = TLS_VERSIONS[value];
    if (!mapped) throw new Error(`tls_server_config.${key} ${JSON.stringify(value)} is not one of ${Object.keys(TLS_VERSIONS).join(', ')}`);
    return mapped;
  };
  if (Array.isArray(raw['cipher_suites']) && raw['cipher_suites'].length > 0) {
    throw new Error(
      'tls_server_config.cipher_suites is not supported (Node.js names its ciphers differently from Go): leave it out to use the defaults',
    );
  }
  const path = (file: string): string => resolve(base, file);
  const minVersion = version('min_version') ?? 'TLSv1.2';
  const maxVersion = version('max_version');
  const files = {
    certFile: path(certFile),
    keyFile: path(keyFile),
    clientCaFile: caFile ? path(caFile) : '',
    requestCert: auth.requestCert,
    rejectUnauthorized: auth.rejectUnauthorized,
    minVersion,
    maxVersion,
  };
  return { tls: buildTlsServerOptions(files, (setting) => `web.config.file tls_server_config.${setting}`), clientCertificate: auth.check };
}

function headersSection(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new Error('http_server_config must be a map');
  checkKeys(raw, 'http_server_config', ['http2', 'headers']);
  const headers = raw['headers'];
  if (headers === undefined || headers === null) return {};
  if (!isRecord(headers)) throw new Error('http_server_config.headers must be a map of header to value');
  const chosen: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const allowed = ALLOWED_HEADERS.find((header) => header.toLowerCase() === name.toLowerCase());
    if (!allowed) throw new Error(`http_server_config.headers: ${name} may not be set (allowed: ${ALLOWED_HEADERS.join(', ')})`);
    if (typeof value !== 'string') throw new Error(`http_server_config.headers.${name} must be a string`);
    chosen[allowed] = value;
  }
  return chosen;
}

function usersSection(raw: unknown): Map<string, string> {
  const users = new Map<string, string>();
  if (raw === undefined || raw === null) return users;
  if (!isRecord(raw)) throw new Error('basic_auth_users must be a map of user name to bcrypt hash');
  for (const [name, hash] of Object.entries(raw)) {
    if (typeof hash !== 'string' || !isBcryptHash(hash))
      throw new Error(`basic_auth_users.${name} is not a bcrypt hash (make one with htpasswd -nbB ${name} <password>)`);
    users.set(name, hash);
  }
  return users;
}

/** Reads and checks the whole file; every problem is a ConfigError naming the option, the file and the field. */
export function loadWebConfig(path: string): WebConfig {
  try {
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    let document: unknown;
    try {
      document = parse(content);
    } catch (error) {
      throw new Error(`not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (document === null || document === undefined) document = {};
    if (!isRecord(document)) throw new Error('expected a map with tls_server_config, http_server_config or basic_auth_users');
    checkKeys(document, 'the file', ['tls_server_config', 'http_server_config', 'basic_auth_users']);
    return {
      ...tlsSection(document['tls_server_config'], dirname(path)),
      headers: headersSection(document['http_server_config']),
      users: usersSection(document['basic_auth_users']),
    };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`web.config.file: ${path}: ${(error as Error).message}`);
  }
}
