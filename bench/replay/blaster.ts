// The producer's stand-in for the replay: writes the recorded Produce request frames in a loop over
// TCP, paced by a token bucket at a target rate of record bytes, each with a fresh correlation id, and
// reads the responses. After `seconds` it stops, waits for every response and reports. Runs as its own
// process, one per step:   node bench/replay/blaster.ts '<BlastOptions as JSON>'
import { fileURLToPath } from 'node:url';
import { connect, type Socket } from 'node:net';
import { jsonLines, type Launch } from './child-process.ts';
import { FrameHeadScanner, REQUEST_CORRELATION_AT, RESPONSE_CORRELATION_AT } from './frames.ts';
import { loadRecordedFrames, type RecordedFrames } from './recorded-frames.ts';

export interface BlastOptions {
  recordingIndex: string;
  host: string;
  port: number;
  /** Target rate of record bytes over all connections, MB = 10^6 bytes. */
  megabytesPerSecond: number;
  seconds: number;
  connections: number;
}

export interface BlastResult {
  requests: number;
  /** Responses received: equal to requests unless the sink failed. */
  responses: number;
  records: number;
  recordBytes: number;
  /** From the first write until the last one was handed to the kernel. */
  seconds: number;
}

const CHUNK_BYTES = 1 << 20;
/** The bucket holds at most this much sending time: a stall is not made up by a burst beyond it. */
const BURST_SECONDS = 0.02;
const RESPONSES_WAIT_MS = 30_000;

export async function blast(options: BlastOptions, launch: Launch): Promise<BlastResult> {
  const child = launch(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(options)]);
  const result = (await jsonLines(child, 'the replay blaster')()) as BlastResult;
  await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  return result;
}

/** Chunks to copy frames into; one goes back to the pool only once its write has been handed to the kernel. */
class ChunkPool {
  readonly #free: Buffer[] = [];
  readonly #size: number;
  #inFlight = 0;
  #allFlushed: (() => void) | undefined;

  constructor(size: number) {
    this.#size = size;
  }

  take(): Buffer {
    this.#inFlight++;
    return this.#free.pop() ?? Buffer.allocUnsafe(this.#size);
  }

  give(chunk: Buffer): void {
    this.#free.push(chunk);
    if (--this.#inFlight === 0) this.#allFlushed?.();
  }

  flushed(): Promise<void> {
    return this.#inFlight === 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          this.#allFlushed = resolve;
        });
  }
}

interface Counts {
  requests: number;
  responses: number;
  records: number;
}

/** One connection sending the recorded frames in order from the first, paced at its share of the rate. */
class PacedConnection {
  readonly #socket: Socket;
  readonly #recorded: RecordedFrames;
  readonly #pool: ChunkPool;
  readonly #bytesPerMs: number;
  readonly #burst: number;
  readonly #counts: Counts = { requests: 0, responses: 0, records: 0 };
  #tokens = 0;
  #refilledAt = 0;
  #next = 0;
  #correlationId = 0;
  #stopAt = 0;
  #lastFlushAt = 0;
  #allAnswered: (() => void) | undefined;

  constructor(socket: Socket, recorded: RecordedFrames, megabytesPerSecond: number) {
    this.#socket = socket;
    this.#recorded = recorded;
    this.#pool = new ChunkPool(Math.max(CHUNK_BYTES, ...recorded.requests.map((frame) => frame.length)));
    this.#bytesPerMs = (megabytesPerSecond * 1e6) / 1000;
    this.#burst = megabytesPerSecond * 1e6 * BURST_SECONDS;
    const responses = new FrameHeadScanner(RESPONSE_CORRELATION_AT + 4, () => {
      this.#counts.responses++;
      if (this.#counts.responses === this.#counts.requests) this.#allAnswered?.();
    });
    socket.on('data', (chunk: Buffer) => responses.push(chunk));
  }

  get counts(): Readonly<Counts> {
    return this.#counts;
  }

  get lastFlushAt(): number {
    return this.#lastFlushAt;
  }

  /** Sends until `stopAt` (performance.now() time), then resolves once every chunk was handed to the kernel. */
  async send(stopAt: number): Promise<void> {
    this.#stopAt = stopAt;
    this.#refilledAt = performance.now();
    await new Promise<void>((resolve) => this.#tick(resolve));
    await this.#pool.flushed();
  }

  answered(timeoutMs: number): Promise<void> {
    if (this.#counts.responses === this.#counts.requests) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#allAnswered = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #tick(done: () => void): void {
    const now = performance.now();
    if (now >= this.#stopAt) return done();
    this.#tokens = Math.min(this.#tokens + (now - this.#refilledAt) * this.#bytesPerMs, this.#burst);
    this.#refilledAt = now;
    while (this.#tokens > 0) {
      if (!this.#writeChunk()) {
        this.#socket.once('drain', () => this.#tick(done));
        return;
      }
    }
    setTimeout(() => this.#tick(done), 1);
  }

  /** Fills one chunk with as many frames as the tokens allow and writes it; false when the socket wants a drain. */
  #writeChunk(): boolean {
    const chunk = this.#pool.take();
    let used = 0;
    const { requests, records, recordSize } = this.#recorded;
    while (this.#tokens > 0 && used + requests[this.#next]!.length <= chunk.length) {
      const frame = requests[this.#next]!;
      frame.copy(chunk, used);
      this.#correlationId = this.#correlationId === 0x7fffffff ? 1 : this.#correlationId + 1;
      chunk.writeInt32BE(this.#correlationId, used + REQUEST_CORRELATION_AT);
      used += frame.length;
      this.#tokens -= records[this.#next]! * recordSize;
      this.#counts.requests++;
      this.#counts.records += records[this.#next]!;
      this.#next = (this.#next + 1) % requests.length;
    }
    return this.#socket.write(chunk.subarray(0, used), () => {
      this.#lastFlushAt = performance.now();
      this.#pool.give(chunk);
    });
  }
}

async function open(options: BlastOptions): Promise<Socket> {
  const socket = connect({ host: options.host, port: options.port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

async function run(options: BlastOptions): Promise<BlastResult> {
  const recorded = loadRecordedFrames(options.recordingIndex);
  const sockets = await Promise.all(Array.from({ length: options.connections }, () => open(options)));
  const connections = sockets.map((socket) => new PacedConnection(socket, recorded, options.megabytesPerSecond / options.connections));
  const started = performance.now();
  await Promise.all(connections.map((connection) => connection.send(started + options.seconds * 1000)));
  const seconds = (Math.max(...connections.map((connection) => connection.lastFlushAt)) - started) / 1000;
  await Promise.all(connections.map((connection) => connection.answered(RESPONSES_WAIT_MS)));
  await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.end(resolve))));
  const sum = (key: keyof Counts): number => connections.reduce((total, connection) => total + connection.counts[key], 0);
  const records = sum('records');
  return { requests: sum('requests'), responses: sum('responses'), records, recordBytes: records * recorded.recordSize, seconds };
}

if (import.meta.main) {
  process.stdout.write(`${JSON.stringify(await run(JSON.parse(process.argv[2]!) as BlastOptions))}\n`);
  process.exit(0);
}
