import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import express from 'express';
import type { Logger } from '../log/logger.ts';
import type { PrometheusView } from '../metrics/prometheus.ts';
import { clientViewsRouter, type ClientViews } from './client-views.ts';
import { renderIndexPage } from './index-page.ts';
import { listenerGuard } from './listener-guard.ts';
import type { WebConfig } from './web-config.ts';

export interface HttpServerOptions {
  readonly listenAddress: string;
  readonly telemetryPath: string;
  readonly version: string;
  readonly metrics: PrometheusView;
  readonly readiness: () => { ready: boolean; detail: unknown };
  readonly logger: Logger;
  /** The sniffer's views; absent when the sniffer is off. */
  readonly clients?: ClientViews;
  /** The admin API (/v3, /sonar/v1); absent unless admin.enabled. */
  readonly admin?: express.Router;
  /** TLS, headers and basic auth of the listener (web.config.file). */
  readonly webConfig?: WebConfig;
}

export function parseListenAddress(address: string): { host: string | undefined; port: number } {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(address.slice(separator + 1)) };
}

export function createHttpApp(options: HttpServerOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (options.webConfig) app.use(listenerGuard(options.webConfig));

  app.get(options.telemetryPath, async (request, response, next) => {
    try {
      const started = performance.now();
      const { contentType, body } = await options.metrics.render(request.get('accept'));
      response.set('Server-Timing', `render;dur=${(performance.now() - started).toFixed(1)}`);
      response.type(contentType).set('Content-Length', String(body.reduce((sum, chunk) => sum + chunk.length, 0)));
      if (request.method === 'HEAD') {
        response.end();
        return;
      }
      for (const chunk of body) response.write(chunk);
      response.end();
    } catch (error) {
      next(error);
    }
  });
  app.get('/healthz', (_request, response) => {
    response.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_request, response) => {
    const { ready, detail } = options.readiness();
    response.status(ready ? 200 : 503).json({ ready, collectors: detail });
  });
  app.use(clientViewsRouter(options.clients));
  if (options.admin) app.use(options.admin);
  app.get('/', (_request, response) => {
    response.type('html').send(
      renderIndexPage(options.version, [
        { path: options.telemetryPath, description: 'metrics in the Prometheus text format (OpenMetrics on request)' },
        { path: '/healthz', description: 'liveness' },
        { path: '/readyz', description: 'readiness: every collector finished its first cycle' },
        ...(options.clients
          ? [
              {
                path: '/clients',
                description: 'the clients the sniffer sees, one entry per connection (?role=&topic=&client_id=&client_address=)',
              },
            ]
          : []),
        ...(options.admin
          ? [
              {
                path: '/v3/clusters',
                description: 'admin API (Confluent REST Proxy v3 paths; /sonar/v1 for the rest): authenticated, role-checked, audited',
              },
            ]
          : []),
      ]),
    );
  });
  app.use((error: Error, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
    options.logger.error('HTTP request failed', { error: error.message });
    response.status(500).type('text/plain').send(`internal error: ${error.message}\n`);
  });
  return app;
}

export async function startHttpServer(options: HttpServerOptions): Promise<Server> {
  const app = createHttpApp(options);
  const { host, port } = parseListenAddress(options.listenAddress);
  return await new Promise<Server>((resolve, reject) => {
    const tls = options.webConfig?.tls;
    const server = tls ? createHttpsServer(tls, app) : createServer(app);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the address is already in use' : error.message;
      reject(new Error(`cannot listen on ${options.listenAddress} (web.listen-address): ${reason}`));
    });
    server.listen({ port, ...(host ? { host } : {}) });
  });
}
