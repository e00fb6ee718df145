// Where the conntrack table is read from: the kernel's /proc file, or the `conntrack` tool (netlink)
// on kernels built without /proc/net/nf_conntrack. Both are streamed, never read whole.

import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';

export interface ConntrackSource {
  /** Names the source in the status and in reasons: the file's path or the command line. */
  readonly name: string;
  /**
   * The table's lines, a batch per chunk read, so a large table is parsed between other events.
   * Throws a ConntrackUnavailableError while iterated when the table cannot be read.
   */
  lineBatches(): AsyncIterable<readonly string[]>;
}

export class ConntrackUnavailableError extends Error {
  override name = 'ConntrackUnavailableError';
}

export const PROC_CONNTRACK_FILE = '/proc/net/nf_conntrack';

export function procConntrackSource(file: string = PROC_CONNTRACK_FILE): ConntrackSource {
  return {
    name: file,
    async *lineBatches() {
      try {
        yield* splitLines(createReadStream(file, { highWaterMark: 64 * 1024 }));
      } catch (error) {
        throw new ConntrackUnavailableError(fileReason(file, error as NodeJS.ErrnoException));
      }
    },
  };
}

function fileReason(file: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `${file} is missing (the nf_conntrack module is not loaded, or this kernel has no /proc/net/nf_conntrack)`;
    case 'EACCES':
    case 'EPERM':
      return `${file}: permission denied (reading the conntrack table needs root or CAP_NET_ADMIN)`;
    default:
      return `${file}: ${error.message}`;
  }
}

/** `conntrack -L -p tcp` for IPv4 then IPv6, through netlink. */
export function conntrackToolSource(command = 'conntrack', timeoutMs = 30_000): ConntrackSource {
  return {
    name: `${command} -L -p tcp`,
    async *lineBatches() {
      for (const family of ['ipv4', 'ipv6']) yield* toolLines(command, ['-L', '-p', 'tcp', '-f', family], timeoutMs);
    },
  };
}

async function* toolLines(command: string, args: readonly string[], timeoutMs: number): AsyncIterable<readonly string[]> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill(), timeoutMs).unref();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const commandLine = `${command} ${args.join(' ')}`;
  try {
    yield* splitLines(child.stdout);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
  const outcome = await exited;
  clearTimeout(timer);
  if (outcome.error?.code === 'ENOENT') throw new ConntrackUnavailableError(`the conntrack tool (${command}) is not installed`);
  if (outcome.error) throw new ConntrackUnavailableError(`${commandLine}: ${outcome.error.message}`);
  if (outcome.code !== 0) {
    const detail = stderr
      .trim()
      .split('\n')
      .filter((line) => !/flow entries have been shown/.test(line))
      .join('; ');
    const permission = /not permitted|permission denied/i.test(detail) ? ' (needs root or CAP_NET_ADMIN)' : '';
    throw new ConntrackUnavailableError(
      `${commandLine} failed (${outcome.signal ?? `exit ${outcome.code}`}): ${detail || 'no message'}${permission}`,
    );
  }
}

async function* splitLines(chunks: AsyncIterable<Buffer | string>): AsyncIterable<readonly string[]> {
  let rest = '';
  for await (const chunk of chunks) {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop()!;
    yield lines;
  }
  if (rest !== '') yield [rest];
}
