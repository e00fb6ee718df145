// Wireshark's Kafka dissector as an independent decoder: on every fixture, tshark and the sniffer
// must agree on the API key, version and correlation id of every request and response tshark decodes.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { sniffFile, sniffFixtures, type SniffedCapture } from './support/fixtures.ts';

interface TsharkPdu {
  direction: 'request' | 'response';
  clientPort: number;
  apiKey: number | undefined;
  apiVersion: number | undefined;
  correlationId: number;
}

/** Every Kafka PDU tshark decodes, in capture order (a packet may carry several). */
function tsharkPdus(capture: string, brokerPorts: readonly number[]): TsharkPdu[] {
  const decodeAs = brokerPorts.flatMap((port) => ['-d', `tcp.port==${port},kafka`]);
  const output = execFileSync(
    'tshark',
    [
      '-r',
      capture,
      ...decodeAs,
      '-Y',
      'kafka',
      '-T',
      'fields',
      '-E',
      'separator=\t',
      '-e',
      'tcp.srcport',
      '-e',
      'tcp.dstport',
      '-e',
      'kafka.api_key',
      '-e',
      'kafka.api_version',
      '-e',
      'kafka.correlation_id',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
  );
  const pdus: TsharkPdu[] = [];
  for (const line of output.split('\n')) {
    if (line === '') continue;
    const [source, destination, keys, versions, correlations] = line
      .split('\t')
      .map((field) => (field === '' ? [] : field.split(',').map(Number)));
    const fromBroker = brokerPorts.includes(source![0]!);
    // tshark names the API of a response only when it matched the request; then every PDU has one.
    const keysAligned = keys!.length === correlations!.length;
    correlations!.forEach((correlationId, index) => {
      pdus.push({
        direction: fromBroker ? 'response' : 'request',
        clientPort: fromBroker ? destination![0]! : source![0]!,
        apiKey: keysAligned ? keys![index] : undefined,
        apiVersion: fromBroker ? undefined : versions![index],
        correlationId,
      });
    });
  }
  return pdus;
}

const requestKey = (clientPort: number, apiKey: number | undefined, apiVersion: number | undefined, correlationId: number) =>
  `${clientPort} key ${apiKey} v${apiVersion} #${correlationId}`;
const responseKey = (clientPort: number, correlationId: number) => `${clientPort} #${correlationId}`;

function sorted(values: string[]): string[] {
  return [...values].sort();
}

for (const { name, capture, truth } of sniffFixtures()) {
  describe(`tshark agrees on ${name}`, () => {
    let pdus: TsharkPdu[];
    let sniffed: SniffedCapture;
    before(async () => {
      pdus = tsharkPdus(capture, truth.brokerPorts);
      sniffed = await sniffFile(capture);
    });

    it('on every request tshark decodes', () => {
      const theirs = pdus
        .filter((pdu) => pdu.direction === 'request')
        .map((pdu) => requestKey(pdu.clientPort, pdu.apiKey, pdu.apiVersion, pdu.correlationId));
      const ours = sniffed.exchanges.map((e) => requestKey(e.connection.client.port, e.apiKey, e.apiVersion, e.correlationId));
      assert.ok(theirs.length > 0, 'tshark decoded no request');
      assert.deepEqual(sorted(ours), sorted(theirs));
    });

    it('on every response tshark decodes, and on its API where tshark names it', () => {
      // A response whose request came before the capture began (a connection joined mid-stream) pairs with nothing.
      const requested = new Set(
        pdus.filter((pdu) => pdu.direction === 'request').map((pdu) => responseKey(pdu.clientPort, pdu.correlationId)),
      );
      const theirs = pdus.filter((pdu) => pdu.direction === 'response' && requested.has(responseKey(pdu.clientPort, pdu.correlationId)));
      const answered = sniffed.exchanges.filter((e) => e.outcome === 'answered');
      assert.deepEqual(
        sorted(answered.map((e) => responseKey(e.connection.client.port, e.correlationId))),
        sorted(theirs.map((pdu) => responseKey(pdu.clientPort, pdu.correlationId))),
      );
      const ourApi = new Map(answered.map((e) => [responseKey(e.connection.client.port, e.correlationId), e.apiKey]));
      const named = theirs.filter((pdu) => pdu.apiKey !== undefined);
      assert.ok(named.length > 0, 'tshark named the API of no response');
      for (const pdu of named)
        assert.equal(
          ourApi.get(responseKey(pdu.clientPort, pdu.correlationId)),
          pdu.apiKey,
          `response #${pdu.correlationId} to ${pdu.clientPort}`,
        );
    });
  });
}
