import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

/*
 * JSON over HTTP(S) for the REST APIs the exporter reads (the schema registry, Jolokia): basic auth, TLS,
 * a timeout, a bounded answer. What an answer means (status codes, error bodies) is the caller's business.
 */

export interface HttpEndpoint {
  /** Base URL without a trailing slash, path prefix included (e.g. Apicurio's /apis/ccompat/v7). */
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly tls: TlsOptions | undefined;
  readonly timeoutMs: number;
  /** Largest answer read; a larger one fails the request. Default 16 MiB. */
  readonly maxBodyBytes?: number;
}

export interface JsonRequest {
  readonly method: 'GET' | 'POST';
  /** Appended to the base URL, query included. */
  readonly path: string;
  readonly accept: string;
  /** Sent as application/json. */
  readonly body?: unknown;
}

export interface JsonAnswer {
  readonly status: number;
  /** The parsed body; undefined when it was empty or not JSON. */
  readonly json: unknown;
  readonly text: string;
  /** `METHOD /path?query`, to start error messages with. */
  readonly where: string;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(response: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) response.destroy(new Error(`answer larger than ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.once('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One request; rejects only when no answer came (connection refused, timeout, abort), never on a status. */
export function requestJson(endpoint: HttpEndpoint, spec: JsonRequest, signal: AbortSignal): Promise<JsonAnswer> {
  const url = new URL(endpoint.baseUrl + spec.path);
  const where = `${spec.method} ${url.pathname}${url.search}`;
  const headers: Record<string, string> = { accept: spec.accept };
  if (endpoint.username) headers.authorization = `Basic ${Buffer.from(`${endpoint.username}:${endpoint.password}`).toString('base64')}`;
  const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
  if (payload) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const options = { method: spec.method, headers, signal, timeout: endpoint.timeoutMs };
    const request = url.protocol === 'https:' ? httpsRequest(url, { ...options, ...endpoint.tls }) : httpRequest(url, options);
    request.once('timeout', () => request.destroy(new Error(`no answer within ${endpoint.timeoutMs} ms`)));
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`${where}: ${error.code && error.code !== 'ABORT_ERR' ? `${error.code} ` : ''}${error.message}`)),
    );
    request.once('response', (response) => {
      readBody(response, endpoint.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES).then(
        (text) => resolve({ status: response.statusCode ?? 0, json: parseJson(text), text, where }),
        (error: Error) => reject(new Error(`${where}: ${error.message}`)),
      );
    });
    request.end(payload);
  });
}
