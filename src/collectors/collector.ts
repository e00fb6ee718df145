import type { Snapshot } from '../metrics/series-store.ts';

/** One subsystem the exporter watches; the runner schedules it and reports its health. */
export interface Collector {
  readonly name: string;
  /** One collection cycle; rejects when the subsystem could not be read. */
  collect(signal: AbortSignal): Promise<Snapshot>;
  /** The series to show after a failed cycle (for example `kafka_up 0`). */
  failureSnapshot(error: Error): Snapshot;
  close(): Promise<void>;
}
