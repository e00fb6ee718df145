import type { SnifferListener } from './events.ts';

/** One listener that hands every sniffer event to each of `listeners`, in order. */
export function fanOut(listeners: readonly SnifferListener[]): SnifferListener {
  return {
    connectionOpened: (connection) => {
      for (const listener of listeners) listener.connectionOpened?.(connection);
    },
    exchange: (exchange) => {
      for (const listener of listeners) listener.exchange?.(exchange);
    },
    connectionClosed: (connection, reason) => {
      for (const listener of listeners) listener.connectionClosed?.(connection, reason);
    },
    brokerIdentified: (broker, brokerId) => {
      for (const listener of listeners) listener.brokerIdentified?.(broker, brokerId);
    },
    topicResolved: (topicId, name) => {
      for (const listener of listeners) listener.topicResolved?.(topicId, name);
    },
  };
}
