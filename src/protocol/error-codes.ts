import { ERROR_CODE_NAMES } from './spec/error-codes.ts';

/** Kafka error code → its name in Errors.java ("NONE", "NOT_LEADER_OR_FOLLOWER", ...). */
export function errorCodeName(code: number): string {
  return ERROR_CODE_NAMES.get(code) ?? `UNKNOWN_ERROR_CODE_${code}`;
}

export { ERROR_CODE_NAMES };
