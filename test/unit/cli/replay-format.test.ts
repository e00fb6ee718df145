import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSummaryTable } from '../../../src/cli/replay-format.ts';
import { ClientSummary } from '../../../src/sniffer/client-summary.ts';
import type { Exchange } from '../../../src/sniffer/events.ts';
import { formatExchangeJson, formatExchangeLine } from '../../../src/sniffer/exchange-format.ts';
import { recordBatch, requestFrame, responseFrame } from '../sniffer/support/frames.ts';
import { sniff, TcpConversation } from '../sniffer/support/traffic.ts';

function produceExchange(acks: number, client = { address: '10.0.0.5', port: 51404 }): Exchange[] {
  const request = requestFrame(0, 9, 8, 'producer 1', {
    transactionalId: null,
    acks,
    timeoutMs: 1000,
    topicData: [{ name: 'orders', partitionData: [{ index: 0, records: recordBatch(120, { size: 40_960 }) }] }],
  });
  const conversation = new TcpConversation({ client, server: { address: '10.0.0.14', port: 9092 } }).send('client', request);
  if (acks !== 0)
    conversation.send('server', responseFrame(0, 9, 8, { responses: [{ name: 'orders', partitionResponses: [{ index: 0 }] }] }), {
      stepMicros: 3_100,
    });
  return sniff(conversation.close().segments).exchanges;
}

describe('replay output', () => {
  it('prints one line per request in the documented form', () => {
    const [exchange] = produceExchange(-1);
    assert.equal(
      formatExchangeLine(exchange!),
      'client 10.0.0.5:51404 -> 10.0.0.14:9092 Produce v9 client_id="producer 1" topics=[orders] records=120 bytes=40960 acks=-1 latency=3.1ms error=NONE',
    );
  });

  it('says when no response is expected, and brackets IPv6 addresses', () => {
    const [exchange] = produceExchange(0, { address: '2001:db8::5', port: 40000 });
    assert.match(formatExchangeLine(exchange!), /^client \[2001:db8::5\]:40000 -> 10\.0\.0\.14:9092 Produce v9 .* acks=0 no-response$/);
  });

  it('writes exchanges as JSON with the connection reduced to its identity', () => {
    const [exchange] = produceExchange(-1);
    const json = JSON.parse(formatExchangeJson(exchange!)) as Record<string, unknown>;
    assert.deepEqual(json.connection, {
      id: 1,
      client: { address: '10.0.0.5', port: 51404 },
      broker: { address: '10.0.0.14', port: 9092 },
      clientId: 'producer 1',
      tls: false,
    });
    assert.deepEqual([json.apiName, json.records, json.errorName, json.latencyMs], ['Produce', 120, 'NONE', 3.1]);
  });

  it('sums up clients by address and client id in an aligned table', () => {
    const summary = new ClientSummary();
    for (const exchange of [...produceExchange(-1), ...produceExchange(-1), ...produceExchange(0, { address: '10.0.0.6', port: 1 })])
      summary.exchange(exchange);
    const rows = summary.rows();
    assert.deepEqual(
      rows.map((row) => [row.clientAddress, row.clientId, row.requests, row.recordsProduced, row.roles, row.topics, row.bytesOut > 0]),
      [
        ['10.0.0.5', 'producer 1', 2, 240, ['producer'], ['orders'], true],
        ['10.0.0.6', 'producer 1', 1, 120, ['producer'], ['orders'], false],
      ],
    );
    const table = formatSummaryTable(rows).split('\n');
    assert.equal(table.length, 4);
    assert.equal(table[0]!.indexOf('PRODUCED') + 'PRODUCED'.length, table[1]!.indexOf('240') + 3);
  });
});
