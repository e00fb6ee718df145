import type { SchemaRegistryCollectorConfig } from '../config/config.ts';
import type { HttpEndpoint } from '../http/json-request.ts';
import { requestJson } from '../http/json-request.ts';
import { buildTlsOptions } from '../tls/tls-options.ts';

/*
 * A plain client of the Confluent schema registry REST API (Confluent, Apicurio ccompat, Redpanda, Karapace):
 * requests, basic auth, TLS, timeouts and error answers. The collector and the admin API build on it.
 */

export type RegistryConnection = HttpEndpoint;

/** The registry settings a connection needs (the collector's, or any with the same shape). */
export type RegistrySettings = Pick<SchemaRegistryCollectorConfig, 'url' | 'username' | 'password' | 'tls' | 'timeoutSeconds'>;

/** The connection to the configured registry; reads the TLS files now, so a missing file is a ConfigError. */
export function registryConnection(settings: RegistrySettings): RegistryConnection {
  return {
    baseUrl: settings.url,
    username: settings.username,
    password: settings.password,
    tls: settings.tls.enabled ? buildTlsOptions(settings.tls, 'schema-registry') : undefined,
    timeoutMs: settings.timeoutSeconds * 1000,
  };
}

/** A registry answer other than 2xx; errorCode is Confluent's error_code (40401 subject not found, 40408 no subject config...). */
export class RegistryHttpError extends Error {
  override readonly name = 'RegistryHttpError';
  readonly status: number;
  readonly errorCode: number | undefined;

  constructor(message: string, status: number, errorCode: number | undefined) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }
}

/** GET of a registry path, parsed as JSON; basic auth and TLS as configured. */
export async function getJson(connection: RegistryConnection, path: string, signal: AbortSignal): Promise<unknown> {
  const answer = await requestJson(
    connection,
    { method: 'GET', path, accept: 'application/vnd.schemaregistry.v1+json, application/json' },
    signal,
  );
  const { status, json, text, where } = answer;
  if (status >= 200 && status < 300) {
    if (json === undefined && text !== '') throw new Error(`${where}: the answer is not JSON`);
    return json;
  }
  const detail = json as { error_code?: unknown; message?: unknown } | undefined;
  const errorCode = typeof detail?.error_code === 'number' ? detail.error_code : undefined;
  const message = typeof detail?.message === 'string' ? detail.message : text.slice(0, 200);
  throw new RegistryHttpError(`${where}: HTTP ${status}${message ? `: ${message}` : ''}`, status, errorCode);
}
