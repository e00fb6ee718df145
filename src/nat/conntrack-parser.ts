// Lines of /proc/net/nf_conntrack and of `conntrack -L` (the same fields without the two leading
// layer-3 columns), for example:
//   ipv4     2 tcp      6 117 TIME_WAIT src=10.0.0.2 dst=10.0.1.2 sport=43018 dport=9092 src=10.0.1.2 dst=10.0.1.1 sport=9092 dport=43018 [ASSURED] mark=0 zone=0 use=2
//   tcp      6 117 SYN_SENT src=10.0.0.2 dst=10.0.1.9 sport=42756 dport=9092 [UNREPLIED] src=10.0.1.9 dst=10.0.1.1 sport=9092 dport=42756 mark=0 use=4

import { canonicalIp } from './ip-text.ts';

export interface ConntrackTuple {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
}

export interface ConntrackEntry {
  readonly ipVersion: 4 | 6;
  /** The TCP state (ESTABLISHED, TIME_WAIT, ...). */
  readonly state: string;
  readonly timeoutSeconds: number;
  /** As the initiator sent it, before any translation. */
  readonly original: ConntrackTuple;
  /** As the answers travel back, after translation: src is the real server, dst the translated client. */
  readonly reply: ConntrackTuple;
  /** Bracketed flags without the brackets: ASSURED, UNREPLIED. */
  readonly flags: readonly string[];
}

/** A TCP entry; 'not-tcp' for other protocols (never indexed); 'malformed' for a line this parser cannot read. */
export type ParsedConntrackLine = ConntrackEntry | 'not-tcp' | 'malformed';

const TUPLE_KEYS = ['src', 'dst', 'sport', 'dport'] as const;

export function parseConntrackLine(line: string): ParsedConntrackLine {
  const tokens = line.trim().split(/\s+/);
  let at = 0;
  let ipVersion: 4 | 6 | undefined;
  if (tokens[0] === 'ipv4' || tokens[0] === 'ipv6') {
    ipVersion = tokens[0] === 'ipv4' ? 4 : 6;
    at = 2;
  }
  const protocol = tokens[at];
  if (protocol === undefined || protocol === '') return 'malformed';
  if (!/^\d+$/.test(tokens[at + 1] ?? '')) return 'malformed';
  if (protocol !== 'tcp') return 'not-tcp';
  const timeoutSeconds = Number(tokens[at + 2]);
  const state = tokens[at + 3];
  if (!Number.isInteger(timeoutSeconds) || state === undefined || state.includes('=')) return 'malformed';

  const fields: Array<string | undefined> = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  const flags: string[] = [];
  for (let i = at + 4; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.startsWith('[')) {
      if (token.endsWith(']')) flags.push(token.slice(1, -1));
      continue;
    }
    const equals = token.indexOf('=');
    const slot = equals < 0 ? -1 : TUPLE_KEYS.indexOf(token.slice(0, equals) as (typeof TUPLE_KEYS)[number]);
    if (slot < 0) continue;
    // The first src/dst/sport/dport belong to the original tuple, the second to the reply tuple.
    const target = fields[slot] === undefined ? slot : slot + 4;
    if (fields[target] === undefined) fields[target] = token.slice(equals + 1);
  }
  const original = toTuple(fields[0], fields[1], fields[2], fields[3]);
  const reply = toTuple(fields[4], fields[5], fields[6], fields[7]);
  if (original === undefined || reply === undefined) return 'malformed';
  const version = original.src.includes(':') ? 6 : 4;
  if (ipVersion !== undefined && ipVersion !== version) return 'malformed';
  return { ipVersion: version, state, timeoutSeconds, original, reply, flags };
}

function toTuple(srcText?: string, dstText?: string, sportText?: string, dportText?: string): ConntrackTuple | undefined {
  const src = srcText === undefined ? undefined : canonicalIp(srcText);
  const dst = dstText === undefined ? undefined : canonicalIp(dstText);
  const sport = port(sportText);
  const dport = port(dportText);
  if (src === undefined || dst === undefined || sport === undefined || dport === undefined) return undefined;
  return { src, dst, sport, dport };
}

function port(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 65535 ? value : undefined;
}
