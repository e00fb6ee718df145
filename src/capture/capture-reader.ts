import { open } from 'node:fs/promises';
import type { CapturedPacket, CaptureSummary } from './captured-packet.ts';
import { CaptureStreamParser, type CaptureParserOptions } from './capture-stream-parser.ts';

/** A file path, '-' for standard input, or any byte stream (a Node Readable is one). */
export type CaptureSource = string | AsyncIterable<Uint8Array>;

export interface CaptureReaderOptions extends CaptureParserOptions {
  /** Read size for files. */
  readChunkBytes?: number;
}

const DEFAULT_READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Streams packets out of a pcap or pcapng source without loading it whole.
 * Iterate it once (per packet, or per batch for less overhead); afterwards `summary`
 * tells the format, counts and whether the input ended mid-record.
 */
export class CaptureReader implements AsyncIterable<CapturedPacket> {
  readonly #source: CaptureSource;
  readonly #options: CaptureReaderOptions;
  #started = false;
  #summary: CaptureSummary | undefined;

  constructor(source: CaptureSource, options: CaptureReaderOptions = {}) {
    this.#source = source;
    this.#options = options;
  }

  /** Set once iteration has reached the end of the input. */
  get summary(): CaptureSummary | undefined {
    return this.#summary;
  }

  async *batches(): AsyncGenerator<CapturedPacket[], void, undefined> {
    if (this.#started) throw new Error('a CaptureReader can be iterated only once');
    this.#started = true;
    const parser = new CaptureStreamParser(this.#options);
    for await (const chunk of openSource(this.#source, this.#options)) {
      parser.push(toBuffer(chunk));
      const batch: CapturedPacket[] = [];
      try {
        for (let packet = parser.next(); packet !== undefined; packet = parser.next()) batch.push(packet);
      } catch (error) {
        if (batch.length > 0) yield batch;
        throw error;
      }
      if (batch.length > 0) yield batch;
    }
    this.#summary = parser.finish();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CapturedPacket> {
    for await (const batch of this.batches()) yield* batch;
  }
}

export function readCapture(source: CaptureSource, options: CaptureReaderOptions = {}): CaptureReader {
  return new CaptureReader(source, options);
}

function openSource(source: CaptureSource, options: CaptureReaderOptions): AsyncIterable<Uint8Array> {
  if (typeof source !== 'string') return source;
  if (source === '-') return process.stdin;
  return readFileChunks(source, options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES);
}

/**
 * Reads a file chunk by chunk, asking for the next chunk before handing out the current one, so the
 * disk read overlaps the decoding. Every chunk is a fresh buffer: packets may keep views into it.
 */
async function* readFileChunks(path: string, chunkBytes: number): AsyncGenerator<Buffer, void, undefined> {
  const handle = await open(path, 'r');
  const readNext = async (): Promise<Buffer> => {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
    return buffer.subarray(0, bytesRead);
  };
  let pending = readNext();
  try {
    for (;;) {
      const chunk = await pending;
      if (chunk.length === 0) return;
      pending = readNext();
      yield chunk;
    }
  } finally {
    await pending.catch(() => undefined);
    await handle.close();
  }
}

function toBuffer(chunk: Uint8Array): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('capture input must be a byte stream, not a text stream');
}
