// A slow network path to a real server: a TCP proxy that holds every chunk of the server's answers for
// `answerDelayMs` (changeable while connections are open) before passing it on, in order. Requests pass
// at once. The server behind it is the real one; only the path is slow.
import { connect, createServer, type Socket } from 'node:net';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface DelayProxy extends Endpoint {
  answerDelayMs: number;
  close(): Promise<void>;
}

export async function startDelayProxy(target: Endpoint, listenHost = '127.0.0.1'): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const server = createServer((client) => {
    track(client);
    const upstream = track(connect(target));
    let lastDue = 0;
    const later = (action: () => void): void => {
      lastDue = Math.max(Date.now() + proxy.answerDelayMs, lastDue);
      setTimeout(action, lastDue - Date.now());
    };
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => later(() => client.writable && client.write(chunk)));
    upstream.on('end', () => later(() => client.end()));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => later(() => client.destroy()));
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, resolve);
  });
  const { port } = server.address() as { port: number };
  const proxy: DelayProxy = {
    host: listenHost,
    port,
    answerDelayMs: 0,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
