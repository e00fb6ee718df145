import type { SchemaRegistryCollectorConfig } from '../../config/config.ts';
import type { Logger } from '../../log/logger.ts';
import { schemaRegistryMetrics } from '../../metrics/catalogue/schema-registry.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import { registryConnection, type RegistryConnection } from '../../schema-registry/registry-http.ts';
import type { Collector } from '../collector.ts';
import { StageLog } from '../stage-log.ts';
import { readRegistry } from './registry-reader.ts';
import { buildRegistrySnapshot, registryStages } from './registry-snapshot.ts';

/** What is in the schema registry, through the Confluent REST API (Confluent, Apicurio ccompat, Redpanda, Karapace). */
export class SchemaRegistryCollector implements Collector {
  readonly name = 'schema-registry';
  readonly #settings: SchemaRegistryCollectorConfig;
  readonly #connection: RegistryConnection;
  readonly #stageLog: StageLog;

  constructor(settings: SchemaRegistryCollectorConfig, logger: Logger) {
    this.#settings = settings;
    this.#connection = registryConnection(settings);
    this.#stageLog = new StageLog(logger, this.name);
  }

  async collect(signal: AbortSignal): Promise<Snapshot> {
    const state = await readRegistry(this.#connection, this.#settings.concurrency, signal).catch((error: Error) => {
      throw new Error(`schema registry ${this.#settings.url}: ${error.message}`);
    });
    const stages = registryStages(state);
    this.#stageLog.report(stages.errors);
    return buildRegistrySnapshot(state, this.name, stages);
  }

  failureSnapshot(): Snapshot {
    return new Snapshot().add(schemaRegistryMetrics.up, {}, 0);
  }

  async close(): Promise<void> {}
}
