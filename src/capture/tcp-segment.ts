import { undecodable, type Undecodable } from './undecodable-reason.ts';

/** What the TCP header and payload of a packet say. */
export interface TcpFields {
  sourcePort: number;
  destinationPort: number;
  /** 32-bit sequence number of the first byte (of the SYN flag when `syn`). */
  sequence: number;
  acknowledgment: number;
  syn: boolean;
  fin: boolean;
  rst: boolean;
  ack: boolean;
  psh: boolean;
  window: number;
  /** The captured payload. */
  payload: Buffer;
  /** Payload bytes after `payload` that the packet carried but the capture cut off. */
  missingPayloadBytes: number;
}

/** A decoded TCP segment with its IP endpoints: the input of reassembly. */
export interface TcpSegment extends TcpFields {
  timestampMicros: number;
  ipVersion: 4 | 6;
  sourceAddress: string;
  destinationAddress: string;
}

export interface TcpHeader extends TcpFields {
  ok: true;
}

export type TcpDecodeResult = TcpHeader | Undecodable;

const TCP_MIN_HEADER_LENGTH = 20;
const FLAG_FIN = 0x01;
const FLAG_SYN = 0x02;
const FLAG_RST = 0x04;
const FLAG_PSH = 0x08;
const FLAG_ACK = 0x10;

/**
 * Decodes the TCP header between `offset` and the captured end `end`; `missingBytes` more
 * were cut off by the capture. When the cut falls inside the options the payload is all missing.
 * Never throws.
 */
export function decodeTcpHeader(frame: Buffer, offset: number, end: number, missingBytes: number): TcpDecodeResult {
  const captured = end - offset;
  if (captured < TCP_MIN_HEADER_LENGTH) return TRUNCATED_TCP_HEADER;
  const headerLength = (frame[offset + 12]! >> 4) * 4;
  const segmentLength = captured + missingBytes;
  if (headerLength < TCP_MIN_HEADER_LENGTH || headerLength > segmentLength) return BAD_TCP_HEADER;
  const flags = frame[offset + 13]!;
  const payloadStart = Math.min(offset + headerLength, end);
  return {
    ok: true,
    sourcePort: frame.readUInt16BE(offset),
    destinationPort: frame.readUInt16BE(offset + 2),
    sequence: frame.readUInt32BE(offset + 4),
    acknowledgment: frame.readUInt32BE(offset + 8),
    syn: (flags & FLAG_SYN) !== 0,
    fin: (flags & FLAG_FIN) !== 0,
    rst: (flags & FLAG_RST) !== 0,
    ack: (flags & FLAG_ACK) !== 0,
    psh: (flags & FLAG_PSH) !== 0,
    window: frame.readUInt16BE(offset + 14),
    payload: frame.subarray(payloadStart, end),
    missingPayloadBytes: segmentLength - headerLength - (end - payloadStart),
  };
}

const TRUNCATED_TCP_HEADER = undecodable('truncated-tcp-header');
const BAD_TCP_HEADER = undecodable('bad-tcp-header');
