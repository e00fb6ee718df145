// Builders of link-layer frames, IP packets and TCP segments for tests. Checksums are left zero:
// nothing under test reads them.

export interface TcpFlags {
  fin?: boolean;
  syn?: boolean;
  rst?: boolean;
  psh?: boolean;
  ack?: boolean;
}

export interface TcpFields {
  sourcePort?: number;
  destinationPort?: number;
  sequence?: number;
  acknowledgment?: number;
  flags?: TcpFlags;
  window?: number;
  options?: Buffer;
  /** Overrides the data-offset nibble (in 32-bit words). */
  dataOffsetWords?: number;
  payload?: Buffer;
}

export function tcp(fields: TcpFields = {}): Buffer {
  const options = fields.options ?? Buffer.alloc(0);
  const headerLength = 20 + options.length;
  if (headerLength % 4 !== 0) throw new Error('TCP options must be padded to 4 bytes');
  const payload = fields.payload ?? Buffer.alloc(0);
  const bytes = Buffer.alloc(headerLength + payload.length);
  bytes.writeUInt16BE(fields.sourcePort ?? 40000, 0);
  bytes.writeUInt16BE(fields.destinationPort ?? 9092, 2);
  bytes.writeUInt32BE(fields.sequence ?? 1000, 4);
  bytes.writeUInt32BE(fields.acknowledgment ?? 0, 8);
  bytes[12] = (fields.dataOffsetWords ?? headerLength / 4) << 4;
  const flags = fields.flags ?? { ack: true };
  bytes[13] = (flags.fin ? 0x01 : 0) | (flags.syn ? 0x02 : 0) | (flags.rst ? 0x04 : 0) | (flags.psh ? 0x08 : 0) | (flags.ack ? 0x10 : 0);
  bytes.writeUInt16BE(fields.window ?? 65535, 14);
  options.copy(bytes, 20);
  payload.copy(bytes, headerLength);
  return bytes;
}

export interface Ipv4Fields {
  source?: string;
  destination?: string;
  protocol?: number;
  options?: Buffer;
  /** Overrides the total-length field (0 imitates a TSO/GRO super-packet). */
  totalLength?: number;
  moreFragments?: boolean;
  /** In 8-byte units. */
  fragmentOffset?: number;
  payload: Buffer;
}

export function ipv4(fields: Ipv4Fields): Buffer {
  const options = fields.options ?? Buffer.alloc(0);
  const headerLength = 20 + options.length;
  const bytes = Buffer.alloc(headerLength + fields.payload.length);
  bytes[0] = 0x40 | (headerLength / 4);
  bytes.writeUInt16BE(fields.totalLength ?? bytes.length, 2);
  bytes.writeUInt16BE(0x1234, 4);
  bytes.writeUInt16BE((fields.moreFragments ? 0x2000 : 0) | (fields.fragmentOffset ?? 0), 6);
  bytes[8] = 64;
  bytes[9] = fields.protocol ?? 6;
  writeIpv4Address(bytes, 12, fields.source ?? '10.0.0.1');
  writeIpv4Address(bytes, 16, fields.destination ?? '10.0.0.2');
  options.copy(bytes, 20);
  fields.payload.copy(bytes, headerLength);
  return bytes;
}

function writeIpv4Address(bytes: Buffer, offset: number, address: string): void {
  address.split('.').forEach((part, index) => (bytes[offset + index] = Number(part)));
}

/** An IPv6 extension header: its first byte (next header) is filled in by ipv6(). */
export interface Ipv6Extension {
  type: number;
  bytes: Buffer;
}

/** Hop-by-hop, routing or destination options header of `8 * (lengthUnits + 1)` bytes. */
export function optionsExtension(type: number, lengthUnits = 0): Ipv6Extension {
  const bytes = Buffer.alloc(8 * (lengthUnits + 1));
  bytes[1] = lengthUnits;
  return { type, bytes };
}

export function fragmentExtension(offsetUnits: number, moreFragments: boolean): Ipv6Extension {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt16BE((offsetUnits << 3) | (moreFragments ? 1 : 0), 2);
  bytes.writeUInt32BE(0xabcdef, 4);
  return { type: 44, bytes };
}

/** Authentication header with `icvWords` 32-bit words of integrity check value. */
export function authenticationExtension(icvWords = 1): Ipv6Extension {
  const bytes = Buffer.alloc(12 + icvWords * 4);
  bytes[1] = bytes.length / 4 - 2;
  return { type: 51, bytes };
}

export interface Ipv6Fields {
  source?: string;
  destination?: string;
  /** Protocol after the extension headers. */
  protocol?: number;
  extensions?: Ipv6Extension[];
  /** Overrides the payload-length field (0 imitates a jumbogram or GRO super-packet). */
  payloadLength?: number;
  payload: Buffer;
}

export function ipv6(fields: Ipv6Fields): Buffer {
  const extensions = fields.extensions ?? [];
  const chain = extensions.map((extension, index) => {
    const bytes = Buffer.from(extension.bytes);
    bytes[0] = extensions[index + 1]?.type ?? fields.protocol ?? 6;
    return bytes;
  });
  const payload = Buffer.concat([...chain, fields.payload]);
  const header = Buffer.alloc(40);
  header.writeUInt32BE(0x60000000, 0);
  header.writeUInt16BE(fields.payloadLength ?? payload.length, 4);
  header[6] = extensions[0]?.type ?? fields.protocol ?? 6;
  header[7] = 64;
  writeIpv6Address(header, 8, fields.source ?? '2001:db8::1');
  writeIpv6Address(header, 24, fields.destination ?? '2001:db8::2');
  return Buffer.concat([header, payload]);
}

function writeIpv6Address(bytes: Buffer, offset: number, address: string): void {
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  groups.forEach((group, index) => bytes.writeUInt16BE(parseInt(group, 16), offset + index * 2));
}

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_ARP = 0x0806;

export function ethernet(payload: Buffer, ethertype: number, vlanTags: Array<{ tpid: number; vlanId: number }> = []): Buffer {
  const header = Buffer.alloc(14 + vlanTags.length * 4);
  Buffer.from('020000000002020000000001', 'hex').copy(header, 0);
  let offset = 12;
  for (const tag of vlanTags) {
    header.writeUInt16BE(tag.tpid, offset);
    header.writeUInt16BE(tag.vlanId, offset + 2);
    offset += 4;
  }
  header.writeUInt16BE(ethertype, offset);
  return Buffer.concat([header, payload]);
}

export function linuxSll(payload: Buffer, protocol: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt16BE(0, 0); // packet type: to us
  header.writeUInt16BE(1, 2); // ARPHRD_ETHER
  header.writeUInt16BE(6, 4);
  header.writeUInt16BE(protocol, 14);
  return Buffer.concat([header, payload]);
}

export function linuxSll2(payload: Buffer, protocol: number): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(protocol, 0);
  header.writeUInt32BE(1, 4); // interface index
  header.writeUInt16BE(772, 8); // ARPHRD_LOOPBACK
  header[11] = 6;
  return Buffer.concat([header, payload]);
}

export function bsdLoopback(payload: Buffer, family: number, littleEndian: boolean): Buffer {
  const header = Buffer.alloc(4);
  if (littleEndian) header.writeUInt32LE(family, 0);
  else header.writeUInt32BE(family, 0);
  return Buffer.concat([header, payload]);
}

/** A complete Ethernet/IPv4/TCP frame. */
export function ethernetIpv4Tcp(tcpFields: TcpFields = {}, ipFields: Partial<Ipv4Fields> = {}): Buffer {
  return ethernet(ipv4({ ...ipFields, payload: tcp(tcpFields) }), ETHERTYPE_IPV4);
}
