import { metadataV12, type Admin, type Connection } from '@platformatic/kafka';
import { tolerant } from '../kafka/tolerant-response.ts';
import { withTimeout } from '../util/concurrency.ts';
import { asAdminError } from './admin-error.ts';

export interface BrokerAddress {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export type ClusterMetadata = Awaited<ReturnType<typeof metadataV12.api.async>>;

/**
 * The admin service's way into the cluster: metadata, and connections to the controller (where
 * ZooKeeper-mode brokers require topic changes to go) or to a given broker. Failures to reach the
 * cluster become retriable 'unavailable' admin errors.
 */
export class ClusterGateway {
  readonly #admin: Admin;
  readonly #timeoutSeconds: number;

  constructor(admin: Admin, timeoutSeconds: number) {
    this.#admin = admin;
    this.#timeoutSeconds = timeoutSeconds;
  }

  get timeoutMs(): number {
    return Math.round(this.#timeoutSeconds * 1000);
  }

  async #timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(work(), this.#timeoutSeconds, what);
    } catch (error) {
      throw asAdminError(error, what);
    }
  }

  async brokers(): Promise<{ clusterId: string; controllerId: number; brokers: BrokerAddress[] }> {
    const metadata = await this.metadata([]);
    const brokers = metadata.brokers
      .map((broker) => ({ id: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack ?? null }))
      .sort((a, b) => a.id - b.id);
    return { clusterId: metadata.clusterId ?? '', controllerId: metadata.controllerId, brokers };
  }

  /** Metadata of the given topics (all of them for null), from any broker. */
  async metadata(topics: readonly string[] | null): Promise<ClusterMetadata> {
    return await this.#timed('cluster metadata', async () => {
      const cluster = await this.#admin.metadata({ topics: [], forceUpdate: true });
      const [first] = cluster.brokers.keys();
      if (first === undefined) throw new Error('the cluster has no brokers');
      const connection = await this.#connectionTo(first);
      return await tolerant(metadataV12.api.async(connection, topics === null ? null : [...topics], false, false));
    });
  }

  /** Runs a request on the controller's connection (on KRaft clusters, the broker that forwards to it). */
  async onController<T>(what: string, request: (connection: Connection) => Promise<T>): Promise<T> {
    return await this.#timed(what, async () => {
      const cluster = await this.#admin.metadata({ topics: [], forceUpdate: true });
      return await tolerant(request(await this.#connectionTo(cluster.controllerId)));
    });
  }

  async onBroker<T>(brokerId: number, what: string, request: (connection: Connection) => Promise<T>): Promise<T> {
    return await this.#timed(what, async () => tolerant(request(await this.#connectionTo(brokerId))));
  }

  async #connectionTo(brokerId: number): Promise<Connection> {
    const connections = await this.#admin.connectToBrokers([brokerId]);
    const connection = connections.get(brokerId);
    if (!connection) throw new Error(`broker ${brokerId} is not in the cluster metadata`);
    return connection;
  }
}
