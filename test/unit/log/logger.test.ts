import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, formatLogLine } from '../../../src/log/logger.ts';

test('json lines carry time, level, message and fields', () => {
  const line = formatLogLine('json', 'error', 'collector failed', { collector: 'cluster', error: new Error('boom') }, new Date(0));
  assert.deepEqual(JSON.parse(line), {
    time: '1970-01-01T00:00:00.000Z',
    level: 'error',
    msg: 'collector failed',
    collector: 'cluster',
    error: 'boom',
  });
});

test('logfmt quotes values with spaces and leaves out undefined fields', () => {
  const line = formatLogLine('logfmt', 'info', 'started', { listen: ':9870', otlp: undefined, note: 'two words' }, new Date(0));
  assert.equal(line, 'time=1970-01-01T00:00:00.000Z level=info msg=started listen=:9870 note="two words"');
});

test('lines below the level are dropped; child loggers add fields', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'warn', format: 'json', write: (line) => lines.push(line) });
  logger.info('hidden');
  logger.child({ collector: 'cluster' }).warn('shown');
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0]!).collector, 'cluster');
});
