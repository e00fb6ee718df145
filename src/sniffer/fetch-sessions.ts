// Fetch sessions (KIP-227): after a full fetch creates a session, incremental fetches list only the
// partitions that changed (and those to forget). The session's whole partition set is what the client
// is consuming, so it is kept here per connection, bounded.

/** A topic (its name or id, as the request carries it) and partition. */
export type PartitionKey = string;

export function partitionKey(topic: string, partition: number): PartitionKey {
  return `${partition}:${topic}`;
}

export function splitPartitionKey(key: PartitionKey): { topic: string; partition: number } {
  const colon = key.indexOf(':');
  return { topic: key.slice(colon + 1), partition: Number(key.slice(0, colon)) };
}

const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;

export interface FetchScope {
  /** Every partition the client fetches with this request (the session's, for incremental fetches). */
  partitions: ReadonlySet<PartitionKey>;
  /** An incremental fetch of a session that began before the capture: only its changes are known. */
  incomplete: boolean;
  /** Set for a full fetch that asks for a new session: the response's session id takes this set. */
  opensSession: boolean;
}

interface Session {
  partitions: Set<PartitionKey>;
  incomplete: boolean;
}

export class FetchSessions {
  readonly #sessions = new Map<number, Session>();
  readonly #maxSessions: number;
  readonly #maxPartitions: number;

  constructor(maxSessions = 16, maxPartitionsPerSession = 100_000) {
    this.#maxSessions = maxSessions;
    this.#maxPartitions = maxPartitionsPerSession;
  }

  /** The partitions a Fetch request covers, updating the session it belongs to. */
  request(sessionId: number, epoch: number, listed: readonly PartitionKey[], forgotten: readonly PartitionKey[]): FetchScope {
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      if (sessionId !== 0) this.#sessions.delete(sessionId);
      return { partitions: new Set(listed), incomplete: false, opensSession: epoch === INITIAL_EPOCH };
    }
    const session = this.#sessions.get(sessionId) ?? { partitions: new Set<PartitionKey>(), incomplete: true };
    for (const key of forgotten) session.partitions.delete(key);
    for (const key of listed) if (session.partitions.size < this.#maxPartitions) session.partitions.add(key);
    this.#remember(sessionId, session);
    return { partitions: new Set(session.partitions), incomplete: session.incomplete, opensSession: false };
  }

  /** The broker's answer: a new session id for a full fetch, or an error that ends the session. */
  response(requestedSessionId: number, scope: FetchScope, sessionId: number, sessionGone: boolean): void {
    if (sessionGone) {
      this.#sessions.delete(requestedSessionId);
      return;
    }
    if (scope.opensSession && sessionId !== 0) this.#remember(sessionId, { partitions: new Set(scope.partitions), incomplete: false });
  }

  #remember(sessionId: number, session: Session): void {
    this.#sessions.delete(sessionId);
    if (this.#sessions.size >= this.#maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    this.#sessions.set(sessionId, session);
  }
}
