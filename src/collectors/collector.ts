import type { Config } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import type { Snapshot } from '../metrics/series-store.ts';
import type { TopicFeeder } from '../sniffer/topic-resolver.ts';

/** How often the runner starts a collector's cycle, and how long a cycle may take before it counts as failed. */
export interface Schedule {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
}

/** One subsystem the exporter watches; the runner schedules it and reports its health. */
export interface Collector {
  readonly name: string;
  /** One collection cycle; rejects when the subsystem could not be read. */
  collect(signal: AbortSignal): Promise<Snapshot>;
  /** The series to show after a failed cycle (for example `kafka_up 0`). */
  failureSnapshot(error: Error): Snapshot;
  close(): Promise<void>;
}

/** What a collector may need from the exporter besides its configuration. */
export interface CollectorDependencies {
  readonly logger: Logger;
  /** The sniffer's topic-id resolver, fed with the topic ids the cluster collector reads; absent without the sniffer. */
  readonly topicFeeder?: TopicFeeder;
}

/**
 * How the exporter finds a collector: its name, whether the configuration turns it on, its schedule, and
 * how to make it (loading its code only then, so a collector that is off costs no start-up or memory).
 */
export interface CollectorFactory {
  readonly name: string;
  enabled(config: Config): boolean;
  schedule(config: Config): Schedule;
  create(config: Config, dependencies: CollectorDependencies): Promise<Collector>;
}
