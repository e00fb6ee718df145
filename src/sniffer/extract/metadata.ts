import { isIP } from 'node:net';
import type { BrokerDirectory } from '../broker-directory.ts';
import type { ApiExtractor } from './context.ts';
import { nullableStringField, numberField, stringField, structsField } from './fields.ts';

/** Brokers a response names by IP address are brokers: connections to them need no guessing. */
export function learnBrokerEndpoint(brokers: BrokerDirectory, host: string | undefined, port: number | undefined, nodeId?: number): void {
  if (host !== undefined && port !== undefined && isIP(host) !== 0 && port > 0) brokers.learn({ address: host, port }, nodeId);
}

/** Metadata: the topics asked for, and the topic name <-> id map and broker list of the answer. */
export const metadataExtractor: ApiExtractor = {
  request(body, _version, facts) {
    for (const topic of structsField(body, 'topics')) {
      facts.topics.add({ name: nullableStringField(topic, 'name'), id: stringField(topic, 'topicId') });
    }
  },
  response(body, _version, _facts, context) {
    for (const topic of structsField(body, 'topics')) {
      const name = nullableStringField(topic, 'name');
      const id = stringField(topic, 'topicId');
      if (name && id !== undefined) context.resolver.learnTopic(id, name);
    }
    for (const broker of structsField(body, 'brokers')) {
      learnBrokerEndpoint(context.brokers, stringField(broker, 'host'), numberField(broker, 'port'), numberField(broker, 'nodeId'));
    }
  },
};
