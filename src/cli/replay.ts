// `kafka-sonar replay FILE|-`: decodes the Kafka traffic in a pcap or pcapng capture (a file, or
// standard input so that `tcpdump -w - | kafka-sonar replay -` works) and prints it.

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { CaptureFormatError } from '../capture/capture-format-error.ts';
import { ClientSummary } from '../sniffer/client-summary.ts';
import type { SnifferListener } from '../sniffer/events.ts';
import { formatExchangeJson, formatExchangeLine } from '../sniffer/exchange-format.ts';
import { sniffCapture, type SniffResult } from '../sniffer/sniff-capture.ts';
import { formatSummaryJson, formatSummaryTable } from './replay-format.ts';

export const REPLAY_USAGE = `Usage: kafka-sonar replay FILE|- [--print | --summary] [--json] [--broker-ports=PORT,...]

Decodes the Kafka traffic of a pcap or pcapng capture (FILE, or - for standard input:
tcpdump -i any -w - 'tcp port 9092' | kafka-sonar replay -).

      --print              One line per request with its response (the default).
      --summary            One row per client (address and client id): software, principal, role,
                           requests, bytes in and out, records produced and fetched, topics.
      --json               JSON lines instead of text (exchanges, or summary rows with --summary).
      --broker-ports=LIST  Broker listener ports, comma-separated or repeated; without them the
                           broker side of each connection is learned from the traffic.
  -h, --help               Show this help and exit.
`;

export class ReplayUsageError extends Error {}

export interface ReplayArguments {
  source: string;
  mode: 'print' | 'summary';
  json: boolean;
  brokerPorts: number[];
  help: boolean;
}

function parsePorts(values: readonly string[]): number[] {
  return values.flatMap((value) =>
    value.split(',').map((text) => {
      const port = Number(text.trim());
      if (!Number.isInteger(port) || port < 1 || port > 65_535)
        throw new ReplayUsageError(`--broker-ports: "${text}" is not a port (1-65535)`);
      return port;
    }),
  );
}

export function parseReplayArguments(argv: readonly string[]): ReplayArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        print: { type: 'boolean' },
        summary: { type: 'boolean' },
        json: { type: 'boolean' },
        'broker-ports': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ReplayUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const help = values.help ?? false;
  if (!help && positionals.length !== 1) {
    throw new ReplayUsageError(
      positionals.length === 0 ? 'missing capture FILE (or - for standard input)' : `one capture at a time, got ${positionals.length}`,
    );
  }
  if (values.print && values.summary) throw new ReplayUsageError('--print and --summary exclude each other');
  return {
    source: positionals[0] ?? '',
    mode: values.summary ? 'summary' : 'print',
    json: values.json ?? false,
    brokerPorts: parsePorts(values['broker-ports'] ?? []),
    help,
  };
}

/** Lines waiting to be written; written between packet batches, waiting when the reader is slower. */
class LineWriter {
  readonly #out: Writable;
  #lines: string[] = [];

  constructor(out: Writable) {
    this.#out = out;
  }

  push(line: string): void {
    this.#lines.push(line);
  }

  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const text = this.#lines.join('\n') + '\n';
    this.#lines = [];
    if (!this.#out.write(text)) await once(this.#out, 'drain');
  }
}

function describeCounts(result: SniffResult): string {
  const { sniffer, capture } = result;
  const parts = [
    `${capture.packets} packets`,
    `${sniffer.kafkaConnections} Kafka connections`,
    `${sniffer.tlsConnections} TLS`,
    `${sniffer.otherConnections} other`,
    `${sniffer.requests} requests (${sniffer.unanswered} unanswered, ${sniffer.noResponseExpected} without response)`,
    `${sniffer.undecodableRequests + sniffer.undecodableBodies} undecodable`,
    `${sniffer.responsesWithoutRequest} responses without request`,
    `${sniffer.framing.resyncs} resyncs`,
    `${result.reassembly.gapBytes} bytes missing`,
  ];
  return `kafka-sonar replay: ${parts.join(', ')}`;
}

export interface ReplayIo {
  stdout: Writable;
  stderr: Writable;
}

/** Runs the subcommand; returns the exit code (2 for usage errors, 1 for unreadable captures). */
export async function runReplay(
  argv: readonly string[],
  io: ReplayIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let args: ReplayArguments;
  try {
    args = parseReplayArguments(argv);
  } catch (error) {
    if (!(error instanceof ReplayUsageError)) throw error;
    io.stderr.write(`kafka-sonar replay: ${error.message}\n\n${REPLAY_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(REPLAY_USAGE);
    return 0;
  }
  const out = new LineWriter(io.stdout);
  const summary = new ClientSummary();
  const listener: SnifferListener =
    args.mode === 'summary'
      ? summary
      : { exchange: (exchange) => out.push(args.json ? formatExchangeJson(exchange) : formatExchangeLine(exchange)) };
  const name = args.source === '-' ? 'standard input' : args.source;
  let result: SniffResult;
  try {
    result = await sniffCapture(args.source, listener, { brokerPorts: args.brokerPorts, afterBatch: () => out.flush() });
  } catch (error) {
    await out.flush();
    const message =
      error instanceof CaptureFormatError
        ? `${name} is not a readable capture: ${error.message}`
        : `cannot read ${name}: ${(error as Error).message}`;
    io.stderr.write(`kafka-sonar replay: ${message}\n`);
    return 1;
  }
  if (args.mode === 'summary') {
    const rows = summary.rows();
    if (args.json) for (const row of rows) out.push(formatSummaryJson(row));
    else out.push(formatSummaryTable(rows).trimEnd());
  }
  await out.flush();
  if (result.capture.truncated) {
    io.stderr.write(
      `kafka-sonar replay: ${name} ends inside a ${result.capture.truncated.item} at byte ${result.capture.truncated.offset} (the rest is ignored)\n`,
    );
  }
  io.stderr.write(`${describeCounts(result)}\n`);
  return 0;
}
