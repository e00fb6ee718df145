import zookeeper, { type Client } from 'node-zookeeper-client';

const NO_NODE = -101;

function isNoNode(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === NO_NODE;
}

/**
 * One ZooKeeper session, opened on first use and kept; an expired or refused session is dropped so
 * the next call opens a new one. Missing znodes read as no children or undefined data.
 */
export class ZookeeperSession {
  readonly #connectionString: string;
  readonly #sessionTimeoutMs: number;
  #client: Client | undefined;
  #connected: Promise<Client> | undefined;

  /** `servers` as host:port; `chroot` the path Kafka's zookeeper.connect ends with, or empty. */
  constructor(servers: readonly string[], chroot: string, sessionTimeoutMs: number) {
    this.#connectionString = servers.join(',') + (chroot && chroot !== '/' ? `/${chroot.replace(/^\/+|\/+$/g, '')}` : '');
    this.#sessionTimeoutMs = sessionTimeoutMs;
  }

  connect(timeoutMs: number): Promise<Client> {
    if (this.#connected) return this.#connected;
    const client = zookeeper.createClient(this.#connectionString, { sessionTimeout: this.#sessionTimeoutMs, spinDelay: 500, retries: 0 });
    this.#client = client;
    client.on('state', (state: { name: string }) => {
      if (state.name === 'EXPIRED' || state.name === 'AUTH_FAILED') void this.close();
    });
    this.#connected = new Promise<Client>((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.close();
        reject(new Error(`no ZooKeeper session with ${this.#connectionString} within ${timeoutMs} ms`));
      }, timeoutMs);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve(client);
      });
    });
    client.connect();
    return this.#connected;
  }

  /** The children of `path`, sorted; none when it does not exist. */
  children(client: Client, path: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      client.getChildren(path, (error, children) => {
        if (error && isNoNode(error)) resolve([]);
        else if (error) reject(new Error(`${path}: ${String(error)}`));
        else resolve(children.sort());
      });
    });
  }

  /** The data of `path` as text; undefined when it does not exist. */
  data(client: Client, path: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      client.getData(path, (error, data) => {
        if (error && isNoNode(error)) resolve(undefined);
        else if (error) reject(new Error(`${path}: ${String(error)}`));
        else resolve(data ? data.toString('utf8') : '');
      });
    });
  }

  /** Removes `path` and everything under it, children first; a znode already gone is fine. */
  async removeTree(client: Client, path: string): Promise<void> {
    for (const child of await this.children(client, path)) await this.removeTree(client, `${path}/${child}`);
    await new Promise<void>((resolve, reject) => {
      client.remove(path, -1, (error) => {
        if (error && !isNoNode(error)) reject(new Error(`${path}: ${String(error)}`));
        else resolve();
      });
    });
  }

  /** Ends the session; the next call opens a new one. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#connected = undefined;
    client?.close();
  }
}
