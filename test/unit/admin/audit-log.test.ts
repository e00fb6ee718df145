import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AuditLog, AuditUnavailableError, type AuditEntry } from '../../../src/admin/audit-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'sonar-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `audit-${(files += 1)}.jsonl`);

function entry(time: string, user: string, operation: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time,
    request_id: `${user}-${operation}-${time}`,
    user,
    roles: ['admin'],
    source: '127.0.0.1',
    cluster: 'c1',
    operation,
    resource: '/v3/x',
    parameters: {},
    dry_run: false,
    result: { status: 200 },
    duration_ms: 3,
    ...extra,
  };
}

function filledLog(): AuditLog {
  const log = new AuditLog(freshPath());
  log.append(entry('2026-01-01T00:00:00.000Z', 'alice', 'topics.create'));
  log.append(entry('2026-01-02T00:00:00.000Z', 'bob', 'topics.delete'));
  log.append(entry('2026-01-03T00:00:00.000Z', 'alice', 'topics.delete'));
  log.append(entry('2026-01-04T00:00:00.000Z', 'alice', 'topics.create', { dry_run: true, changes: { before: 1, after: 2 } }));
  return log;
}

const ids = (entries: readonly AuditEntry[]): string[] => entries.map((item) => `${item.user}/${item.operation}/${item.time.slice(8, 10)}`);

describe('AuditLog', () => {
  test('append writes one JSON line per entry; read answers them oldest first', () => {
    const log = filledLog();
    const lines = readFileSync(log.path, 'utf8').split('\n');
    assert.equal(lines.length, 5);
    assert.equal(lines[4], '');
    assert.equal(JSON.parse(lines[0]!).operation, 'topics.create');
    const all = log.read({});
    assert.deepEqual(ids(all), ['alice/topics.create/01', 'bob/topics.delete/02', 'alice/topics.delete/03', 'alice/topics.create/04']);
    assert.deepEqual(
      all[3],
      entry('2026-01-04T00:00:00.000Z', 'alice', 'topics.create', { dry_run: true, changes: { before: 1, after: 2 } }),
    );
  });

  test('the file is made readable by its owner only', () => {
    const log = filledLog();
    assert.equal(statSync(log.path).mode & 0o777, 0o600);
  });

  test('since keeps entries at or after the time', () => {
    const log = filledLog();
    assert.deepEqual(ids(log.read({ since: Date.parse('2026-01-03T00:00:00.000Z') })), [
      'alice/topics.delete/03',
      'alice/topics.create/04',
    ]);
    assert.deepEqual(ids(log.read({ since: Date.parse('2026-01-02T12:00:00.000Z') })), [
      'alice/topics.delete/03',
      'alice/topics.create/04',
    ]);
    assert.deepEqual(log.read({ since: Date.parse('2027-01-01T00:00:00Z') }), []);
  });

  test('user and operation filter exactly, and combine', () => {
    const log = filledLog();
    assert.deepEqual(ids(log.read({ user: 'bob' })), ['bob/topics.delete/02']);
    assert.deepEqual(ids(log.read({ operation: 'topics.delete' })), ['bob/topics.delete/02', 'alice/topics.delete/03']);
    assert.deepEqual(ids(log.read({ user: 'alice', operation: 'topics.delete' })), ['alice/topics.delete/03']);
    assert.deepEqual(log.read({ user: 'ali' }), []);
    assert.deepEqual(log.read({ operation: 'topics' }), []);
  });

  test('limit keeps the newest entries that match', () => {
    const log = filledLog();
    assert.deepEqual(ids(log.read({ limit: 2 })), ['alice/topics.delete/03', 'alice/topics.create/04']);
    assert.deepEqual(ids(log.read({ user: 'alice', limit: 1 })), ['alice/topics.create/04']);
    assert.equal(log.read({ limit: 100 }).length, 4);
  });

  test('at most 1000 entries without a limit', () => {
    const log = new AuditLog(freshPath());
    for (let index = 0; index < 1005; index += 1)
      log.append(entry(new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(), 'u', `op-${index}`));
    const read = log.read({});
    assert.equal(read.length, 1000);
    assert.equal(read[0]!.operation, 'op-5');
    assert.equal(read[999]!.operation, 'op-1004');
  });

  test('a malformed line is skipped, the others read', () => {
    const log = filledLog();
    appendFileSync(log.path, '{"time": "2026-01-05T00:00:00Z", trunc\nnot json at all\n\n');
    log.append(entry('2026-01-06T00:00:00.000Z', 'carol', 'acls.create'));
    assert.deepEqual(ids(log.read({})).slice(-2), ['alice/topics.create/04', 'carol/acls.create/06']);
    assert.equal(log.read({}).length, 5);
  });

  test('a line that is JSON but not an entry (null, a number, a list, an object without a time) is skipped too', () => {
    const log = filledLog();
    appendFileSync(log.path, 'null\n42\n"text"\n[1, 2]\n{}\n{"time": 5}\n');
    log.append(entry('2026-01-06T00:00:00.000Z', 'carol', 'acls.create'));
    assert.equal(log.read({}).length, 5);
    assert.equal(log.read({ since: Date.parse('2026-01-01T00:00:00Z'), user: 'carol' }).length, 1);
  });

  test('a file not yet written reads as no entries', () => {
    assert.deepEqual(new AuditLog(join(dir, 'never-written.jsonl')).read({}), []);
  });

  test('assertWritable passes for a writable path, and creates the file', () => {
    const log = new AuditLog(freshPath());
    log.assertWritable();
    assert.equal(statSync(log.path).size, 0);
  });

  test('a directory as the path: assertWritable, append and read throw AuditUnavailableError naming it', () => {
    const log = new AuditLog(dir);
    assert.throws(
      () => log.assertWritable(),
      (error: unknown) => {
        assert.ok(error instanceof AuditUnavailableError);
        assert.match(
          error.message,
          new RegExp(`the audit file ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be written \\(EISDIR\\)`),
        );
        return true;
      },
    );
    assert.throws(() => log.append(entry('2026-01-01T00:00:00Z', 'u', 'op')), AuditUnavailableError);
    assert.throws(
      () => log.read({}),
      (error: unknown) => error instanceof AuditUnavailableError && /cannot be read \(EISDIR\)/.test(error.message),
    );
  });

  test('a path in a missing folder: assertWritable throws', () => {
    assert.throws(
      () => new AuditLog(join(dir, 'missing', 'audit.jsonl')).assertWritable(),
      (error: unknown) => error instanceof AuditUnavailableError && /ENOENT/.test(error.message),
    );
  });
});
