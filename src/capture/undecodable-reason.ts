/** Why a captured frame yields no TCP segment. Each is counted separately. */
export type UndecodableReason =
  | 'unsupported-link-type'
  | 'truncated-link-header'
  /** ARP, LLDP, other ethertypes or address families. */
  | 'not-ip'
  | 'truncated-ip-header'
  /** Wrong version nibble, header length below minimum, total length below header length. */
  | 'bad-ip-header'
  /** A non-first IP fragment: it carries no TCP header, so it cannot be placed. */
  | 'ip-fragment'
  /** UDP, ICMP, ESP, no-next-header, ... */
  | 'not-tcp'
  | 'truncated-tcp-header'
  /** TCP data offset below 5 words or beyond the segment. */
  | 'bad-tcp-header';

export const UNDECODABLE_REASONS: readonly UndecodableReason[] = [
  'unsupported-link-type',
  'truncated-link-header',
  'not-ip',
  'truncated-ip-header',
  'bad-ip-header',
  'ip-fragment',
  'not-tcp',
  'truncated-tcp-header',
  'bad-tcp-header',
];

export interface Undecodable {
  readonly ok: false;
  readonly reason: UndecodableReason;
}

export function undecodable(reason: UndecodableReason): Undecodable {
  return Object.freeze({ ok: false, reason });
}
