import {
  isNotServing,
  isWhitelistRefusal,
  parseCons,
  parseEnvi,
  parseMntr,
  parseRuok,
  parseSrvr,
  parseWchs,
  type FourLetterWord,
} from './four-letter-word-parsers.ts';

/** What one ensemble member answered to each four-letter word (or why it did not). */
export interface MemberAnswers {
  readonly server: string;
  readonly answers: ReadonlyMap<FourLetterWord, string>;
  readonly failures: ReadonlyMap<FourLetterWord, string>;
}

export type CommandOutcome = 'answered' | 'refused';

/** One member, summarised: mntr first, srvr and wchs where mntr is refused or silent. Absent numbers are unknown, never 0. */
export interface MemberState {
  readonly server: string;
  /** Answers and serves requests. */
  readonly up: boolean;
  /** Why the member is down. */
  readonly error: string | undefined;
  /** leader, follower, observer, standalone, read-only. */
  readonly state: string | undefined;
  readonly commands: ReadonlyMap<FourLetterWord, CommandOutcome>;
  readonly version: string | undefined;
  readonly javaVersion: string | undefined;
  readonly minLatencySeconds: number | undefined;
  readonly avgLatencySeconds: number | undefined;
  readonly maxLatencySeconds: number | undefined;
  readonly outstandingRequests: number | undefined;
  readonly aliveConnections: number | undefined;
  readonly znodes: number | undefined;
  readonly watches: number | undefined;
  readonly watchedPaths: number | undefined;
  readonly ephemerals: number | undefined;
  readonly approximateDataSizeBytes: number | undefined;
  readonly openFileDescriptors: number | undefined;
  readonly maxFileDescriptors: number | undefined;
  readonly packetsReceived: number | undefined;
  readonly packetsSent: number | undefined;
  readonly uptimeSeconds: number | undefined;
  readonly quorumSize: number | undefined;
  /** Leader only. */
  readonly followers: number | undefined;
  readonly syncedFollowers: number | undefined;
  readonly pendingSyncs: number | undefined;
  /** Client sessions per client address (cons); four-letter-word connections have no session and are left out. */
  readonly clientConnections: ReadonlyMap<string, number> | undefined;
}

const MS = 1 / 1000;

function numeric(values: ReadonlyMap<string, string> | undefined, key: string, scale = 1): number | undefined {
  const raw = values?.get(key);
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value * scale : undefined;
}

const scaled = (value: number | undefined, scale: number): number | undefined => (value === undefined ? undefined : value * scale);

/** `3.8.4-9316c2…, built on 2024-02-12 22:16 UTC` → `3.8.4`. */
export function shortVersion(version: string | undefined): string | undefined {
  return version?.split(/[-,\s]/)[0] || undefined;
}

export function summarizeMember({ server, answers, failures }: MemberAnswers): MemberState {
  const commands = new Map<FourLetterWord, CommandOutcome>();
  const usable = new Map<FourLetterWord, string>();
  let notServing = false;
  for (const [word, answer] of answers) {
    if (isWhitelistRefusal(answer)) {
      commands.set(word, 'refused');
    } else {
      commands.set(word, 'answered');
      if (isNotServing(answer)) notServing = true;
      else usable.set(word, answer);
    }
  }
  const mntr = usable.has('mntr') ? parseMntr(usable.get('mntr')!) : undefined;
  const srvr = usable.has('srvr') ? parseSrvr(usable.get('srvr')!) : undefined;
  const wchs = usable.has('wchs') ? parseWchs(usable.get('wchs')!) : undefined;
  const envi = usable.has('envi') ? parseEnvi(usable.get('envi')!) : undefined;
  const ruokAnswer = answers.get('ruok');
  const ruokFailed = ruokAnswer !== undefined && !isWhitelistRefusal(ruokAnswer) && !parseRuok(ruokAnswer);
  const up = answers.size > 0 && !notServing && !ruokFailed && [...commands.values()].includes('answered');

  let error: string | undefined;
  if (answers.size === 0) error = [...new Set(failures.values())].join('; ') || 'no answer';
  else if (notServing) error = 'the member is not currently serving requests (no quorum)';
  else if (ruokFailed) error = `ruok answered ${JSON.stringify(ruokAnswer!.trim())} instead of imok`;
  else if (!up) error = 'every four-letter word was refused by the whitelist';

  const cons = usable.has('cons') ? parseCons(usable.get('cons')!) : undefined;
  let clientConnections: Map<string, number> | undefined;
  if (cons) {
    clientConnections = new Map();
    for (const connection of cons.filter((entry) => entry.sessionId !== undefined))
      clientConnections.set(connection.address, (clientConnections.get(connection.address) ?? 0) + 1);
  }

  return {
    server,
    up,
    error,
    state: mntr?.get('zk_server_state') ?? srvr?.mode,
    commands,
    version: shortVersion(mntr?.get('zk_version') ?? srvr?.version ?? envi?.get('zookeeper.version')),
    javaVersion: envi?.get('java.version'),
    minLatencySeconds: numeric(mntr, 'zk_min_latency', MS) ?? scaled(srvr?.minLatencyMs, MS),
    avgLatencySeconds: numeric(mntr, 'zk_avg_latency', MS) ?? scaled(srvr?.avgLatencyMs, MS),
    maxLatencySeconds: numeric(mntr, 'zk_max_latency', MS) ?? scaled(srvr?.maxLatencyMs, MS),
    outstandingRequests: numeric(mntr, 'zk_outstanding_requests') ?? srvr?.outstanding,
    aliveConnections: numeric(mntr, 'zk_num_alive_connections') ?? srvr?.connections,
    znodes: numeric(mntr, 'zk_znode_count') ?? srvr?.nodeCount,
    watches: numeric(mntr, 'zk_watch_count') ?? wchs?.watches,
    watchedPaths: wchs?.paths,
    ephemerals: numeric(mntr, 'zk_ephemerals_count'),
    approximateDataSizeBytes: numeric(mntr, 'zk_approximate_data_size'),
    openFileDescriptors: numeric(mntr, 'zk_open_file_descriptor_count'),
    maxFileDescriptors: numeric(mntr, 'zk_max_file_descriptor_count'),
    packetsReceived: numeric(mntr, 'zk_packets_received') ?? srvr?.received,
    packetsSent: numeric(mntr, 'zk_packets_sent') ?? srvr?.sent,
    uptimeSeconds: numeric(mntr, 'zk_uptime', MS),
    quorumSize: numeric(mntr, 'zk_quorum_size'),
    // ZooKeeper 3.4/3.5 say zk_followers; 3.6+ say zk_learners (followers and observers).
    followers: numeric(mntr, 'zk_followers') ?? numeric(mntr, 'zk_learners'),
    syncedFollowers: numeric(mntr, 'zk_synced_followers'),
    pendingSyncs: numeric(mntr, 'zk_pending_syncs'),
    clientConnections,
  };
}
