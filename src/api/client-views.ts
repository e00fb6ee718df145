import express from 'express';
import { CONNECTION_FILTER_KEYS, type ConnectionEntry, type ConnectionFilter } from '../agent/connection-directory.ts';
import type { TopicClients } from '../agent/client-metrics.ts';

/** What the sniffer shows over HTTP. */
export interface ClientViews {
  connections(filter: ConnectionFilter): ConnectionEntry[];
  topicClients(topic: string): TopicClients;
}

const SNIFFER_OFF = { error: 'the sniffer is off: set --sniff.interface (live capture) or --sniff.replay (a capture file)' };

/** Reads ?role=&topic=&client_id=&client_address=&namespace=&pod=; an unknown parameter is an error rather than ignored. */
export function parseConnectionFilter(query: Record<string, unknown>): ConnectionFilter | string {
  const filter: ConnectionFilter = {};
  for (const [name, value] of Object.entries(query)) {
    const key = CONNECTION_FILTER_KEYS[name];
    if (key === undefined) return `unknown filter ${JSON.stringify(name)}: use ${Object.keys(CONNECTION_FILTER_KEYS).join(', ')}`;
    if (typeof value !== 'string') return `filter ${name} takes one value`;
    filter[key] = value;
  }
  return filter;
}

/** /clients: one entry per connection, filtered; /topics/{topic}/clients: who writes to and reads from the topic. */
export function clientViewsRouter(views: ClientViews | undefined): express.Router {
  const router = express.Router();
  router.get('/clients', (request, response) => {
    if (views === undefined) return void response.status(404).json(SNIFFER_OFF);
    const filter = parseConnectionFilter(request.query as Record<string, unknown>);
    if (typeof filter === 'string') return void response.status(400).json({ error: filter });
    const connections = views.connections(filter);
    response.json({ count: connections.length, connections });
  });
  router.get('/topics/:topic/clients', (request, response) => {
    if (views === undefined) return void response.status(404).json(SNIFFER_OFF);
    response.json(views.topicClients(request.params.topic));
  });
  return router;
}
