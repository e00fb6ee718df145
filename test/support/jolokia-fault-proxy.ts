// A faulty path to a real Jolokia agent: an HTTP proxy that passes bulk requests to the agent and, in the
// answers, replaces the response of every read of an MBean (or pattern) in `failing` with a JMX error,
// as an agent does whose MBean throws; or holds every answer for `answerDelayMs`. The agent behind it is real.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delay } from './wait.ts';

export interface JolokiaFaultProxy {
  readonly url: string;
  /** MBean names or patterns whose reads answer with an error (searches still answer, as when one MBean throws). */
  readonly failing: Set<string>;
  answerDelayMs: number;
  /** Bulk requests passed on, and how many of their items were made to fail. */
  readonly seen: { requests: number; failed: number };
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startJolokiaFaultProxy(agentUrl: string): Promise<JolokiaFaultProxy> {
  const server: Server = createServer(async (request, response) => {
    try {
      const body = await bodyOf(request);
      const upstream = await fetch(`${agentUrl}${(request.url ?? '/').replace(/^\/jolokia/, '')}`, {
        method: request.method ?? 'GET',
        headers: { 'content-type': 'application/json' },
        ...(request.method === 'POST' ? { body } : {}),
      });
      let answer = await upstream.text();
      proxy.seen.requests++;
      if (request.method === 'POST' && upstream.ok) {
        const items = JSON.parse(body.toString('utf8')) as { type?: string; mbean?: string }[];
        const responses = JSON.parse(answer) as unknown[];
        items.forEach((item, index) => {
          if (item.type !== 'read' || item.mbean === undefined || !proxy.failing.has(item.mbean)) return;
          proxy.seen.failed++;
          responses[index] = {
            status: 500,
            error_type: 'javax.management.RuntimeMBeanException',
            error: `injected fault reading ${item.mbean}`,
          };
        });
        answer = JSON.stringify(responses);
      }
      await delay(proxy.answerDelayMs);
      response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(answer);
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: JolokiaFaultProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jolokia`,
    failing: new Set(),
    answerDelayMs: 0,
    seen: { requests: 0, failed: 0 },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
