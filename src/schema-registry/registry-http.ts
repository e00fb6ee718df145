import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { SchemaRegistryCollectorConfig } from '../config/config.ts';
import { buildTlsOptions } from '../tls/tls-options.ts';

/*
 * A plain client of the Confluent schema registry REST API (Confluent, Apicurio ccompat, Redpanda, Karapace):
 * requests, basic auth, TLS, timeouts and error answers. The collector and the admin API build on it.
 */

export interface RegistryConnection {
  /** Base URL without a trailing slash, path prefix included (e.g. Apicurio's /apis/ccompat/v7). */
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly tls: TlsOptions | undefined;
  readonly timeoutMs: number;
}

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

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) response.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.once('error', reject);
  });
}

/** GET of a registry path, parsed as JSON; basic auth and TLS as configured. */
export function getJson(connection: RegistryConnection, path: string, signal: AbortSignal): Promise<unknown> {
  const url = new URL(connection.baseUrl + path);
  const where = `GET ${url.pathname}${url.search}`;
  const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (connection.username)
    headers.authorization = `Basic ${Buffer.from(`${connection.username}:${connection.password}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const options = { method: 'GET', headers, signal, timeout: connection.timeoutMs };
    const request = url.protocol === 'https:' ? httpsRequest(url, { ...options, ...connection.tls }) : httpRequest(url, options);
    request.once('timeout', () => request.destroy(new Error(`no answer within ${connection.timeoutMs} ms`)));
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`${where}: ${error.code && error.code !== 'ABORT_ERR' ? `${error.code} ` : ''}${error.message}`)),
    );
    request.once('response', (response) => {
      readBody(response).then(
        (body) => {
          const status = response.statusCode ?? 0;
          let json: unknown;
          try {
            json = body === '' ? undefined : JSON.parse(body);
          } catch {
            if (status >= 200 && status < 300) return reject(new Error(`${where}: the answer is not JSON`));
          }
          if (status >= 200 && status < 300) return resolve(json);
          const detail = json as { error_code?: unknown; message?: unknown } | undefined;
          const errorCode = typeof detail?.error_code === 'number' ? detail.error_code : undefined;
          const message = typeof detail?.message === 'string' ? detail.message : body.slice(0, 200);
          reject(new RegistryHttpError(`${where}: HTTP ${status}${message ? `: ${message}` : ''}`, status, errorCode));
        },
        (error: Error) => reject(new Error(`${where}: ${error.message}`)),
      );
    });
    request.end();
  });
}
