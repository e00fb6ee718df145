import {
  DLT_RAW_BSD,
  DLT_RAW_COMMON,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from './link-types.ts';
import { undecodable, type Undecodable } from './undecodable-reason.ts';

export interface IpLocation {
  ok: true;
  ipVersion: 4 | 6;
  /** Offset of the IP header in the frame. */
  ipOffset: number;
}

export type LinkDecodeResult = IpLocation | Undecodable;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_LEGACY = 0x9100;

const ETHERNET_HEADER_LENGTH = 14;
const SLL_HEADER_LENGTH = 16;
const SLL2_HEADER_LENGTH = 20;
const LOOPBACK_HEADER_LENGTH = 4;

const AF_INET = 2;
/** AF_INET6 differs by OS: NetBSD/OpenBSD/BSD-OS 24, FreeBSD/DragonFly 28, Darwin 30. */
const AF_INET6_VALUES = new Set([24, 28, 30]);

/** Finds the IP header inside a link-layer frame. Never throws. */
export function locateIpPacket(linkType: number, frame: Buffer): LinkDecodeResult {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (frame.length < ETHERNET_HEADER_LENGTH) return TRUNCATED_LINK_HEADER;
      return followEthertype(frame, frame.readUInt16BE(12), ETHERNET_HEADER_LENGTH);
    case LINKTYPE_LINUX_SLL:
      if (frame.length < SLL_HEADER_LENGTH) return TRUNCATED_LINK_HEADER;
      return followEthertype(frame, frame.readUInt16BE(14), SLL_HEADER_LENGTH);
    case LINKTYPE_LINUX_SLL2:
      if (frame.length < SLL2_HEADER_LENGTH) return TRUNCATED_LINK_HEADER;
      return followEthertype(frame, frame.readUInt16BE(0), SLL2_HEADER_LENGTH);
    case LINKTYPE_RAW:
    case DLT_RAW_BSD:
      return rawIp(frame);
    case DLT_RAW_COMMON:
      return startsWithIpVersion(frame) ? rawIp(frame) : loopback(frame, true);
    case LINKTYPE_NULL:
      return loopback(frame, false);
    case LINKTYPE_LOOP:
      return loopback(frame, true);
    case LINKTYPE_IPV4:
      return { ok: true, ipVersion: 4, ipOffset: 0 };
    case LINKTYPE_IPV6:
      return { ok: true, ipVersion: 6, ipOffset: 0 };
    default:
      return UNSUPPORTED_LINK_TYPE;
  }
}

/** Skips any stack of 802.1Q / 802.1ad tags, then maps the ethertype to an IP version. */
function followEthertype(frame: Buffer, firstEthertype: number, payloadOffset: number): LinkDecodeResult {
  let ethertype = firstEthertype;
  let offset = payloadOffset;
  while (ethertype === ETHERTYPE_VLAN || ethertype === ETHERTYPE_QINQ || ethertype === ETHERTYPE_QINQ_LEGACY) {
    if (frame.length < offset + 4) return TRUNCATED_LINK_HEADER;
    ethertype = frame.readUInt16BE(offset + 2);
    offset += 4;
  }
  if (ethertype === ETHERTYPE_IPV4) return { ok: true, ipVersion: 4, ipOffset: offset };
  if (ethertype === ETHERTYPE_IPV6) return { ok: true, ipVersion: 6, ipOffset: offset };
  return NOT_IP;
}

function startsWithIpVersion(frame: Buffer): boolean {
  const version = frame.length > 0 ? frame[0]! >> 4 : 0;
  return version === 4 || version === 6;
}

function rawIp(frame: Buffer): LinkDecodeResult {
  if (frame.length === 0) return TRUNCATED_LINK_HEADER;
  const version = frame[0]! >> 4;
  if (version === 4) return { ok: true, ipVersion: 4, ipOffset: 0 };
  if (version === 6) return { ok: true, ipVersion: 6, ipOffset: 0 };
  return NOT_IP;
}

/** BSD loopback: a 4-byte address family, in the capturing host's byte order for DLT_NULL, big-endian for LOOP. */
function loopback(frame: Buffer, bigEndian: boolean): LinkDecodeResult {
  if (frame.length < LOOPBACK_HEADER_LENGTH) return TRUNCATED_LINK_HEADER;
  let family = bigEndian ? frame.readUInt32BE(0) : frame.readUInt32LE(0);
  // A family written big-endian but read little-endian lands in the upper bytes.
  if (!bigEndian && family > 0xffff) family = frame.readUInt32BE(0);
  if (family === AF_INET) return { ok: true, ipVersion: 4, ipOffset: LOOPBACK_HEADER_LENGTH };
  if (AF_INET6_VALUES.has(family)) return { ok: true, ipVersion: 6, ipOffset: LOOPBACK_HEADER_LENGTH };
  return NOT_IP;
}

const TRUNCATED_LINK_HEADER = undecodable('truncated-link-header');
const UNSUPPORTED_LINK_TYPE = undecodable('unsupported-link-type');
const NOT_IP = undecodable('not-ip');
