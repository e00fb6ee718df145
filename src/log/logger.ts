export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'logfmt';
export type LogFields = Record<string, unknown>;

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

function fieldText(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

function logfmtValue(value: unknown): string {
  const text = fieldText(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

export function formatLogLine(format: LogFormat, level: LogLevel, message: string, fields: LogFields, time: Date): string {
  const entries: [string, unknown][] = [
    ['time', time.toISOString()],
    ['level', level],
    ['msg', message],
    ...Object.entries(fields).filter(([, value]) => value !== undefined),
  ];
  if (format === 'json') {
    return JSON.stringify(Object.fromEntries(entries.map(([key, value]) => [key, value instanceof Error ? value.message : value])));
  }
  return entries.map(([key, value]) => `${key}=${logfmtValue(value)}`).join(' ');
}

export function createLogger(
  options: { level: LogLevel; format: LogFormat; write?: (line: string) => void },
  baseFields: LogFields = {},
): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const threshold = SEVERITY[options.level];
  const log =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      if (SEVERITY[level] < threshold) return;
      write(formatLogLine(options.format, level, message, { ...baseFields, ...fields }, new Date()));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger({ ...options, write }, { ...baseFields, ...fields }),
  };
}
