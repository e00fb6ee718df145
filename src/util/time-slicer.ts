/**
 * Long synchronous work (building or rendering 150,000 series) cut into slices of at most `sliceMs`:
 * call `turn()` between steps and it gives the event loop a turn once the slice is spent, so the
 * capture, scrapes and timers wait a few milliseconds rather than the whole job.
 */
export class TimeSlicer {
  readonly #sliceMs: number;
  #sliceStarted = performance.now();

  constructor(sliceMs = 5) {
    this.#sliceMs = sliceMs;
  }

  /** Whether the slice is spent: work that must not wait a microtask when it is not checks this before `turn()`. */
  get spent(): boolean {
    return performance.now() - this.#sliceStarted >= this.#sliceMs;
  }

  async turn(): Promise<void> {
    if (!this.spent) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceStarted = performance.now();
  }
}
