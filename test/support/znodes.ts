/** Writing and reading znodes in tests with node-zookeeper-client, one short session per call. */
import zookeeper, { type Client } from 'node-zookeeper-client';

async function withClient<T>(connectString: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 10_000 });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ZooKeeper session within 15 s')), 15_000);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    return await work(client);
  } finally {
    client.close();
  }
}

/** Creates the znode (and its parents) with the data. */
export function writeZnode(connectString: string, path: string, data: string): Promise<void> {
  return withClient(
    connectString,
    (client) =>
      new Promise<void>((resolve, reject) => client.mkdirp(path, Buffer.from(data), (error) => (error ? reject(error) : resolve()))),
  );
}

export function removeZnode(connectString: string, path: string): Promise<void> {
  return withClient(
    connectString,
    (client) => new Promise<void>((resolve, reject) => client.remove(path, -1, (error) => (error ? reject(error) : resolve()))),
  );
}

export function znodeExists(connectString: string, path: string): Promise<boolean> {
  return withClient(
    connectString,
    (client) =>
      new Promise<boolean>((resolve, reject) => client.exists(path, (error, stat) => (error ? reject(error) : resolve(Boolean(stat))))),
  );
}
