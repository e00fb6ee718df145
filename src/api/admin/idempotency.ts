import { createHash } from 'node:crypto';
import { HttpError } from './http-error.ts';
import type { RouteResult } from './route.ts';

interface Stored {
  readonly bodyHash: string;
  readonly result: RouteResult;
  readonly expiresAt: number;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('base64');

/**
 * Answers of POST requests by Idempotency-Key, per caller and path: the same key with the same
 * body gets the stored answer again without doing anything; with another body it is a 422. Kept
 * for a day, at most `limit` at a time (the oldest go first). Answers of 5xx are not kept, so a retry
 * after an outage does the work.
 */
export class IdempotencyStore {
  readonly #stored = new Map<string, Stored>();
  readonly #inFlight = new Set<string>();
  readonly #limit: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { limit?: number; ttlMs?: number; now?: () => number } = {}) {
    this.#limit = options.limit ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 86_400_000;
    this.#now = options.now ?? Date.now;
  }

  /** Runs `work` once per (caller, path, key); a repeat with the same body gets the first answer. */
  async run(
    scope: { user: string; method: string; path: string; key: string },
    body: unknown,
    work: () => Promise<RouteResult>,
  ): Promise<{ result: RouteResult; replayed: boolean }> {
    if (!/^[\x21-\x7e]{1,255}$/.test(scope.key)) throw new HttpError(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    const id = digest(`${scope.user}\0${scope.method}\0${scope.path}\0${scope.key}`);
    const bodyHash = digest(JSON.stringify(body ?? null));
    const stored = this.#stored.get(id);
    if (stored && stored.expiresAt > this.#now()) {
      if (stored.bodyHash !== bodyHash)
        throw new HttpError(422, 'this Idempotency-Key was used with another request body: use a new key for a new request');
      return { result: stored.result, replayed: true };
    }
    if (this.#inFlight.has(id))
      throw new HttpError(409, 'a request with this Idempotency-Key is still running: retry once it has answered');
    this.#inFlight.add(id);
    try {
      const result = await work();
      if (result.status < 500) this.#keep(id, { bodyHash, result, expiresAt: this.#now() + this.#ttlMs });
      return { result, replayed: false };
    } finally {
      this.#inFlight.delete(id);
    }
  }

  #keep(id: string, entry: Stored): void {
    this.#stored.delete(id);
    this.#stored.set(id, entry);
    while (this.#stored.size > this.#limit) this.#stored.delete(this.#stored.keys().next().value!);
  }
}
