import type { Admin } from '@platformatic/kafka';
import type { KafkaConnectionConfig } from '../../config/config.ts';
import { createAdminClient } from '../../kafka/admin-client.ts';
import { describeKafkaError } from '../../kafka/errors.ts';
import { clusterMetrics } from '../../metrics/catalogue/index.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import type { Collector } from '../collector.ts';

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Reads the cluster through the admin API. */
export class ClusterCollector implements Collector {
  readonly name = 'cluster';
  readonly #config: KafkaConnectionConfig;
  readonly #timeoutSeconds: number;
  #admin: Admin | undefined;

  constructor(config: KafkaConnectionConfig, timeoutSeconds: number) {
    this.#config = config;
    this.#timeoutSeconds = timeoutSeconds;
  }

  async collect(signal: AbortSignal): Promise<Snapshot> {
    this.#admin ??= createAdminClient(this.#config, this.#timeoutSeconds);
    const admin = this.#admin;
    signal.addEventListener('abort', () => void this.#discardClient(admin), { once: true });
    try {
      const metadata = await admin.metadata({ topics: [], forceUpdate: true });
      const snapshot = new Snapshot()
        .add(clusterMetrics.up, {}, 1)
        .add(clusterMetrics.brokers, {}, metadata.brokers.size);
      for (const [id, broker] of metadata.brokers) {
        snapshot.add(clusterMetrics.brokerInfo, { id: String(id), address: formatAddress(broker.host, broker.port) }, 1);
      }
      return snapshot;
    } catch (error) {
      await this.#discardClient(admin);
      throw new Error(`cluster metadata from ${this.#config.bootstrapServers.join(',')}: ${describeKafkaError(error)}`);
    }
  }

  failureSnapshot(): Snapshot {
    return new Snapshot().add(clusterMetrics.up, {}, 0);
  }

  async close(): Promise<void> {
    if (this.#admin) await this.#discardClient(this.#admin);
  }

  /** A client that failed may hold dead connections: the next cycle starts from the bootstrap servers again. */
  async #discardClient(admin: Admin): Promise<void> {
    if (this.#admin === admin) this.#admin = undefined;
    await admin.close().catch(() => undefined);
  }
}
