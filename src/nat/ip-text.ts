import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv6 } from '../capture/ip-address.ts';

const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * The address in the sniffer's text form: IPv4 unchanged, IPv6 in RFC 5952 form (the kernel's
 * /proc/net/nf_conntrack prints all eight groups in full). undefined when `text` is no IP address.
 */
export function canonicalIp(text: string): string | undefined {
  if (DOTTED_QUAD.test(text)) return isIPv4(text) ? text : undefined;
  if (!isIPv6(text)) return undefined;
  return formatIpv6(ipv6Bytes(text), 0);
}

function ipv6Bytes(text: string): Buffer {
  const bytes = Buffer.alloc(16);
  let groups = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    groups = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = groups.includes('::') ? (groups.split('::') as [string, string]) : [groups, undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const all = [...headGroups, ...new Array<string>(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  if (tail.length === 4)
    tail.forEach((octet, i) => {
      bytes[12 + i] = octet;
    });
  return bytes;
}
