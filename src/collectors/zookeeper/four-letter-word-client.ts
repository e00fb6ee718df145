import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions as TlsOptions } from 'node:tls';

export interface ZookeeperEndpoint {
  readonly host: string;
  readonly port: number;
}

/** host:port, [v6]:port. */
export function parseEndpoint(server: string): ZookeeperEndpoint {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(server) ?? /^([^:]+):(\d+)$/.exec(server);
  if (!match) throw new Error(`${JSON.stringify(server)} is not host:port`);
  return { host: match[1]!, port: Number(match[2]) };
}

/**
 * Sends one four-letter word on a fresh connection and returns everything the member writes
 * before it closes the connection (that is how ZooKeeper ends every answer).
 */
export function sendFourLetterWord(
  endpoint: ZookeeperEndpoint,
  word: string,
  options: { timeoutMs: number; tls?: TlsOptions | undefined; signal?: AbortSignal },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const where = `${endpoint.host}:${endpoint.port}`;
    const socket: Socket = options.tls
      ? connectTls({
          ...options.tls,
          host: endpoint.host,
          port: endpoint.port,
          servername: options.tls.servername ?? (/^[\d.:]+$/.test(endpoint.host) ? undefined : endpoint.host),
        })
      : connectTcp({ host: endpoint.host, port: endpoint.port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onAbort = (): void => finish(new Error(`${word} to ${where}: aborted`));
    const timer = setTimeout(() => finish(new Error(`${word} to ${where}: no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once(options.tls ? 'secureConnect' : 'connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(new Error(`${word} to ${where}: ${error.code ?? error.message}`)));
    socket.once('close', () => finish(undefined));
  });
}
