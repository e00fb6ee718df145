// How an exchange is written as text: one line per request (`kafka-sonar replay` and --sniff.print)
// or one JSON object (`kafka-sonar replay --json`).

import type { Endpoint } from '../tcp/connection.ts';
import { ApiKey, errorCodeName } from '../protocol/index.ts';
import type { Exchange } from './events.ts';

function endpoint({ address, port }: Endpoint): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A value as one token: quoted when it holds spaces, quotes or nothing. */
function token(value: string): string {
  return value === '' || /[\s"]/.test(value) ? JSON.stringify(value) : value;
}

/**
 * client 10.0.0.5:51404 -> 10.0.0.14:9092 Produce v9 client_id=producer-1 topics=[orders] records=120
 * bytes=40960 acks=-1 latency=3.1ms error=NONE
 */
export function formatExchangeLine(exchange: Exchange): string {
  const connection = exchange.connection;
  const parts = [`client ${endpoint(connection.client)} -> ${endpoint(connection.broker)} ${exchange.apiName} v${exchange.apiVersion}`];
  parts.push(`client_id=${exchange.clientId === null ? '-' : token(exchange.clientId)}`);
  if (exchange.topics.length > 0) parts.push(`topics=[${exchange.topics.map((topic) => token(topic.topic)).join(',')}]`);
  if (exchange.apiKey === ApiKey.Produce || exchange.apiKey === ApiKey.Fetch)
    parts.push(`records=${exchange.records}`, `bytes=${exchange.recordBytes}`);
  const rejected = exchange.rejected.reduce((sum, entry) => sum + entry.records, 0);
  if (rejected > 0) parts.push(`rejected_records=${rejected}`);
  const details = exchange.details;
  if (details.acks !== undefined) parts.push(`acks=${details.acks}`);
  if (exchange.role === 'follower') parts.push(`replica=${details.replicaId}`);
  if (details.transactionalId) parts.push(`transactional_id=${token(details.transactionalId)}`);
  if (details.groupId !== undefined) parts.push(`group=${token(details.groupId)}`);
  if (details.memberId !== undefined) parts.push(`member=${token(details.memberId)}`);
  if (details.saslMechanism !== undefined) parts.push(`mechanism=${token(details.saslMechanism)}`);
  if (details.principal !== undefined) parts.push(`principal=${token(details.principal)}`);
  if (details.softwareName !== undefined) parts.push(`software=${token(`${details.softwareName}/${details.softwareVersion ?? ''}`)}`);
  if (exchange.outcome === 'answered')
    parts.push(`latency=${exchange.latencyMs!.toFixed(1)}ms`, `error=${errorCodeName(exchange.errorCode)}`);
  else parts.push(exchange.outcome);
  if (exchange.problem !== undefined) parts.push(`problem=${token(exchange.problem)}`);
  return parts.join(' ');
}

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** The exchange as one JSON object (the connection reduced to its identity and attribution). */
export function formatExchangeJson(exchange: Exchange): string {
  const connection = exchange.connection;
  return JSON.stringify(
    {
      ...exchange,
      connection: {
        id: connection.id,
        client: connection.client,
        broker: connection.broker,
        clientId: connection.clientId,
        software: connection.software,
        sasl: connection.sasl,
        tls: connection.tls,
      },
      errorName: errorCodeName(exchange.errorCode),
    },
    jsonValue,
  );
}
