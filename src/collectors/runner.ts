import { exporterMetrics } from '../metrics/catalogue/index.ts';
import type { Sample } from '../metrics/definition.ts';
import type { SeriesSource, SeriesStore, Snapshot } from '../metrics/series-store.ts';
import type { Logger } from '../log/logger.ts';
import type { Collector, Schedule } from './collector.ts';

interface CollectorStatus {
  up: boolean;
  durationSeconds: number;
  lastSuccessSeconds: number;
  errors: number;
  cycles: number;
  lastError: string | undefined;
}

export class CollectionTimeoutError extends Error {
  override readonly name = 'CollectionTimeoutError';
}

/** Runs each collector in the background on its own schedule; a scrape only reads what they published. */
export class CollectorRunner implements SeriesSource {
  readonly #store: SeriesStore;
  readonly #logger: Logger;
  readonly #entries: {
    collector: Collector;
    schedule: Schedule;
    status: CollectorStatus;
    timer?: NodeJS.Timeout;
    running?: Promise<void>;
  }[] = [];
  #stopped = false;
  #preparers: ((snapshot: Snapshot) => Promise<void>)[] = [];

  constructor(store: SeriesStore, logger: Logger) {
    this.#store = store;
    this.#logger = logger;
    store.set('collector-runner', this);
  }

  add(collector: Collector, schedule: Schedule): void {
    this.#entries.push({
      collector,
      schedule,
      status: { up: false, durationSeconds: 0, lastSuccessSeconds: 0, errors: 0, cycles: 0, lastError: undefined },
    });
  }

  /** Awaited with each cycle's snapshot, sealed, before it replaces the previous one in the store. */
  beforePublish(prepare: (snapshot: Snapshot) => Promise<void>): void {
    this.#preparers.push(prepare);
  }

  start(): void {
    for (const entry of this.#entries) {
      const loop = async (): Promise<void> => {
        entry.running = this.#cycle(entry.collector, entry.schedule, entry.status);
        await entry.running;
        if (!this.#stopped) entry.timer = setTimeout(loop, entry.schedule.intervalSeconds * 1000);
      };
      void loop();
    }
  }

  /** True once every collector finished its first cycle, successful or not. */
  get ready(): boolean {
    return this.#entries.every((entry) => entry.status.cycles > 0);
  }

  statuses(): { collector: string; up: boolean; cycles: number; lastError: string | undefined }[] {
    return this.#entries.map(({ collector, status }) => ({
      collector: collector.name,
      up: status.up,
      cycles: status.cycles,
      lastError: status.lastError,
    }));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const entry of this.#entries) clearTimeout(entry.timer);
    await Promise.allSettled(this.#entries.map((entry) => entry.running));
    await Promise.allSettled(this.#entries.map((entry) => entry.collector.close()));
  }

  async #cycle(collector: Collector, schedule: Schedule, status: CollectorStatus): Promise<void> {
    const started = performance.now();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new CollectionTimeoutError(`no answer within the ${schedule.timeoutSeconds}s timeout`));
      }, schedule.timeoutSeconds * 1000);
    });
    try {
      const snapshot = (await Promise.race([collector.collect(abort.signal), timeout])).seal();
      clearTimeout(timer);
      status.durationSeconds = (performance.now() - started) / 1000;
      for (const prepare of this.#preparers) await prepare(snapshot);
      this.#store.set(collector.name, snapshot);
      if (!status.up && status.cycles > 0) this.#logger.info('collector recovered', { collector: collector.name });
      status.up = true;
      status.lastError = undefined;
      status.lastSuccessSeconds = Date.now() / 1000;
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      this.#store.set(collector.name, collector.failureSnapshot(error));
      if (status.up || status.cycles === 0 || status.lastError !== error.message) {
        this.#logger.error('collector failed', { collector: collector.name, error: error.message });
      }
      status.up = false;
      status.lastError = error.message;
      status.errors++;
      status.durationSeconds = (performance.now() - started) / 1000;
    } finally {
      clearTimeout(timer);
      status.cycles++;
    }
  }

  series(metricName: string): Sample[] | undefined {
    const read = STATUS_READERS.get(metricName);
    if (!read) return undefined;
    return this.#entries.map(({ collector, status }) => ({ labels: { collector: collector.name }, value: read(status) }));
  }
}

const STATUS_READERS = new Map<string, (status: CollectorStatus) => number>([
  [exporterMetrics.collectorUp.name, (status) => (status.up ? 1 : 0)],
  [exporterMetrics.collectorDuration.name, (status) => status.durationSeconds],
  [exporterMetrics.collectorLastSuccess.name, (status) => status.lastSuccessSeconds],
  [exporterMetrics.collectorErrors.name, (status) => status.errors],
]);
