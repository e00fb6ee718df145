import { ApiKey, apiSpec } from './api-keys.ts';
import type { Reader } from './reader.ts';

export type RequestHeaderVersion = 0 | 1 | 2;
export type ResponseHeaderVersion = 0 | 1;

export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** null when the client sent a null client id, and always in header v0 (which has none). */
  readonly clientId: string | null;
  readonly headerVersion: RequestHeaderVersion;
}

export interface ResponseHeader {
  readonly correlationId: number;
  readonly headerVersion: ResponseHeaderVersion;
}

/**
 * Request header version used by `apiKey`/`apiVersion`: v2 for flexible versions, v1 otherwise, v0 for
 * ControlledShutdown v0. Versions above the newest known one are treated like it (flexibility never
 * ends), so headers of newer clients still parse. Undefined for unknown API keys.
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): RequestHeaderVersion | undefined {
  const spec = apiSpec(apiKey);
  if (!spec || !Number.isInteger(apiVersion) || apiVersion < 0) return undefined;
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  const flexibleFrom = spec.request.flexibleFrom;
  return flexibleFrom !== null && apiVersion >= flexibleFrom ? 2 : 1;
}

/**
 * Response header version: v1 for flexible versions, v0 otherwise. ApiVersions responses always use v0
 * so that a client can read them whatever version it asked for.
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): ResponseHeaderVersion | undefined {
  const spec = apiSpec(apiKey);
  if (!spec || !Number.isInteger(apiVersion) || apiVersion < 0) return undefined;
  if (apiKey === ApiKey.ApiVersions) return 0;
  const flexibleFrom = spec.response.flexibleFrom;
  return flexibleFrom !== null && apiVersion >= flexibleFrom ? 1 : 0;
}

/** Reads a request header; the client id is a classic int16-length string even in header v2. */
export function readRequestHeader(reader: Reader): RequestHeader {
  const start = reader.offset;
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  if (headerVersion === undefined) {
    throw reader.error('request header', `unknown api key ${apiKey} (version ${apiVersion})`, start);
  }
  const clientId = headerVersion >= 1 ? reader.nullableString() : null;
  if (headerVersion === 2) reader.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId, headerVersion };
}

export function readResponseHeader(reader: Reader, headerVersion: ResponseHeaderVersion): ResponseHeader {
  const correlationId = reader.int32();
  if (headerVersion === 1) reader.skipTaggedFields();
  return { correlationId, headerVersion };
}
