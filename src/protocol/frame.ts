// Kafka framing: every request and response is an int32 size followed by that many bytes
// (header + body). Also plausibility checks used to find a frame start again after lost bytes.

import { ApiKey, isKnownVersion } from './api-keys.ts';
import { DecodeError } from './decode-error.ts';

export const FRAME_SIZE_BYTES = 4;
export const DEFAULT_MAX_FRAME_SIZE = 100 * 1024 * 1024;
export const DEFAULT_MAX_CLIENT_ID_LENGTH = 1024;

/** apiKey int16 + apiVersion int16 + correlationId int32 (request header v0). */
const MIN_REQUEST_HEADER = 8;
const CLIENT_ID_LENGTH_BYTES = 2;
const CORRELATION_ID_BYTES = 4;

function isOffset(offset: number): boolean {
  return Number.isInteger(offset) && offset >= 0;
}

export type FrameRead =
  | { readonly status: 'complete'; readonly message: Buffer; readonly next: number }
  | { readonly status: 'incomplete'; readonly needed: number }
  | { readonly status: 'invalid'; readonly error: DecodeError };

/**
 * Reads the frame starting at `offset`. `message` (header + body, without the size prefix) is a view
 * into `buf`; `next` is where the following frame starts; `needed` is the whole frame's length
 * (size prefix included) when it is not all in `buf` yet.
 */
export function readFrame(buf: Buffer, offset = 0, maxFrameSize = DEFAULT_MAX_FRAME_SIZE): FrameRead {
  if (!isOffset(offset)) return { status: 'invalid', error: new DecodeError('frame', 0, `bad offset ${offset}`) };
  const available = buf.length - offset;
  if (available < FRAME_SIZE_BYTES) return { status: 'incomplete', needed: FRAME_SIZE_BYTES };
  const size = buf.readInt32BE(offset);
  if (size < 0 || size > maxFrameSize) {
    return { status: 'invalid', error: new DecodeError('frame size', offset, `${size} is outside [0, ${maxFrameSize}]`) };
  }
  const total = FRAME_SIZE_BYTES + size;
  if (available < total) return { status: 'incomplete', needed: total };
  return { status: 'complete', message: buf.subarray(offset + FRAME_SIZE_BYTES, offset + total), next: offset + total };
}

export interface FrameCheckOptions {
  /** Largest frame size accepted (default 100 MiB). */
  readonly maxFrameSize?: number;
  /** Longest client id accepted (default 1024 bytes). */
  readonly maxClientIdLength?: number;
}

/** `incomplete`: not enough bytes yet to decide. */
export type FrameStartCheck = 'plausible' | 'implausible' | 'incomplete';

/** Client ids are text: reject C0 control bytes and DEL among the bytes already available. */
function looksLikeText(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b < 0x20 || b === 0x7f) return false;
  }
  return true;
}

/**
 * Whether a request frame plausibly starts at `offset`: sane size, known API key, a version in the
 * supported range, non-negative correlation id and a plausible client id.
 */
export function checkRequestFrameStart(buf: Buffer, offset = 0, options: FrameCheckOptions = {}): FrameStartCheck {
  if (!isOffset(offset)) return 'implausible';
  const maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  const maxClientIdLength = options.maxClientIdLength ?? DEFAULT_MAX_CLIENT_ID_LENGTH;
  const available = buf.length - offset;
  if (available < FRAME_SIZE_BYTES) return 'incomplete';
  const size = buf.readInt32BE(offset);
  if (size < MIN_REQUEST_HEADER || size > maxFrameSize) return 'implausible';
  if (available < FRAME_SIZE_BYTES + MIN_REQUEST_HEADER) return 'incomplete';

  const header = offset + FRAME_SIZE_BYTES;
  const apiKey = buf.readInt16BE(header);
  const apiVersion = buf.readInt16BE(header + 2);
  const correlationId = buf.readInt32BE(header + 4);
  if (!isKnownVersion(apiKey, apiVersion) || correlationId < 0) return 'implausible';
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 'plausible';

  const clientIdAt = header + MIN_REQUEST_HEADER;
  if (size < MIN_REQUEST_HEADER + CLIENT_ID_LENGTH_BYTES) return 'implausible';
  if (buf.length < clientIdAt + CLIENT_ID_LENGTH_BYTES) return 'incomplete';
  const clientIdLength = buf.readInt16BE(clientIdAt);
  if (clientIdLength === -1) return 'plausible';
  if (clientIdLength < 0 || clientIdLength > maxClientIdLength) return 'implausible';
  if (clientIdLength > size - MIN_REQUEST_HEADER - CLIENT_ID_LENGTH_BYTES) return 'implausible';
  const textStart = clientIdAt + CLIENT_ID_LENGTH_BYTES;
  return looksLikeText(buf, textStart, Math.min(buf.length, textStart + clientIdLength)) ? 'plausible' : 'implausible';
}

export interface ResponseFrameCheckOptions {
  readonly maxFrameSize?: number;
  /** When given, only correlation ids of requests still awaiting a response are plausible. */
  readonly isPendingCorrelationId?: (correlationId: number) => boolean;
}

/** Whether a response frame plausibly starts at `offset`: sane size and an expected correlation id. */
export function checkResponseFrameStart(buf: Buffer, offset = 0, options: ResponseFrameCheckOptions = {}): FrameStartCheck {
  if (!isOffset(offset)) return 'implausible';
  const maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  const available = buf.length - offset;
  if (available < FRAME_SIZE_BYTES) return 'incomplete';
  const size = buf.readInt32BE(offset);
  if (size < CORRELATION_ID_BYTES || size > maxFrameSize) return 'implausible';
  if (available < FRAME_SIZE_BYTES + CORRELATION_ID_BYTES) return 'incomplete';
  const correlationId = buf.readInt32BE(offset + FRAME_SIZE_BYTES);
  if (correlationId < 0) return 'implausible';
  if (options.isPendingCorrelationId && !options.isPendingCorrelationId(correlationId)) return 'implausible';
  return 'plausible';
}
