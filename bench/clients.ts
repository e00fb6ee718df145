/**
 * npm run bench:clients [-- --connections N] — the sniffer and the live agent's client tables under many
 * clients: N (default 100,000) connections, each its own client (address and client id) producing once,
 * generated as TCP segments ten milliseconds of packet time apart.
 *
 * Phase 1: every connection closes after its Produce. Phase 2: none does (they all stay open). For each it
 * prints the time, peak RSS, the clients and connections tracked, the clients evicted and dropped, the
 * flows the reassembler evicted, and whether the clients kept are exactly the most recent ones (the least
 * recently active forgotten first).
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { EVICTABLE_AFTER_MS } from '../src/agent/client-metrics.ts';
import type { TcpSegment } from '../src/capture/tcp-segment.ts';
import { Sniffer } from '../src/sniffer/sniffer.ts';
import { newAgentState } from '../test/unit/agent/support.ts';
import { recordBatch, requestFrame, responseFrame } from '../test/unit/sniffer/support/frames.ts';

const PRODUCE = 0;
const BROKER = { address: '10.0.0.1', port: 9092 };
const MAX_CLIENTS = 10_000;
const SPACING_MICROS = 10_000;

const { values } = parseArgs({ options: { connections: { type: 'string', default: '100000' }, phase: { type: 'string' } } });
const connections = Number(values.connections);
if (!Number.isInteger(connections) || connections <= 0)
  throw new Error(`--connections must be a positive integer, not ${values.connections}`);

const CLIENT_ID_DIGITS = 6;
/** Where the client id's characters start in a request frame: size, API key, version, correlation id, id length. */
const CLIENT_ID_AT = 14;

function clientOf(index: number): { address: string; port: number; clientId: string } {
  return {
    address: `10.${1 + (index >> 16)}.${(index >> 8) & 0xff}.${index & 0xff}`,
    port: 40_000 + (index % 20_000),
    clientId: `client-${String(index).padStart(CLIENT_ID_DIGITS, '0')}`,
  };
}

// Encoded once; each connection's copy gets its own client id (same length) written in.
const REQUEST_TEMPLATE = requestFrame(PRODUCE, 9, 1, clientOf(0).clientId, {
  transactionalId: null,
  acks: 1,
  timeoutMs: 30_000,
  topicData: [{ name: 'orders', partitionData: [{ index: 0, records: recordBatch(10) }] }],
});
const RESPONSE = responseFrame(PRODUCE, 9, 1, { responses: [{ name: 'orders', partitionResponses: [{ index: 0 }] }] });

function requestOf(clientId: string): Buffer {
  const request = Buffer.from(REQUEST_TEMPLATE);
  request.write(clientId, CLIENT_ID_AT, 'latin1');
  return request;
}

function segment(
  from: { address: string; port: number },
  to: { address: string; port: number },
  sequence: number,
  acknowledgment: number,
  flags: { syn?: boolean; fin?: boolean },
  payload: Buffer,
  timestampMicros: number,
): TcpSegment {
  return {
    timestampMicros,
    ipVersion: 4,
    sourceAddress: from.address,
    destinationAddress: to.address,
    sourcePort: from.port,
    destinationPort: to.port,
    sequence: sequence >>> 0,
    acknowledgment: acknowledgment >>> 0,
    syn: flags.syn ?? false,
    fin: flags.fin ?? false,
    rst: false,
    ack: !(flags.syn === true && acknowledgment === 0),
    psh: payload.length > 0,
    window: 65_535,
    payload,
    missingPayloadBytes: 0,
  };
}

/** One connection: handshake, a Produce of 10 records and its response, and a close when asked. */
function* connectionSegments(index: number, startMicros: number, close: boolean): Generator<TcpSegment> {
  const client = clientOf(index);
  const request = requestOf(client.clientId);
  const response = RESPONSE;
  const c = 1000;
  const b = 5000;
  let t = startMicros;
  yield segment(client, BROKER, c, 0, { syn: true }, Buffer.alloc(0), t++);
  yield segment(BROKER, client, b, c + 1, { syn: true }, Buffer.alloc(0), t++);
  yield segment(client, BROKER, c + 1, b + 1, {}, Buffer.alloc(0), t++);
  yield segment(client, BROKER, c + 1, b + 1, {}, request, t++);
  yield segment(BROKER, client, b + 1, c + 1 + request.length, {}, response, t++);
  if (close) {
    yield segment(client, BROKER, c + 1 + request.length, b + 1 + response.length, { fin: true }, Buffer.alloc(0), t++);
    yield segment(BROKER, client, b + 1 + response.length, c + 2 + request.length, { fin: true }, Buffer.alloc(0), t++);
  }
}

function phase(name: string, close: boolean): void {
  let nowMs = 0;
  const state = newAgentState({ maxClients: MAX_CLIENTS, now: () => nowMs });
  const sniffer = new Sniffer(state.listener, { brokerPorts: [BROKER.port] });
  const started = process.hrtime.bigint();
  for (let index = 0; index < connections; index++) {
    const startMicros = index * SPACING_MICROS;
    nowMs = startMicros / 1000;
    for (const packet of connectionSegments(index, startMicros, close)) sniffer.push(packet);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const kept = [...(state.clients.snapshot().series('kafka_client_info') ?? [])].map((sample) => Number(sample.labels.client_id!.slice(7)));
  const expectedFirst = connections - MAX_CLIENTS;
  const mostRecent = kept.length === Math.min(MAX_CLIENTS, connections) && kept.every((index) => index >= expectedFirst);
  const flowsEvicted = sniffer.reassemblyCounters.flowsEvicted;
  globalThis.gc?.();
  const liveHeapMb = Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
  process.stdout.write(
    `${name}: ${connections} connections in ${seconds.toFixed(1)} s (${Math.round(connections / seconds)}/s), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB, live heap ${liveHeapMb} MB; ` +
      `${state.clients.size} clients tracked (limit ${MAX_CLIENTS}), ${state.clients.evicted} evicted, ${state.clients.dropped} requests dropped; ` +
      `${state.connections.entries().length} connections listed, ${sniffer.connections().length} open in the sniffer, ${flowsEvicted} flows evicted; ` +
      `kept the ${MAX_CLIENTS} most recent: ${mostRecent ? 'yes' : 'NO'}\n`,
  );
}

if (values.phase !== undefined) {
  phase(values.phase === 'closing' ? 'closing connections' : 'open connections', values.phase === 'closing');
} else {
  process.stdout.write(
    `bench:clients: ${connections} clients, one connection each, ${SPACING_MICROS / 1000} ms apart; --sniff.max-clients ${MAX_CLIENTS}, evictable after ${EVICTABLE_AFTER_MS / 1000} s silent\n`,
  );
  // Each phase in a process of its own, so that its peak RSS is its own.
  for (const name of ['closing', 'open']) {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', import.meta.filename, '--connections', String(connections), '--phase', name],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
