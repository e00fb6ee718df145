// The broker's stand-in for the replay: a TCP server that reads Produce request frames and answers the
// n-th request of each connection with the recorded response to the n-th recorded request (the
// blaster sends them in that order), its correlation id set to the request's. Runs as its own process:
//   node bench/replay/sink.ts RECORDING_INDEX HOST   (prints {"port": N}, serves until SIGTERM)
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, type Socket } from 'node:net';
import { jsonLines, stopChild, type Launch } from './child-process.ts';
import { FrameHeadScanner, REQUEST_CORRELATION_AT, RESPONSE_CORRELATION_AT, SIZE_BYTES } from './frames.ts';
import { loadRecordedFrames, type RecordedFrames } from './recorded-frames.ts';

const PRODUCE = 0;
const REQUEST_HEAD_BYTES = REQUEST_CORRELATION_AT + 4;

export interface RunningSink {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startSink(recordingIndex: string, host: string, launch: Launch): Promise<RunningSink> {
  const child: ChildProcess = launch(process.execPath, [fileURLToPath(import.meta.url), recordingIndex, host]);
  const { port } = (await jsonLines(child, 'the replay sink')()) as { port: number };
  return { port, stop: () => stopChild(child) };
}

function answer(socket: Socket, recorded: RecordedFrames): void {
  let answered = 0;
  let pending: Buffer[] = [];
  const scanner = new FrameHeadScanner(REQUEST_HEAD_BYTES, (head) => {
    if (head.readInt16BE(SIZE_BYTES) !== PRODUCE)
      throw new Error(`api key ${head.readInt16BE(SIZE_BYTES)} received, only Produce is replayed`);
    const response = Buffer.from(recorded.responses[answered++ % recorded.responses.length]!);
    response.writeInt32BE(head.readInt32BE(REQUEST_CORRELATION_AT), RESPONSE_CORRELATION_AT);
    pending.push(response);
  });
  socket.on('data', (chunk: Buffer) => {
    try {
      scanner.push(chunk);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      socket.destroy();
      return;
    }
    if (pending.length === 0) return;
    socket.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
    pending = [];
  });
  socket.on('error', () => {
    /* the blaster hung up */
  });
}

async function serve(recordingIndex: string, host: string): Promise<void> {
  const recorded = loadRecordedFrames(recordingIndex);
  const server = createServer({ noDelay: true }, (socket) => answer(socket, recorded));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
}

if (import.meta.main) await serve(process.argv[2]!, process.argv[3]!);
