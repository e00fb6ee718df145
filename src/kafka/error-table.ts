import { ERROR_CODE_NAMES, errorCodeName } from '../protocol/error-codes.ts';

/** What an error means to a caller, independent of the transport that reports it. */
export type ErrorClass = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'unavailable' | 'internal';

export interface KafkaErrorEntry {
  readonly name: string;
  readonly code: number;
  /** Kafka's RetriableException: the same request may succeed later. */
  readonly retriable: boolean;
  readonly class: ErrorClass;
}

/** Errors whose exception extends RetriableException in Apache Kafka (clients/.../errors). */
const RETRIABLE = new Set([
  'CORRUPT_MESSAGE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'REQUEST_TIMED_OUT',
  'REPLICA_NOT_AVAILABLE',
  'NETWORK_EXCEPTION',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'NOT_CONTROLLER',
  'CONCURRENT_TRANSACTIONS',
  'KAFKA_STORAGE_ERROR',
  'FETCH_SESSION_ID_NOT_FOUND',
  'INVALID_FETCH_SESSION_EPOCH',
  'LISTENER_NOT_FOUND',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'PREFERRED_LEADER_NOT_AVAILABLE',
  'ELIGIBLE_LEADERS_NOT_AVAILABLE',
  'UNSTABLE_OFFSET_COMMIT',
  'THROTTLING_QUOTA_EXCEEDED',
  'UNKNOWN_TOPIC_ID',
  'INCONSISTENT_TOPIC_ID',
  'FETCH_SESSION_TOPIC_ID_ERROR',
  'REBALANCE_IN_PROGRESS',
  'BROKER_NOT_AVAILABLE',
  'OFFSET_MOVED_TO_TIERED_STORAGE',
  'NEW_LEADER_ELECTED',
  'UNKNOWN_CONTROLLER_ID',
  'REBOOTSTRAP_REQUIRED',
]);

const NOT_FOUND = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'UNKNOWN_TOPIC_ID',
  'GROUP_ID_NOT_FOUND',
  'RESOURCE_NOT_FOUND',
  'LOG_DIR_NOT_FOUND',
  'DELEGATION_TOKEN_NOT_FOUND',
  'TRANSACTIONAL_ID_NOT_FOUND',
  'NO_REASSIGNMENT_IN_PROGRESS',
  'BROKER_ID_NOT_REGISTERED',
  'UNKNOWN_MEMBER_ID',
]);

const CONFLICT = new Set([
  'TOPIC_ALREADY_EXISTS',
  'NON_EMPTY_GROUP',
  'REASSIGNMENT_IN_PROGRESS',
  'GROUP_SUBSCRIBED_TO_TOPIC',
  'DUPLICATE_RESOURCE',
  'ELECTION_NOT_NEEDED',
  'FENCED_INSTANCE_ID',
  'DUPLICATE_BROKER_REGISTRATION',
  'INVALID_UPDATE_VERSION',
  'FEATURE_UPDATE_FAILED',
]);

const FORBIDDEN = new Set([
  'SECURITY_DISABLED',
  'TOPIC_DELETION_DISABLED',
  'DELEGATION_TOKEN_AUTH_DISABLED',
  'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED',
]);

function classOf(name: string): ErrorClass {
  if (NOT_FOUND.has(name)) return 'not-found';
  if (CONFLICT.has(name)) return 'conflict';
  if (FORBIDDEN.has(name) || name.endsWith('_AUTHORIZATION_FAILED') || name === 'SASL_AUTHENTICATION_FAILED') return 'forbidden';
  if (RETRIABLE.has(name)) return 'unavailable';
  if (name.startsWith('INVALID_') || name.startsWith('UNSUPPORTED_') || name === 'POLICY_VIOLATION' || name === 'MESSAGE_TOO_LARGE')
    return 'invalid';
  return 'internal';
}

/** Every Kafka error code with its meaning; one table from which every HTTP status is mapped. */
export const KAFKA_ERRORS: ReadonlyMap<number, KafkaErrorEntry> = new Map(
  [...ERROR_CODE_NAMES].map(([code, name]) => [code, { name, code, retriable: RETRIABLE.has(name), class: classOf(name) }]),
);

export function kafkaError(code: number): KafkaErrorEntry {
  return KAFKA_ERRORS.get(code) ?? { name: errorCodeName(code), code, retriable: false, class: 'internal' };
}
