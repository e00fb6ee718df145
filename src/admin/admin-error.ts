import { kafkaError, type ErrorClass } from '../kafka/error-table.ts';
import { describeKafkaError } from '../kafka/errors.ts';

/** A failed admin operation: what kind of failure, a message for the caller, and the Kafka error behind it. */
export class AdminError extends Error {
  readonly errorClass: ErrorClass;
  readonly retriable: boolean;
  /** Kafka's error name (TOPIC_ALREADY_EXISTS, ...) when Kafka answered with one. */
  readonly kafkaError: string | undefined;

  constructor(errorClass: ErrorClass, message: string, options: { retriable?: boolean; kafkaError?: string } = {}) {
    super(message);
    this.name = 'AdminError';
    this.errorClass = errorClass;
    this.retriable = options.retriable ?? errorClass === 'unavailable';
    this.kafkaError = options.kafkaError;
  }

  /** From an error code in a Kafka response entry, with Kafka's own message when it gave one. */
  static fromKafka(code: number, what: string, serverMessage?: string | null): AdminError {
    const entry = kafkaError(code);
    const detail = serverMessage ? `: ${serverMessage}` : '';
    return new AdminError(entry.class, `${what}: ${entry.name}${detail}`, { retriable: entry.retriable, kafkaError: entry.name });
  }
}

/** One message out of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof AdminError) return error.message;
  return describeKafkaError(error);
}

/**
 * Anything thrown by the Kafka client while talking to the cluster (no broker answers, timeouts):
 * the cluster is unavailable, which a caller may retry.
 */
export function asAdminError(error: unknown, what: string): AdminError {
  if (error instanceof AdminError) return error;
  return new AdminError('unavailable', `${what}: ${describeKafkaError(error)}`, { retriable: true });
}
