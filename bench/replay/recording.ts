// Records the Produce exchanges of a real Kafka producer for the replay: ProducerPerformance writes
// to the test bed while tcpdump captures the broker port on lo; the capture is then read back with
// the project's reader and TCP reassembly, its frames split, the producer's Produce requests kept
// with their responses, and their records counted by the project's decoder. The count is checked
// against the records the broker appended (end offset delta).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { replayCaptureSegments } from '../../src/capture/packet-source.ts';
import { decodeRequest, decodeRequestHeader, decodeResponse, summarizeRecords, type DecodedStruct } from '../../src/protocol/index.ts';
import { bytesField, numberField, structsField } from '../../src/sniffer/extract/fields.ts';
import type { Side } from '../../src/tcp/connection.ts';
import { Reassembler } from '../../src/tcp/reassembly.ts';
import { endOffsets } from '../../test/fixtures/sniffer/record/offsets.ts';
import { startLoopbackCapture } from '../../test/fixtures/sniffer/record/tcpdump.ts';
import { adminClient, createTopic } from '../../test/support/kafka-clients.ts';
import { uniqueName, type Testbed } from '../../test/testbed/index.ts';
import { runProducerPerformance } from '../producer-performance.ts';
import { RESPONSE_CORRELATION_AT, SIZE_BYTES, splitFrames } from './frames.ts';
import { saveRecordedFrames, type RecordedFrames } from './recorded-frames.ts';

const PRODUCE = 0;
const PARTITIONS = 3;

export interface RecordingOptions {
  clientId: string;
  records: number;
  recordSize: number;
  producerProperties: readonly string[];
}

export interface Recording {
  /** The index file of the saved frames (see recorded-frames.ts). */
  readonly file: string;
  readonly frames: RecordedFrames;
  /** Records the broker appended while recording. */
  readonly brokerRecords: number;
  readonly producerSeconds: number;
}

interface ConnectionBytes {
  readonly serverPort: number;
  readonly fromClient: Buffer[];
  readonly fromServer: Buffer[];
  gapBytes: number;
}

/** Records the producer into `dir` (capture, then the frames kept from it). */
export async function recordProducer(bed: Testbed, dir: string, options: RecordingOptions): Promise<Recording> {
  const topic = uniqueName('bench-live-recording');
  await createTopic(bed.bootstrapServers, topic, PARTITIONS, 1);
  const port = bed.brokers[0]!.port;
  const before = await endOffsets(bed.bootstrapServers, { [topic]: PARTITIONS });
  const pcap = join(dir, 'producer.pcap');
  const capture = await startLoopbackCapture(pcap, [port]);
  const run = await runProducerPerformance(bed, {
    topic,
    clientId: options.clientId,
    records: options.records,
    recordSize: options.recordSize,
    recordsPerSecond: -1,
    properties: options.producerProperties,
    limitMs: 120_000,
  });
  await capture.stop();
  if (!run.finished) throw new Error('the recording producer did not finish within 120 s');
  const brokerRecords = (await endOffsets(bed.bootstrapServers, { [topic]: PARTITIONS }))[topic]! - before[topic]!;
  await deleteTopic(bed, topic);

  const frames = produceExchanges(await reassemble(pcap), port, options);
  rmSync(pcap);
  const decoded = frames.records.reduce((sum, count) => sum + count, 0);
  if (decoded !== brokerRecords)
    throw new Error(`the recorded Produce requests carry ${decoded} records, the broker appended ${brokerRecords}`);
  return { file: saveRecordedFrames(dir, frames), frames, brokerRecords, producerSeconds: run.milliseconds / 1000 };
}

async function deleteTopic(bed: Testbed, topic: string): Promise<void> {
  const admin = adminClient(bed.bootstrapServers);
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.close();
  }
}

/** Both byte streams of every TCP connection in the capture, through the project's reader and reassembly. */
async function reassemble(pcap: string): Promise<ConnectionBytes[]> {
  const connections: ConnectionBytes[] = [];
  const reassembler = new Reassembler((info) => {
    const connection: ConnectionBytes = { serverPort: info.server.port, fromClient: [], fromServer: [], gapBytes: 0 };
    connections.push(connection);
    return {
      data: (from: Side, chunk: Buffer) => (from === 'client' ? connection.fromClient : connection.fromServer).push(chunk),
      gap: (_from: Side, byteCount: number) => {
        connection.gapBytes += byteCount;
      },
      closed: () => {},
    };
  });
  await replayCaptureSegments(pcap, reassembler);
  reassembler.finish();
  const broken = connections.find((connection) => connection.gapBytes > 0);
  if (broken) throw new Error(`the recording misses ${broken.gapBytes} bytes of a connection to port ${broken.serverPort}`);
  return connections;
}

/** The Produce requests of the producer (every connection to the broker, in capture order) with their responses. */
function produceExchanges(connections: readonly ConnectionBytes[], brokerPort: number, options: RecordingOptions): RecordedFrames {
  const requests: Buffer[] = [];
  const responses: Buffer[] = [];
  const records: number[] = [];
  for (const connection of connections.filter((candidate) => candidate.serverPort === brokerPort)) {
    const responseOf = new Map(
      splitFrames(Buffer.concat(connection.fromServer)).map((frame) => [frame.readInt32BE(RESPONSE_CORRELATION_AT), frame]),
    );
    for (const request of splitFrames(Buffer.concat(connection.fromClient))) {
      const header = decodeRequestHeader(request.subarray(SIZE_BYTES));
      if (!header.ok) throw new Error(`a recorded request frame does not decode: ${header.error.message}`);
      const { apiKey, apiVersion, correlationId, clientId } = header.value.header;
      if (apiKey !== PRODUCE || clientId !== options.clientId) continue;
      const response = responseOf.get(correlationId);
      if (!response) throw new Error(`Produce request ${correlationId} has no response in the recording`);
      checkProduceResponse(response, apiVersion);
      requests.push(request);
      responses.push(response);
      records.push(recordsInProduceRequest(request));
    }
  }
  if (requests.length === 0) throw new Error(`no Produce request of ${options.clientId} in the recording`);
  return { requests, responses, records, recordSize: options.recordSize };
}

/** Data records of a Produce request: every partition's record set summarized as the sniffer's Produce extractor does. */
function recordsInProduceRequest(frame: Buffer): number {
  const decoded = decodeRequest(frame.subarray(SIZE_BYTES));
  if (!decoded.ok) throw new Error(`a recorded Produce request does not decode: ${decoded.error.message}`);
  let records = 0;
  for (const topic of structsField(decoded.value.body, 'topicData')) {
    for (const partition of structsField(topic, 'partitionData')) {
      const summary = summarizeRecords(bytesField(partition, 'records') ?? null);
      if (summary.error) throw new Error(`a recorded record set does not decode: ${summary.error.message}`);
      records += summary.records;
    }
  }
  return records;
}

/** Replaying a failed Produce would be no test of counting what succeeds. */
function checkProduceResponse(frame: Buffer, apiVersion: number): void {
  const decoded = decodeResponse(frame.subarray(SIZE_BYTES), PRODUCE, apiVersion);
  if (!decoded.ok) throw new Error(`a recorded Produce response does not decode: ${decoded.error.message}`);
  const errors = structsField(decoded.value.body, 'responses')
    .flatMap((topic: DecodedStruct) => structsField(topic, 'partitionResponses'))
    .map((partition) => numberField(partition, 'errorCode') ?? 0)
    .filter((code) => code !== 0);
  if (errors.length > 0) throw new Error(`a recorded Produce response carries error codes ${errors.join(', ')}`);
}
