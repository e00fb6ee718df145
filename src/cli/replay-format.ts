// How `kafka-sonar replay --summary` shows client summaries: an aligned table, or JSON lines. The
// exchanges themselves are formatted by src/sniffer/exchange-format.ts.

import type { ClientSummaryRow } from '../sniffer/client-summary.ts';

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
        .map((cell, index) =>
          COLUMNS[index]!.numeric ? cell.padStart(widths[index]!) : index === line.length - 1 ? cell : cell.padEnd(widths[index]!),
        )
        .join('  '),
    )
    .join('\n')
    .concat('\n');
}

export function formatSummaryJson(row: ClientSummaryRow): string {
  return JSON.stringify(row);
}
