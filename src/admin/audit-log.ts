import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';

export interface AuditEntry {
  readonly time: string;
  readonly request_id: string;
  readonly user: string;
  readonly roles: readonly string[];
  readonly source: string;
  readonly cluster: string;
  readonly operation: string;
  readonly resource: string;
  readonly parameters: unknown;
  readonly dry_run: boolean;
  readonly result: { readonly status: number; readonly error_code?: number; readonly message?: string };
  readonly duration_ms: number;
  /** The answer was one stored for the same Idempotency-Key and body: nothing was done again. */
  readonly replayed?: boolean;
  /** Values before and after a change: configs, offsets. */
  readonly changes?: unknown;
}

export interface AuditQuery {
  readonly since?: number;
  readonly user?: string;
  readonly operation?: string;
  readonly limit?: number;
}

export class AuditUnavailableError extends Error {}

/** One JSON line per mutation (done, dry run or refused), appended to a file. */
export class AuditLog {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  get path(): string {
    return this.#path;
  }

  /** Throws AuditUnavailableError when a line could not be appended now, so the mutation is not done unaudited. */
  assertWritable(): void {
    try {
      closeSync(openSync(this.#path, 'a', 0o600));
    } catch (error) {
      throw new AuditUnavailableError(
        `the audit file ${this.#path} cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }

  append(entry: AuditEntry): void {
    try {
      appendFileSync(this.#path, JSON.stringify(entry) + '\n', { mode: 0o600 });
    } catch (error) {
      throw new AuditUnavailableError(
        `the audit file ${this.#path} cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }

  /** The entries that match, oldest first; the newest `limit` when there are more. */
  read(query: AuditQuery): AuditEntry[] {
    let content = '';
    try {
      content = readFileSync(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new AuditUnavailableError(`the audit file ${this.#path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const entries: AuditEntry[] = [];
    for (const line of content.split('\n')) {
      if (line === '') continue;
      const entry = parseAuditLine(line);
      if (!entry) continue;
      if (query.since !== undefined && Date.parse(entry.time) < query.since) continue;
      if (query.user !== undefined && entry.user !== query.user) continue;
      if (query.operation !== undefined && entry.operation !== query.operation) continue;
      entries.push(entry);
    }
    return entries.slice(-(query.limit ?? 1000));
  }
}

/** One line of the audit file; undefined for a line that is not a JSON object with a time (a torn write, a line added by hand). */
function parseAuditLine(line: string): AuditEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as { time?: unknown }).time !== 'string')
    return undefined;
  return parsed as AuditEntry;
}
