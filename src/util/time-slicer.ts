/**
 * Long synchronous work (building or rendering 150,000 series) cut into slices of at most `sliceMs`:
 * call `turn()` between steps and it gives the event loop a turn once the slice is spent, so the
 * capture, scrapes and timers wait a few milliseconds rather than the whole job.
 *
 * One slicer may be shared by several concurrent tasks (the workers of a batch of requests): when
 * the slice is spent they wait in line and go on one per turn of the event loop, each with a fresh
 * slice, instead of all resuming in the same turn and holding the loop for the sum of their slices.
 */
export class TimeSlicer {
  readonly #sliceMs: number;
  #sliceStarted = performance.now();
  readonly #waiting: (() => void)[] = [];

  constructor(sliceMs = 5) {
    this.#sliceMs = sliceMs;
  }

  /** Whether the slice is spent: work that must not wait a microtask when it is not checks this before `turn()`. */
  get spent(): boolean {
    return performance.now() - this.#sliceStarted >= this.#sliceMs;
  }

  async turn(): Promise<void> {
    if (!this.spent && this.#waiting.length === 0) return;
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      if (this.#waiting.length === 1) setImmediate(this.#release);
    });
  }

  readonly #release = (): void => {
    this.#sliceStarted = performance.now();
    this.#waiting.shift()!();
    if (this.#waiting.length > 0) setImmediate(this.#release);
  };
}
