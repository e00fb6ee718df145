import type { ErrorClass } from '../../kafka/error-table.ts';
import { AdminError } from '../../admin/admin-error.ts';
import { AuditUnavailableError } from '../../admin/audit-log.ts';

/** Seconds a caller should wait before retrying a request the cluster could not serve. */
export const RETRY_AFTER_SECONDS = 5;

const STATUS_OF_CLASS: Record<ErrorClass, number> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/** An answer other than success: status, message, and headers such as Retry-After. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }

  /** v3's error body: error_code is the HTTP status. */
  get body(): { error_code: number; message: string } {
    return { error_code: this.status, message: this.message };
  }
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof AuditUnavailableError)
    return new HttpError(503, `${error.message}: mutations are refused until it can be written`, {
      'Retry-After': String(RETRY_AFTER_SECONDS),
    });
  if (error instanceof AdminError) {
    const status = STATUS_OF_CLASS[error.errorClass];
    return new HttpError(status, error.message, error.retriable || status === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {});
  }
  return new HttpError(500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
}
