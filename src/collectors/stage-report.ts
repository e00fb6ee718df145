import { collectionMetrics } from '../metrics/catalogue/exporter.ts';
import type { Snapshot } from '../metrics/series-store.ts';

/** What the stages of one cycle did, as the snapshot builders read it. */
export interface StageOutcomes {
  /** Stages that failed this cycle, with the reason; their metrics are absent. */
  readonly errors: ReadonlyMap<string, string>;
  /** Every stage that ran, in the order it ended, with its duration in seconds; undefined for a stage that is not timed. */
  readonly durations: ReadonlyMap<string, number | undefined>;
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Records the stages of one collection cycle (a new report per cycle): each collector runs its stages
 * through `run` or `require`, and `addStageSeries` turns the report into kafka_sonar_collector_stage_*.
 */
export class StageReport implements StageOutcomes {
  readonly #errors = new Map<string, string>();
  readonly #durations = new Map<string, number | undefined>();
  readonly #describe: (error: unknown) => string;

  /** describe turns what a failed stage threw into its reason (the cluster collector names Kafka error codes). */
  constructor(describe: (error: unknown) => string = errorMessage) {
    this.#describe = describe;
  }

  get errors(): ReadonlyMap<string, string> {
    return this.#errors;
  }

  get durations(): ReadonlyMap<string, number | undefined> {
    return this.#durations;
  }

  /** Runs a stage that may fail alone: its duration is recorded either way, a throw becomes its error and yields undefined. */
  async run<T>(stage: string, work: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    try {
      return await work();
    } catch (error) {
      this.#errors.set(stage, this.#describe(error));
      return undefined;
    } finally {
      this.#durations.set(stage, (performance.now() - started) / 1000);
    }
  }

  /** Runs a stage the cycle cannot go without: its duration is recorded when it succeeds, a throw goes to the caller (the cycle fails). */
  async require<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    this.#durations.set(stage, (performance.now() - started) / 1000);
    return result;
  }

  /** Marks a stage failed though its work returned, when part of what it reads was unreadable; call it from within the stage's work. */
  fail(stage: string, reason: string): void {
    this.#errors.set(stage, reason);
  }

  /** Records a stage that is not timed: up unless a reason is given. */
  record(stage: string, failure?: string): void {
    if (failure !== undefined) this.#errors.set(stage, failure);
    this.#durations.set(stage, undefined);
  }
}

/** kafka_sonar_collector_stage_up for every stage that ran, and kafka_sonar_collector_stage_duration_seconds for each timed one. */
export function addStageSeries(snapshot: Snapshot, collector: string, stages: StageOutcomes): void {
  for (const [stage, seconds] of stages.durations) {
    snapshot.add(collectionMetrics.stageUp, { collector, stage }, stages.errors.has(stage) ? 0 : 1);
    if (seconds !== undefined) snapshot.add(collectionMetrics.stageDuration, { collector, stage }, seconds);
  }
}
