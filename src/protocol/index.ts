// Public API of the Kafka wire-protocol decoder. "message" below is one frame WITHOUT its int32 size
// prefix (see readFrame): header + body. Every decode function returns a result and never throws.

import { ApiKey, apiKeyName } from './api-keys.ts';
import { DecodeError, failure, type DecodeResult } from './decode-error.ts';
import { readRequestHeader, readResponseHeader, responseHeaderVersion, type RequestHeader, type ResponseHeader } from './headers.ts';
import { Reader } from './reader.ts';
import { messagePlan, readStruct, type DecodedStruct } from './schema-decoder.ts';

export { API_KEY_NAMES, ApiKey, apiKeyName, apiSpec, isKnownVersion, type ApiKeyName } from './api-keys.ts';
export { DecodeError, type DecodeResult } from './decode-error.ts';
export { ERROR_CODE_NAMES, errorCodeName } from './error-codes.ts';
export {
  DEFAULT_MAX_CLIENT_ID_LENGTH,
  DEFAULT_MAX_FRAME_SIZE,
  FRAME_SIZE_BYTES,
  checkRequestFrameStart,
  checkResponseFrameStart,
  readFrame,
  type FrameCheckOptions,
  type FrameRead,
  type FrameStartCheck,
  type ResponseFrameCheckOptions,
} from './frame.ts';
export {
  requestHeaderVersion,
  responseHeaderVersion,
  type RequestHeader,
  type RequestHeaderVersion,
  type ResponseHeader,
  type ResponseHeaderVersion,
} from './headers.ts';
export { AbortedTransactionFilter, type AbortedTransaction } from './aborted-transactions.ts';
export { FetchResponseStream, type StreamedFetchResponse } from './fetch-response-stream.ts';
export { ProduceRequestStream, type StreamedProduceRequest } from './produce-request-stream.ts';
export { Reader, type Int64 } from './reader.ts';
export {
  COMPRESSION_GZIP,
  COMPRESSION_LZ4,
  COMPRESSION_NONE,
  COMPRESSION_SNAPPY,
  COMPRESSION_ZSTD,
  compressionCodecNames,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  summarizeRecords,
  type DecompressionBudget,
  type RecordSetSummary,
} from './record-batch.ts';
export { decodeBody, type DecodedBody, type DecodedStruct, type DecodedValue, type Direction } from './schema-decoder.ts';

export interface DecodedRequest {
  readonly header: RequestHeader;
  readonly apiName: string;
  readonly body: DecodedStruct;
  /** Bytes after the body that the definition does not account for (0 for well-formed requests). */
  readonly trailingBytes: number;
}

export interface DecodedResponse {
  readonly header: ResponseHeader;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly apiName: string;
  /** Version the body was read with: apiVersion, or 0 for an ApiVersions response sent in v0 format. */
  readonly bodyVersion: number;
  readonly body: DecodedStruct;
  readonly trailingBytes: number;
}

export interface DecodedHeader<H> {
  readonly header: H;
  /** Offset in the message where the body starts. */
  readonly bodyOffset: number;
}

/** Reads only the request header: cheap enough for every frame (correlation tracking, client ids). */
export function decodeRequestHeader(message: Buffer): DecodeResult<DecodedHeader<RequestHeader>> {
  try {
    const reader = new Reader(message);
    const header = readRequestHeader(reader);
    return { ok: true, value: { header, bodyOffset: reader.offset } };
  } catch (error) {
    return failure(error);
  }
}

export function decodeRequest(message: Buffer): DecodeResult<DecodedRequest> {
  try {
    const reader = new Reader(message);
    const header = readRequestHeader(reader);
    const plan = messagePlan(header.apiKey, header.apiVersion, 'request');
    if (!plan) {
      throw new DecodeError('request body', reader.offset, `no definition for ${apiKeyName(header.apiKey)} v${header.apiVersion}`);
    }
    const body = readStruct(reader, plan);
    return {
      ok: true,
      value: { header, apiName: apiKeyName(header.apiKey)!, body, trailingBytes: reader.remaining },
    };
  } catch (error) {
    return failure(error);
  }
}

/** Reads only the response header of a response to a request of `apiKey`/`apiVersion`. */
export function decodeResponseHeader(message: Buffer, apiKey: number, apiVersion: number): DecodeResult<DecodedHeader<ResponseHeader>> {
  try {
    const headerVersion = responseHeaderVersion(apiKey, apiVersion);
    if (headerVersion === undefined) throw new DecodeError('response header', 0, `unknown api key ${apiKey}`);
    const reader = new Reader(message);
    const header = readResponseHeader(reader, headerVersion);
    return { ok: true, value: { header, bodyOffset: reader.offset } };
  } catch (error) {
    return failure(error);
  }
}

function readResponseBody(message: Buffer, bodyOffset: number, apiKey: number, version: number): { body: DecodedStruct; end: number } {
  const plan = messagePlan(apiKey, version, 'response');
  if (!plan) {
    throw new DecodeError('response body', bodyOffset, `no definition for ${apiKeyName(apiKey) ?? `api key ${apiKey}`} v${version}`);
  }
  const reader = new Reader(message, bodyOffset);
  const body = readStruct(reader, plan);
  return { body, end: reader.offset };
}

/**
 * Decodes a response; its layout depends on the request it answers, hence `apiKey`/`apiVersion`.
 * Like Kafka clients, an ApiVersions response that does not parse at the requested version is read
 * as v0 (brokers answer unsupported ApiVersions versions in v0 format).
 */
export function decodeResponse(message: Buffer, apiKey: number, apiVersion: number): DecodeResult<DecodedResponse> {
  const headerResult = decodeResponseHeader(message, apiKey, apiVersion);
  if (!headerResult.ok) return headerResult;
  const { header, bodyOffset } = headerResult.value;
  const apiName = apiKeyName(apiKey)!;
  try {
    const { body, end } = readResponseBody(message, bodyOffset, apiKey, apiVersion);
    return { ok: true, value: { header, apiKey, apiVersion, apiName, bodyVersion: apiVersion, body, trailingBytes: message.length - end } };
  } catch (error) {
    if (apiKey === ApiKey.ApiVersions && apiVersion > 0) {
      try {
        const { body, end } = readResponseBody(message, bodyOffset, apiKey, 0);
        return { ok: true, value: { header, apiKey, apiVersion, apiName, bodyVersion: 0, body, trailingBytes: message.length - end } };
      } catch {
        // Report the failure at the requested version, which is the more useful one.
      }
    }
    return failure(error);
  }
}
