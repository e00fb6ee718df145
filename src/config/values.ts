import { ConfigError } from './errors.ts';
import type { OptionDefinition } from './options.ts';

export type OptionValue = string | number | boolean | string[];

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${JSON.stringify(value)} (${Array.isArray(value) ? 'list' : typeof value})`;
}

function expected(option: OptionDefinition): string {
  switch (option.type) {
    case 'boolean':
      return 'true or false';
    case 'integer':
      return 'a whole number';
    case 'duration':
      return 'a duration such as 500ms, 30s, 5m or a number of seconds';
    case 'enum':
      return `one of ${option.choices!.join(', ')}`;
    case 'list':
      return 'a list of strings (or a comma-separated string)';
    case 'string':
      return 'a string';
  }
}

/**
 * Turns a raw value from a flag, an environment variable (always strings) or YAML (typed) into the
 * option's type. `source` names where the value came from, for the error message.
 */
export function coerceOptionValue(option: OptionDefinition, raw: unknown, source: string): OptionValue {
  const fail = (): never => {
    throw new ConfigError(`${source}: invalid value ${describe(raw)} for ${option.key}: expected ${expected(option)}`);
  };
  switch (option.type) {
    case 'string':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number') return String(raw);
      return fail();
    case 'list': {
      const items = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : fail();
      const strings = items.map((item) => (typeof item === 'string' || typeof item === 'number' ? String(item) : fail()));
      return strings
        .flatMap((item) => item.split(','))
        .map((item) => item.trim())
        .filter((item) => item !== '');
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail();
    case 'integer': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      return Number.isSafeInteger(value) ? value : fail();
    }
    case 'duration': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseDuration(raw) : undefined;
      return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fail();
    }
    case 'enum':
      if (typeof raw === 'string' && option.choices!.includes(raw)) return raw;
      return fail();
  }
}
