import { open } from 'node:fs/promises';
import type { CapturedPacket, CaptureSummary } from './captured-packet.ts';
import { CaptureStreamParser, type CaptureParserOptions } from './capture-stream-parser.ts';

/** A file path, '-' for standard input, or any byte stream (a Node Readable is one). */
export type CaptureSource = string | AsyncIterable<Uint8Array>;

export interface CaptureReaderOptions extends CaptureParserOptions {
  /** Read size for files. */
  readChunkBytes?: number;
  /**
   * Files only: read into a few buffers used in turn instead of a fresh buffer per chunk (no page
   * faults on fresh memory, no external memory for the collector to chase). The packets of a batch
   * are then valid only until the next batch is asked for: for consumers that copy whatever they
   * keep (the sniffer does).
   */
  recycleChunks?: boolean;
}

const DEFAULT_READ_CHUNK_BYTES = 1024 * 1024;
/**
 * Recycled buffers cost no memory churn, so they can be larger: each read has a fixed cost of its own
 * (a round trip to the thread pool), and 4 MiB chunks measured faster than 1 MiB ones.
 */
const DEFAULT_RECYCLED_CHUNK_BYTES = 4 * 1024 * 1024;
/** The chunk being decoded and the one being read ahead, plus one spare. */
const RECYCLED_BUFFERS = 3;

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
    const recycle = recyclesChunks(this.#source, this.#options);
    for await (const chunk of openSource(this.#source, this.#options)) {
      parser.push(toBuffer(chunk));
      const batch: CapturedPacket[] = [];
      try {
        for (let packet = parser.next(); packet !== undefined; packet = parser.next()) batch.push(packet);
      } catch (error) {
        if (batch.length > 0) yield batch;
        throw error;
      }
      // Recycled chunks are overwritten later: what is left of this one (a record's start) is copied.
      if (recycle) parser.detachInput();
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

function recyclesChunks(source: CaptureSource, options: CaptureReaderOptions): boolean {
  return options.recycleChunks === true && typeof source === 'string' && source !== '-';
}

function openSource(source: CaptureSource, options: CaptureReaderOptions): AsyncIterable<Uint8Array> {
  if (typeof source !== 'string') return source;
  if (source === '-') return process.stdin;
  const chunkBytes = options.readChunkBytes ?? (recyclesChunks(source, options) ? DEFAULT_RECYCLED_CHUNK_BYTES : DEFAULT_READ_CHUNK_BYTES);
  return readFileChunks(source, chunkBytes, recyclesChunks(source, options));
}

/**
 * Reads a file chunk by chunk, asking for the next chunk before handing out the current one, so the
 * disk read overlaps the decoding. Every chunk is a fresh buffer (packets may keep views into it),
 * unless `recycle`: then RECYCLED_BUFFERS buffers go round, and a chunk's buffer is filled again three
 * chunks later (read ahead while the second chunk after it is decoded).
 */
async function* readFileChunks(path: string, chunkBytes: number, recycle: boolean): AsyncGenerator<Buffer, void, undefined> {
  const handle = await open(path, 'r');
  const ring: Buffer[] = [];
  let turn = 0;
  const readNext = async (): Promise<Buffer> => {
    let buffer: Buffer;
    if (!recycle) buffer = Buffer.allocUnsafe(chunkBytes);
    else {
      buffer = ring[turn] ??= Buffer.allocUnsafeSlow(chunkBytes);
      turn = (turn + 1) % RECYCLED_BUFFERS;
    }
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
