import type { Logger } from '../log/logger.ts';

/** Logs one line when a stage starts failing (or fails differently) and one when it recovers, never one per cycle. */
export class StageLog {
  readonly #logger: Logger;
  readonly #collector: string;
  readonly #reported = new Map<string, string>();

  constructor(logger: Logger, collector: string) {
    this.#logger = logger;
    this.#collector = collector;
  }

  report(errors: ReadonlyMap<string, string>): void {
    for (const [stage, message] of errors) {
      if (this.#reported.get(stage) !== message)
        this.#logger.warn('collection stage failed', { collector: this.#collector, stage, error: message });
      this.#reported.set(stage, message);
    }
    for (const stage of [...this.#reported.keys()]) {
      if (!errors.has(stage)) {
        this.#logger.info('collection stage recovered', { collector: this.#collector, stage });
        this.#reported.delete(stage);
      }
    }
  }
}
