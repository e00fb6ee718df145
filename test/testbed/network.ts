import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * Free loopback ports below the kernel's ephemeral range, so that a port kept across a broker restart
 * is not taken meanwhile as the source port of some outgoing connection.
 */
export async function findFreePorts(count: number): Promise<number[]> {
  const upper = ephemeralRangeStart() - 1;
  const lower = Math.min(15_000, upper - 1_000);
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    for (let attempt = 0; ports.length < count; attempt += 1) {
      if (attempt > 10_000) throw new Error('no free loopback port found');
      const candidate = lower + Math.floor(Math.random() * (upper - lower));
      if (ports.includes(candidate)) continue;
      const server = await tryListen(candidate);
      if (server) {
        held.push(server);
        ports.push(candidate);
      }
    }
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
  return ports;
}

function ephemeralRangeStart(): number {
  try {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const value = Number(start);
    return Number.isInteger(value) && value > 2_000 ? value : 32_768;
  } catch {
    return 32_768;
  }
}

function tryListen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => resolve(server));
  });
}

export function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Sends a ZooKeeper four-letter word and returns everything the server writes back. */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`${word} to ${host}:${port} timed out`));
    });
    socket.once('connect', () => socket.write(word));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export async function httpStatus(url: string, init: RequestInit = {}, timeoutMs = 3_000): Promise<number | undefined> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}
