import { isSensitiveConfig } from '../../kafka/sensitive-configs.ts';

export const REDACTED = '[redacted]';

function redactEntry(entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
  const record = entry as Record<string, unknown>;
  if (typeof record['name'] !== 'string' || !isSensitiveConfig(record['name'])) return entry;
  const copy: Record<string, unknown> = { ...record };
  for (const field of ['value', 'before', 'after']) if (copy[field] !== undefined && copy[field] !== null) copy[field] = REDACTED;
  return copy;
}

/** Request parameters and before/after values with the values of secret configs replaced. */
export function redactSecrets(value: unknown, nameInPath?: string): unknown {
  if (Array.isArray(value)) return value.map(redactEntry);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) {
    if (Array.isArray(field)) copy[key] = field.map(redactEntry);
    else if (key === 'value' && nameInPath !== undefined && isSensitiveConfig(nameInPath) && field !== null) copy[key] = REDACTED;
    else copy[key] = field;
  }
  return copy;
}
