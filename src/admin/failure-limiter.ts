/**
 * Failed logins per (client address, user name) in a sliding window: past the limit, further
 * attempts are refused until the oldest failure leaves the window.
 */
export class FailureLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();

  constructor(options: { limit: number; windowMs: number; now?: () => number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until another attempt is allowed; 0 when allowed now. */
  retryAfterSeconds(address: string, user: string): number {
    const recent = this.#recent(`${address}\0${user}`);
    if (recent.length < this.#limit) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.#limit]! + this.#windowMs - this.#now()) / 1000));
  }

  fail(address: string, user: string): void {
    const key = `${address}\0${user}`;
    const recent = this.#recent(key);
    recent.push(this.#now());
    this.#failures.set(key, recent);
    if (this.#failures.size > 10_000) this.#prune();
  }

  succeed(address: string, user: string): void {
    this.#failures.delete(`${address}\0${user}`);
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    const recent = (this.#failures.get(key) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.#failures.delete(key);
    return recent;
  }

  #prune(): void {
    for (const key of [...this.#failures.keys()]) this.#recent(key);
  }
}
