// The client's original address from the kernel's connection tracking table. After SNAT or
// masquerade the broker sees the NAT host's address and a translated port: that pair is the REPLY
// tuple's destination, and the REPLY tuple's source is the real broker (also after DNAT to a Service
// VIP). The ORIGINAL tuple's source is the client as it was.

import type { AddressPort, ClientAddressResolver } from './client-address-resolver.ts';
import { parseConntrackLine, type ConntrackEntry } from './conntrack-parser.ts';
import { ConntrackUnavailableError, conntrackToolSource, procConntrackSource, type ConntrackSource } from './conntrack-source.ts';
import { canonicalIp } from './ip-text.ts';

export interface NatTranslation {
  /** The client before translation. */
  readonly originalClient: AddressPort;
  /** The address the client connected to: a Service VIP after DNAT, otherwise the broker. */
  readonly originalBroker: AddressPort;
  readonly state: string;
}

export type ConntrackStatus =
  | { readonly state: 'not-read' }
  | {
      readonly state: 'ready';
      readonly source: string;
      /** TCP entries to the broker ports, indexed. */
      readonly entries: number;
      /** Entries beyond maxEntries, left out of the index. */
      readonly droppedEntries: number;
      readonly malformedLines: number;
      readonly refreshedAtMs: number;
    }
  | { readonly state: 'unavailable'; readonly reason: string };

export interface ConntrackTableOptions {
  /** Index only entries whose (reply) server port is one of these; empty: every TCP entry. */
  readonly brokerPorts?: readonly number[];
  /** 'auto': the /proc file, or the conntrack tool when the file cannot be read. */
  readonly source?: 'auto' | 'proc' | 'tool' | ConntrackSource;
  readonly file?: string;
  readonly toolCommand?: string;
  /** Least time between two reads of the table; a lookup that misses starts one when it has passed. */
  readonly minRefreshIntervalMs?: number;
  readonly maxEntries?: number;
  /** Called once per distinct reason when the table becomes unreadable (to log one line). */
  readonly onUnavailable?: (reason: string) => void;
  /** Called when a read works again after the table was unreadable. */
  readonly onRecovered?: () => void;
  readonly now?: () => number;
}

export class ConntrackTable implements ClientAddressResolver {
  readonly #brokerPorts: ReadonlySet<number>;
  readonly #brokerPortNeedles: readonly string[];
  readonly #sources: readonly ConntrackSource[];
  readonly #minRefreshIntervalMs: number;
  readonly #maxEntries: number;
  readonly #onUnavailable: (reason: string) => void;
  readonly #onRecovered: () => void;
  readonly #now: () => number;
  #index = new Map<string, NatTranslation>();
  #status: ConntrackStatus = { state: 'not-read' };
  #lastRefreshStartedMs = -Infinity;
  #inFlight: Promise<ConntrackStatus> | undefined;
  readonly #reported = new Set<string>();

  constructor(options: ConntrackTableOptions = {}) {
    this.#brokerPorts = new Set(options.brokerPorts ?? []);
    this.#brokerPortNeedles = [...this.#brokerPorts].map((port) => `sport=${port} `);
    const proc = procConntrackSource(options.file);
    const tool = conntrackToolSource(options.toolCommand);
    const source = options.source ?? 'auto';
    this.#sources = typeof source === 'object' ? [source] : source === 'proc' ? [proc] : source === 'tool' ? [tool] : [proc, tool];
    this.#minRefreshIntervalMs = options.minRefreshIntervalMs ?? 5_000;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#onUnavailable = options.onUnavailable ?? (() => {});
    this.#onRecovered = options.onRecovered ?? (() => {});
    this.#now = options.now ?? Date.now;
  }

  originalClient(client: AddressPort, broker: AddressPort): AddressPort | undefined {
    const translation = this.lookup(client, broker);
    if (translation === undefined) return undefined;
    const original = translation.originalClient;
    return original.ip === canonical(client.ip) && original.port === client.port ? undefined : original;
  }

  knows(client: AddressPort, broker: AddressPort): boolean {
    return this.lookup(client, broker) !== undefined;
  }

  /** The entry of the connection the sniffer sees between `client` and `broker`, from the last read. */
  lookup(client: AddressPort, broker: AddressPort): NatTranslation | undefined {
    const found = this.#index.get(key(canonical(broker.ip), broker.port, canonical(client.ip), client.port));
    if (found === undefined) this.#refreshIfDue();
    return found;
  }

  status(): ConntrackStatus {
    return this.#status;
  }

  /**
   * Whether the last read worked; undefined before the first. While the table is unreadable it is read
   * again when due, so that its recovery shows without waiting for a new connection to look up.
   */
  up(): boolean | undefined {
    if (this.#status.state === 'unavailable') this.#refreshIfDue();
    return this.#status.state === 'not-read' ? undefined : this.#status.state === 'ready';
  }

  /** Reads the table now (joining a read under way). */
  refresh(): Promise<ConntrackStatus> {
    this.#inFlight ??= this.#read().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  #refreshIfDue(): void {
    if (this.#inFlight !== undefined || this.#now() - this.#lastRefreshStartedMs < this.#minRefreshIntervalMs) return;
    void this.refresh();
  }

  async #read(): Promise<ConntrackStatus> {
    this.#lastRefreshStartedMs = this.#now();
    const reasons: string[] = [];
    for (const source of this.#sources) {
      try {
        const wasUnavailable = this.#status.state === 'unavailable';
        this.#status = await this.#readFrom(source);
        if (wasUnavailable) {
          this.#reported.clear();
          this.#onRecovered();
        }
        return this.#status;
      } catch (error) {
        reasons.push(error instanceof ConntrackUnavailableError ? error.message : `${source.name}: ${(error as Error).message}`);
      }
    }
    const reason = reasons.join('; ');
    // The last index stays: connections it knows keep their original address while the table is unreadable.
    this.#status = { state: 'unavailable', reason };
    if (!this.#reported.has(reason)) {
      this.#reported.add(reason);
      this.#onUnavailable(reason);
    }
    return this.#status;
  }

  async #readFrom(source: ConntrackSource): Promise<ConntrackStatus> {
    const index = new Map<string, NatTranslation>();
    let droppedEntries = 0;
    let malformedLines = 0;
    for await (const lines of source.lineBatches()) {
      for (const line of lines) {
        if (line.trim() === '' || !this.#mayBeWanted(line)) continue;
        const entry = parseConntrackLine(line);
        if (entry === 'malformed') malformedLines++;
        if (typeof entry !== 'object' || !this.#brokerPortsMatch(entry)) continue;
        if (index.size >= this.#maxEntries) {
          droppedEntries++;
          continue;
        }
        const { reply, original } = entry;
        index.set(key(reply.src, reply.sport, reply.dst, reply.dport), {
          originalClient: { ip: original.src, port: original.sport },
          originalBroker: { ip: original.dst, port: original.dport },
          state: entry.state,
        });
      }
    }
    this.#index = index;
    return { state: 'ready', source: source.name, entries: index.size, droppedEntries, malformedLines, refreshedAtMs: this.#now() };
  }

  /** A cheap test before parsing: most entries of a busy host are not to a broker port. */
  #mayBeWanted(line: string): boolean {
    return this.#brokerPortNeedles.length === 0 || this.#brokerPortNeedles.some((needle) => line.includes(needle));
  }

  #brokerPortsMatch(entry: ConntrackEntry): boolean {
    return this.#brokerPorts.size === 0 || this.#brokerPorts.has(entry.reply.sport);
  }
}

function key(brokerIp: string, brokerPort: number, clientIp: string, clientPort: number): string {
  return `${brokerIp}|${brokerPort}|${clientIp}|${clientPort}`;
}

function canonical(ip: string): string {
  return ip.includes(':') ? (canonicalIp(ip) ?? ip) : ip;
}
