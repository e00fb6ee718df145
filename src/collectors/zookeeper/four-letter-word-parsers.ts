/** Pure parsers of ZooKeeper's four-letter-word answers (mntr, srvr, ruok, envi, cons, wchs). */

export const FOUR_LETTER_WORDS = ['mntr', 'srvr', 'ruok', 'envi', 'cons', 'wchs'] as const;
export type FourLetterWord = (typeof FOUR_LETTER_WORDS)[number];

const REFUSAL = /^(\w{4}) is not executed because it is not in the whitelist\.?\s*$/;
const NOT_SERVING = /This ZooKeeper instance is not currently serving requests/;

/** The answer of a member whose 4lw.commands.whitelist leaves the word out. */
export function isWhitelistRefusal(answer: string): boolean {
  return REFUSAL.test(answer.trim());
}

/** A member that is up but not part of a working quorum (for example the last one standing) says so instead of answering. */
export function isNotServing(answer: string): boolean {
  return NOT_SERVING.test(answer);
}

/** mntr: one `key<TAB>value` per line. */
export function parseMntr(answer: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of answer.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) values.set(line.slice(0, tab).trim(), line.slice(tab + 1).trim());
  }
  return values;
}

export interface SrvrReport {
  readonly version: string | undefined;
  readonly minLatencyMs: number | undefined;
  readonly avgLatencyMs: number | undefined;
  readonly maxLatencyMs: number | undefined;
  readonly received: number | undefined;
  readonly sent: number | undefined;
  readonly connections: number | undefined;
  readonly outstanding: number | undefined;
  readonly zxid: string | undefined;
  readonly mode: string | undefined;
  readonly nodeCount: number | undefined;
}

function numberOrUndefined(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** srvr: `Name: value` lines; latencies as min/avg/max in milliseconds. */
export function parseSrvr(answer: string): SrvrReport {
  const fields = new Map<string, string>();
  for (const line of answer.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const [min, avg, max] = (fields.get('Latency min/avg/max') ?? '').split('/');
  return {
    version: fields.get('Zookeeper version'),
    minLatencyMs: numberOrUndefined(min),
    avgLatencyMs: numberOrUndefined(avg),
    maxLatencyMs: numberOrUndefined(max),
    received: numberOrUndefined(fields.get('Received')),
    sent: numberOrUndefined(fields.get('Sent')),
    connections: numberOrUndefined(fields.get('Connections')),
    outstanding: numberOrUndefined(fields.get('Outstanding')),
    zxid: fields.get('Zxid'),
    mode: fields.get('Mode'),
    nodeCount: numberOrUndefined(fields.get('Node count')),
  };
}

/** ruok: `imok` when the member runs (it says nothing about quorum). */
export function parseRuok(answer: string): boolean {
  return answer.trim() === 'imok';
}

/** envi: `Environment:` then `key=value` lines. */
export function parseEnvi(answer: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of answer.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) values.set(line.slice(0, equals).trim(), line.slice(equals + 1).trim());
  }
  return values;
}

export interface ClientConnection {
  /** Client address without its port. */
  readonly address: string;
  readonly queued: number | undefined;
  readonly received: number | undefined;
  readonly sent: number | undefined;
  /** Absent on connections without a session, such as four-letter-word requests. */
  readonly sessionId: string | undefined;
}

const CONNECTION_LINE = /^\s*\/(.+):(\d+)\[\d+\]\((.*)\)\s*$/;

/** cons: ` /address:port[interest](key=value,...)` per connection, the 4lw connection itself included. */
export function parseCons(answer: string): ClientConnection[] {
  const connections: ClientConnection[] = [];
  for (const line of answer.split('\n')) {
    const match = CONNECTION_LINE.exec(line);
    if (!match) continue;
    const fields = new Map(
      match[3]!.split(',').map((pair) => {
        const equals = pair.indexOf('=');
        return [pair.slice(0, equals), pair.slice(equals + 1)] as const;
      }),
    );
    connections.push({
      address: match[1]!.replace(/^\[|\]$/g, ''),
      queued: numberOrUndefined(fields.get('queued')),
      received: numberOrUndefined(fields.get('recved')),
      sent: numberOrUndefined(fields.get('sent')),
      sessionId: fields.get('sid'),
    });
  }
  return connections;
}

export interface WatchSummary {
  readonly connections: number;
  readonly paths: number;
  readonly watches: number;
}

/** wchs: `N connections watching M paths` and `Total watches:K`. */
export function parseWchs(answer: string): WatchSummary | undefined {
  const summary = /(\d+) connections watching (\d+) paths/.exec(answer);
  const total = /Total watches:\s*(\d+)/.exec(answer);
  if (!summary || !total) return undefined;
  return { connections: Number(summary[1]), paths: Number(summary[2]), watches: Number(total[1]) };
}
