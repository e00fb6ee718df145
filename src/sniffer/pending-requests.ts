import type { ExchangeFacts } from './extract/exchange-facts.ts';

export interface PendingRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly requestBytes: number;
  /** When its last byte passed; for a request decoded as it passes, its first until then. */
  requestAtMicros: number;
  readonly facts: ExchangeFacts;
  /** For a request still passing: ends it with what arrived, before it is reported. */
  completeRequest?: () => void;
}

/**
 * Requests waiting for their response, by correlation id, in the order sent. A broker answers the
 * requests of one connection in order, so when a response arrives, the requests sent before its own
 * will never be answered in the capture (their responses fell into a gap). Bounded: beyond the
 * limit the oldest request is given up.
 */
const NONE_SKIPPED: readonly PendingRequest[] = Object.freeze([]);

export class PendingRequests {
  readonly #requests = new Map<number, PendingRequest>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  has(correlationId: number): boolean {
    return this.#requests.has(correlationId);
  }

  oldestCorrelationId(): number | undefined {
    return this.#requests.keys().next().value;
  }

  /** Adds a request; returns the requests given up to make room (or replaced by a reused correlation id). */
  add(request: PendingRequest): PendingRequest[] {
    const dropped: PendingRequest[] = [];
    const previous = this.#requests.get(request.correlationId);
    if (previous !== undefined) {
      this.#requests.delete(request.correlationId);
      dropped.push(previous);
    }
    while (this.#requests.size >= this.#limit) {
      const oldest = this.#requests.values().next().value!;
      this.#requests.delete(oldest.correlationId);
      dropped.push(oldest);
    }
    this.#requests.set(request.correlationId, request);
    return dropped;
  }

  /** The request a response answers, and the older requests that were skipped; undefined when unknown. */
  take(correlationId: number): { request: PendingRequest; skipped: readonly PendingRequest[] } | undefined {
    const request = this.#requests.get(correlationId);
    if (request === undefined) return undefined;
    if (this.#requests.keys().next().value === correlationId) {
      // The usual case: the response answers the oldest request.
      this.#requests.delete(correlationId);
      return { request, skipped: NONE_SKIPPED };
    }
    const skipped: PendingRequest[] = [];
    for (const [id, pending] of this.#requests) {
      this.#requests.delete(id);
      if (id === correlationId) break;
      skipped.push(pending);
    }
    return { request, skipped };
  }

  /** Everything still waiting, oldest first; the map is emptied. */
  drain(): PendingRequest[] {
    const all = [...this.#requests.values()];
    this.#requests.clear();
    return all;
  }
}
