// Kafka messages: every request and response of every API key and version (whole-frame decoder), the
// streamed Produce request and Fetch response parsers checked against it, and record sets of every
// message format and codec.

import fc from 'fast-check';
import {
  ApiKey,
  DecodeError,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  FetchResponseStream,
  ProduceRequestStream,
  summarizeRecords,
  type DecodedStruct,
  type DecodeResult,
  type RecordSetSummary,
} from '../../../src/protocol/index.ts';
import { API_SPECS } from '../../../src/protocol/spec/messages.generated.ts';
import { bodyArbitrary } from '../../unit/protocol/support/arbitraries.ts';
import { encodeRequest, encodeResponse } from '../../unit/protocol/support/encoder.ts';
import { recordBatch } from '../../unit/sniffer/support/frames.ts';
import { framesOf, kafkaCaptures, recordedStreams } from '../seeds.ts';
import type { FuzzTarget } from '../target.ts';

const SEEDS_PER_API_VERSION = 4;
const RESPONSE_PREFIX = 4;

function checkResult<T>(result: DecodeResult<T>): T | undefined {
  if (result.ok) return result.value;
  if (!(result.error instanceof DecodeError)) throw new Error(`a decoder failed with ${String(result.error)} instead of a DecodeError`);
  return undefined;
}

/** Real messages of the recorded captures: requests, and responses prefixed with their request's API key and version. */
function recordedMessages(): { requests: Buffer[]; responses: Buffer[] } {
  const requests: Buffer[] = [];
  const responses: Buffer[] = [];
  const perApi = new Map<string, number>();
  for (const { file, brokerPorts } of kafkaCaptures()) {
    for (const streams of recordedStreams(file, brokerPorts)) {
      const asked = new Map<number, { apiKey: number; version: number }>();
      for (const request of framesOf(streams.fromClient)) {
        const header = decodeRequestHeader(request);
        if (!header.ok) continue;
        const { apiKey, apiVersion, correlationId } = header.value.header;
        asked.set(correlationId, { apiKey, version: apiVersion });
        const key = `${apiKey}/${apiVersion}`;
        if ((perApi.get(key) ?? 0) >= SEEDS_PER_API_VERSION) continue;
        perApi.set(key, (perApi.get(key) ?? 0) + 1);
        requests.push(request);
      }
      for (const response of framesOf(streams.fromBroker)) {
        const request = response.length >= 4 ? asked.get(response.readInt32BE(0)) : undefined;
        if (request === undefined) continue;
        const key = `response ${request.apiKey}/${request.version}`;
        if ((perApi.get(key) ?? 0) >= SEEDS_PER_API_VERSION) continue;
        perApi.set(key, (perApi.get(key) ?? 0) + 1);
        responses.push(Buffer.concat([apiVersionPrefix(request.apiKey, request.version), response]));
      }
    }
  }
  return { requests, responses };
}

function apiVersionPrefix(apiKey: number, version: number): Buffer {
  const prefix = Buffer.alloc(RESPONSE_PREFIX);
  prefix.writeUInt16BE(apiKey, 0);
  prefix.writeUInt16BE(version, 2);
  return prefix;
}

/** One message of random, valid content for every API key and version, from Kafka's definitions. */
function generatedMessages(direction: 'request' | 'response'): Buffer[] {
  return API_SPECS.flatMap((spec) => {
    const [low, high] = spec[direction].validVersions;
    return Array.from({ length: high - low + 1 }, (_, offset) => {
      const version = low + offset;
      const [body] = fc.sample(bodyArbitrary(spec.apiKey, version, direction), { numRuns: 1, seed: spec.apiKey * 100 + version });
      return direction === 'request'
        ? encodeRequest({ apiKey: spec.apiKey, apiVersion: version, correlationId: 7, clientId: 'fuzz' }, body as DecodedStruct)
        : Buffer.concat([apiVersionPrefix(spec.apiKey, version), encodeResponse(spec.apiKey, version, 7, body as DecodedStruct)]);
    });
  });
}

/** Whether two record counts must agree: both complete, exact and without error. */
function comparable(whole: RecordSetSummary, streamed: RecordSetSummary): boolean {
  return !whole.approximate && !streamed.approximate && whole.error === undefined && streamed.error === undefined;
}

function assertSameCount(what: string, whole: RecordSetSummary, streamed: RecordSetSummary): void {
  if (!comparable(whole, streamed) || (whole.records === streamed.records && whole.batches === streamed.batches)) return;
  throw new Error(
    `${what}: streamed ${streamed.records} records in ${streamed.batches} batches, whole ${whole.records} in ${whole.batches}`,
  );
}

function streamInChunks(stream: { push(chunk: Buffer): void }, bytes: Buffer): void {
  const chunk = 1 + (bytes.length % 61);
  for (let at = 0; at < bytes.length; at += chunk) stream.push(bytes.subarray(at, at + chunk));
}

function structs(value: unknown): DecodedStruct[] {
  return Array.isArray(value) ? (value as DecodedStruct[]) : [];
}

/** A Produce request streamed must count what the whole-frame decoder counts. */
function compareStreamedProduce(message: Buffer, body: DecodedStruct, version: number, bodyOffset: number): void {
  const stream = new ProduceRequestStream(version);
  streamInChunks(stream, message.subarray(bodyOffset));
  if (stream.result === undefined)
    throw new Error(`a Produce v${version} request decoded whole failed streamed: ${stream.error ?? 'unfinished'}`);
  const whole = structs(body.topicData).flatMap((topic) =>
    structs(topic.partitionData).map((partition) => partition.records as Buffer | null),
  );
  const budget = { remaining: 32 * 1024 * 1024 };
  stream.result.partitions.forEach((partition, index) => {
    const records = whole[index] ?? null;
    assertSameCount(
      `Produce v${version} partition ${index}`,
      summarizeRecords(records, 0, records?.length ?? 0, budget),
      partition.records,
    );
  });
}

function compareStreamedFetch(message: Buffer, body: DecodedStruct, version: number): void {
  const stream = new FetchResponseStream(version);
  streamInChunks(stream, message);
  if (stream.result === undefined)
    throw new Error(`a Fetch v${version} response decoded whole failed streamed: ${stream.error ?? 'unfinished'}`);
  const whole = structs(body.responses).flatMap((topic) =>
    structs(topic.partitions).map((partition) => partition.records as Buffer | null),
  );
  stream.result.partitions.forEach((partition, index) => {
    const records = whole[index] ?? null;
    // The streamed parser counts aborted records too; the plain count is what both must share.
    assertSameCount(`Fetch v${version} partition ${index}`, summarizeRecords(records), partition.records);
  });
}

export const kafkaRequestTarget: FuzzTarget = {
  name: 'kafka-request',
  seeds: () => [...recordedMessages().requests, ...generatedMessages('request')],
  run(input) {
    const header = checkResult(decodeRequestHeader(input));
    const decoded = checkResult(decodeRequest(input));
    if (header === undefined || decoded === undefined || decoded.header.apiKey !== ApiKey.Produce) return undefined;
    compareStreamedProduce(input, decoded.body, decoded.header.apiVersion, header.bodyOffset);
    return undefined;
  },
};

/** Input: API key (uint16), version (uint16), then the response. */
export const kafkaResponseTarget: FuzzTarget = {
  name: 'kafka-response',
  seeds: () => [...recordedMessages().responses, ...generatedMessages('response')],
  run(input) {
    if (input.length < RESPONSE_PREFIX) return undefined;
    const apiKey = input.readUInt16BE(0);
    const version = input.readUInt16BE(2);
    const message = input.subarray(RESPONSE_PREFIX);
    const decoded = checkResult(decodeResponse(message, apiKey, version));
    if (apiKey === ApiKey.Fetch) {
      const stream = new FetchResponseStream(version);
      streamInChunks(stream, message);
      if (decoded !== undefined && decoded.trailingBytes === 0) compareStreamedFetch(message, decoded.body, version);
    }
    return undefined;
  },
};

/** Record sets as Produce requests carry them (magic 0, 1 and 2, every codec), from the captures and generated. */
export const recordSetTarget: FuzzTarget = {
  name: 'record-set',
  seeds() {
    const sets: Buffer[] = [];
    for (const request of recordedMessages().requests) {
      const decoded = decodeRequest(request);
      if (!decoded.ok || decoded.value.header.apiKey !== ApiKey.Produce) continue;
      for (const topic of structs(decoded.value.body.topicData)) {
        for (const partition of structs(topic.partitionData)) if (Buffer.isBuffer(partition.records)) sets.push(partition.records);
      }
    }
    for (const codec of [0, 1, 2, 3, 4])
      sets.push(recordBatch(3, { codec }), Buffer.concat([recordBatch(2, { codec }), recordBatch(1, { control: true })]));
    return sets;
  },
  run(input) {
    const summary = summarizeRecords(input, 0, input.length, { remaining: 4 * 1024 * 1024 });
    if (summary.records < 0 || summary.bytes > input.length)
      return `a summary of ${summary.records} records in ${summary.bytes} of ${input.length} bytes`;
    return undefined;
  },
};
