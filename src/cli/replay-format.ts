// How `kafka-sonar replay` shows exchanges and client summaries: one line per request, a table, or JSON lines.

import type { Endpoint } from '../tcp/connection.ts';
import type { ClientSummaryRow } from '../sniffer/client-summary.ts';
import type { Exchange } from '../sniffer/events.ts';
import { errorCodeName } from '../protocol/index.ts';

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
  if (exchange.apiKey === 0 || exchange.apiKey === 1) parts.push(`records=${exchange.records}`, `bytes=${exchange.recordBytes}`);
  const details = exchange.details;
  if (details.acks !== undefined) parts.push(`acks=${details.acks}`);
  if (exchange.role === 'follower') parts.push(`replica=${details.replicaId}`);
  if (details.transactionalId) parts.push(`transactional_id=${token(details.transactionalId)}`);
  if (details.groupId !== undefined) parts.push(`group=${token(details.groupId)}`);
  if (details.memberId !== undefined) parts.push(`member=${token(details.memberId)}`);
  if (details.saslMechanism !== undefined) parts.push(`mechanism=${token(details.saslMechanism)}`);
  if (details.principal !== undefined) parts.push(`principal=${token(details.principal)}`);
  if (details.softwareName !== undefined) parts.push(`software=${token(`${details.softwareName}/${details.softwareVersion ?? ''}`)}`);
  if (exchange.outcome === 'answered') parts.push(`latency=${exchange.latencyMs!.toFixed(1)}ms`, `error=${errorCodeName(exchange.errorCode)}`);
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

const COLUMNS: { title: string; value: (row: ClientSummaryRow) => string; numeric?: true }[] = [
  { title: 'CLIENT', value: (row) => row.clientAddress },
  { title: 'CLIENT_ID', value: (row) => row.clientId ?? '-' },
  { title: 'SOFTWARE', value: (row) => row.software ?? '-' },
  { title: 'PRINCIPAL', value: (row) => row.principal ?? '-' },
  { title: 'ROLE', value: (row) => row.roles.join(',') || '-' },
  { title: 'CONNS', value: (row) => String(row.connections), numeric: true },
  { title: 'REQUESTS', value: (row) => String(row.requests), numeric: true },
  { title: 'BYTES_IN', value: (row) => String(row.bytesIn), numeric: true },
  { title: 'BYTES_OUT', value: (row) => String(row.bytesOut), numeric: true },
  { title: 'PRODUCED', value: (row) => String(row.recordsProduced), numeric: true },
  { title: 'FETCHED', value: (row) => String(row.recordsFetched), numeric: true },
  { title: 'TOPICS', value: (row) => row.topics.join(',') || '-' },
];

/** An aligned text table, one client per row. */
export function formatSummaryTable(rows: readonly ClientSummaryRow[]): string {
  const cells = [COLUMNS.map((column) => column.title), ...rows.map((row) => COLUMNS.map((column) => column.value(row)))];
  const widths = COLUMNS.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)));
  return cells
    .map((line) =>
      line
        .map((cell, index) => (COLUMNS[index]!.numeric ? cell.padStart(widths[index]!) : index === line.length - 1 ? cell : cell.padEnd(widths[index]!)))
        .join('  '),
    )
    .join('\n')
    .concat('\n');
}

export function formatSummaryJson(row: ClientSummaryRow): string {
  return JSON.stringify(row);
}
