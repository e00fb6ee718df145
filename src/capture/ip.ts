import { formatIpv4, formatIpv6 } from './ip-address.ts';
import { undecodable, type Undecodable } from './undecodable-reason.ts';

export interface IpPacket {
  ok: true;
  version: 4 | 6;
  sourceAddress: string;
  destinationAddress: string;
  /** Upper-layer protocol number, after any IPv6 extension headers. */
  protocol: number;
  /** Offset in the frame where the upper-layer header starts. */
  payloadOffset: number;
  /** End of the captured part of the IP payload in the frame (link-layer padding excluded). */
  payloadEnd: number;
  /** Payload bytes the IP header declares but the capture does not hold (snap length). */
  missingPayloadBytes: number;
  /** True for the first fragment of a fragmented datagram: its tail lives in fragments that are skipped. */
  firstFragment: boolean;
}

export type IpDecodeResult = IpPacket | Undecodable;

const IPV4_MIN_HEADER_LENGTH = 20;
const IPV6_HEADER_LENGTH = 40;
const IPV4_MORE_FRAGMENTS = 0x2000;
const IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;
const MAX_IPV6_EXTENSION_HEADERS = 16;

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AUTHENTICATION = 51;
const IPV6_DESTINATION_OPTIONS = 60;
const IPV6_MOBILITY = 135;
const IPV6_HOST_IDENTITY = 139;
const IPV6_SHIM6 = 140;

/**
 * Decodes the IP header at `offset`. `frameMissingBytes` (original minus captured frame length,
 * when known) sizes packets whose length field is 0: TSO/GRO super-packets and jumbograms.
 * Never throws.
 */
export function decodeIp(frame: Buffer, offset: number, version: 4 | 6, frameMissingBytes = 0): IpDecodeResult {
  return version === 4 ? decodeIpv4(frame, offset, frameMissingBytes) : decodeIpv6(frame, offset, frameMissingBytes);
}

function decodeIpv4(frame: Buffer, offset: number, frameMissingBytes: number): IpDecodeResult {
  const captured = frame.length - offset;
  if (captured < IPV4_MIN_HEADER_LENGTH) return TRUNCATED_IP_HEADER;
  const versionAndLength = frame[offset]!;
  const headerLength = (versionAndLength & 0x0f) * 4;
  if (versionAndLength >> 4 !== 4 || headerLength < IPV4_MIN_HEADER_LENGTH) return BAD_IP_HEADER;
  if (captured < headerLength) return TRUNCATED_IP_HEADER;
  const totalLengthField = frame.readUInt16BE(offset + 2);
  if (totalLengthField !== 0 && totalLengthField < headerLength) return BAD_IP_HEADER;
  const fragmentField = frame.readUInt16BE(offset + 6);
  if ((fragmentField & IPV4_FRAGMENT_OFFSET_MASK) !== 0) return IP_FRAGMENT;
  // A zero total length comes from TSO/GRO super-packets: the frame length is the truth.
  const totalLength = totalLengthField === 0 ? captured + frameMissingBytes : totalLengthField;
  return {
    ok: true,
    version: 4,
    sourceAddress: formatIpv4(frame, offset + 12),
    destinationAddress: formatIpv4(frame, offset + 16),
    protocol: frame[offset + 9]!,
    payloadOffset: offset + headerLength,
    payloadEnd: offset + Math.min(totalLength, captured),
    missingPayloadBytes: Math.max(0, totalLength - captured),
    firstFragment: (fragmentField & IPV4_MORE_FRAGMENTS) !== 0,
  };
}

function decodeIpv6(frame: Buffer, offset: number, frameMissingBytes: number): IpDecodeResult {
  const captured = frame.length - offset;
  if (captured < IPV6_HEADER_LENGTH) return TRUNCATED_IP_HEADER;
  if (frame[offset]! >> 4 !== 6) return BAD_IP_HEADER;
  const payloadLengthField = frame.readUInt16BE(offset + 4);
  // Zero means a jumbogram or a GRO/BIG TCP super-packet: the frame length is the truth.
  const payloadLength = payloadLengthField === 0 ? captured - IPV6_HEADER_LENGTH + frameMissingBytes : payloadLengthField;
  const capturedEnd = offset + Math.min(IPV6_HEADER_LENGTH + payloadLength, captured);
  let nextHeader = frame[offset + 6]!;
  let position = offset + IPV6_HEADER_LENGTH;
  let firstFragment = false;
  for (let headers = 0; ; headers++) {
    if (headers > MAX_IPV6_EXTENSION_HEADERS) return BAD_IP_HEADER;
    if (nextHeader === IPV6_FRAGMENT) {
      if (position + 8 > capturedEnd) return TRUNCATED_IP_HEADER;
      const offsetAndFlags = frame.readUInt16BE(position + 2);
      if (offsetAndFlags >> 3 !== 0) return IP_FRAGMENT;
      firstFragment = (offsetAndFlags & 1) !== 0;
      nextHeader = frame[position]!;
      position += 8;
      continue;
    }
    const extensionLength = extensionHeaderLength(nextHeader, frame, position, capturedEnd);
    if (extensionLength === undefined) break;
    if (extensionLength < 0 || position + extensionLength > capturedEnd) return TRUNCATED_IP_HEADER;
    nextHeader = frame[position]!;
    position += extensionLength;
  }
  return {
    ok: true,
    version: 6,
    sourceAddress: formatIpv6(frame, offset + 8),
    destinationAddress: formatIpv6(frame, offset + 24),
    protocol: nextHeader,
    payloadOffset: position,
    payloadEnd: capturedEnd,
    missingPayloadBytes: Math.max(0, IPV6_HEADER_LENGTH + payloadLength - captured),
    firstFragment,
  };
}

/** Length of the extension header at `position`; undefined when `header` is not one; -1 when its length field is not captured. */
function extensionHeaderLength(header: number, frame: Buffer, position: number, capturedEnd: number): number | undefined {
  switch (header) {
    case IPV6_HOP_BY_HOP:
    case IPV6_ROUTING:
    case IPV6_DESTINATION_OPTIONS:
    case IPV6_MOBILITY:
    case IPV6_HOST_IDENTITY:
    case IPV6_SHIM6:
      return position + 2 > capturedEnd ? -1 : (frame[position + 1]! + 1) * 8;
    case IPV6_AUTHENTICATION:
      return position + 2 > capturedEnd ? -1 : (frame[position + 1]! + 2) * 4;
    default:
      return undefined;
  }
}

const TRUNCATED_IP_HEADER = undecodable('truncated-ip-header');
const BAD_IP_HEADER = undecodable('bad-ip-header');
const IP_FRAGMENT = undecodable('ip-fragment');
