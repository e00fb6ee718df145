/** Bytes that do not decode as the expected Kafka structure. */
export class DecodeError extends Error {
  /** What was being read, e.g. "int32", "compact string", "record batch". */
  readonly what: string;
  /** Byte offset in the decoded buffer where the problem starts. */
  readonly where: number;
  readonly detail: string;
  /** Field path from the message root, e.g. ["topicData", "partitionData", "records"]. */
  readonly path: string[] = [];

  constructor(what: string, where: number, detail: string) {
    super(`${what} at byte ${where}: ${detail}`);
    this.name = 'DecodeError';
    this.what = what;
    this.where = where;
    this.detail = detail;
  }

  /** Records that the failure happened inside `field` (called from the innermost field outwards). */
  within(field: string): this {
    this.path.unshift(field);
    this.message = `${this.what} at byte ${this.where} in ${this.path.join('.')}: ${this.detail}`;
    return this;
  }
}

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeError };

/** Converts anything thrown while decoding into a failed result, so callers never see exceptions. */
export function failure(thrown: unknown, where = 0): { readonly ok: false; readonly error: DecodeError } {
  if (thrown instanceof DecodeError) return { ok: false, error: thrown };
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { ok: false, error: new DecodeError('unexpected failure', where, message) };
}
