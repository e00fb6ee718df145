// The real `kafka-sonar replay` command on the recorded fixtures: from a file and from standard input
// (fed by tcpdump, as `tcpdump -w - | kafka-sonar replay -` would be), and its errors.

import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClientSummaryRow } from '../../src/sniffer/client-summary.ts';
import type { FixtureTruth } from '../fixtures/sniffer/record/ground-truth.ts';
import { sniffFile } from '../unit/sniffer/support/fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'sniffer');

function kafkaSonar(args: string[], input?: Buffer): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(input === undefined ? {} : { input }),
  });
}

function fixture(name: string): { capture: string; truth: FixtureTruth } {
  const truth = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as FixtureTruth;
  return { capture: join(FIXTURES, truth.capture), truth };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('kafka-sonar replay', () => {
  const kcat = fixture('kcat-kraft');
  const scratch = mkdtempSync(join(tmpdir(), 'kafka-sonar-replay-'));
  let printed: string[];
  after(() => rmSync(scratch, { recursive: true, force: true }));

  before(() => {
    const result = kafkaSonar(['replay', kcat.capture]);
    assert.equal(result.status, 0, result.stderr);
    printed = lines(result.stdout);
  });

  it('prints one line per request, with client, broker, API, client id, topics, records, latency and error', async () => {
    const { exchanges } = await sniffFile(kcat.capture);
    assert.equal(printed.length, exchanges.length);
    const port = kcat.truth.brokerPorts[0];
    assert.match(
      printed[0]!,
      new RegExp(
        `^client 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${port} ApiVersions v3 client_id=kcat-producer software=librdkafka/2\\.0\\.2 latency=\\d+\\.\\dms error=NONE$`,
      ),
    );
    const produces = printed.filter((line) =>
      / Produce v\d+ client_id=kcat-producer topics=\[sniff-kcat\] records=\d+ bytes=\d+ acks=-1 latency=/.test(line),
    );
    const records = produces.map((line) => Number(/ records=(\d+)/.exec(line)![1]));
    assert.equal(
      records.reduce((a, b) => a + b, 0),
      kcat.truth.topics['sniff-kcat']!.produced,
    );
  });

  it('reads standard input, so that tcpdump can pipe into it', () => {
    const pcap = spawnSync('tcpdump', ['-r', kcat.capture, '-w', '-'], { maxBuffer: 64 * 1024 * 1024 });
    assert.equal(pcap.status, 0, pcap.stderr?.toString());
    const result = kafkaSonar(['replay', '-'], pcap.stdout);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), printed);
  });

  it('gives the same lines with the broker ports given', () => {
    const result = kafkaSonar(['replay', kcat.capture, `--broker-ports=9092,${kcat.truth.brokerPorts.join(',')}`]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), printed);
  });

  it('prints JSON lines with --json', () => {
    const result = kafkaSonar(['replay', kcat.capture, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const exchanges = lines(result.stdout).map(
      (line) => JSON.parse(line) as { apiName: string; clientId: string; records: number; connection: { broker: { port: number } } },
    );
    assert.equal(exchanges.length, printed.length);
    assert.equal(
      exchanges.filter((e) => e.apiName === 'Produce').reduce((sum, e) => sum + e.records, 0),
      kcat.truth.topics['sniff-kcat']!.produced,
    );
    assert.ok(exchanges.every((e) => e.connection.broker.port === kcat.truth.brokerPorts[0]));
  });

  it('sums up each client with --summary', () => {
    const result = kafkaSonar(['replay', '--summary', kcat.capture]);
    assert.equal(result.status, 0, result.stderr);
    const [header, ...rows] = lines(result.stdout);
    assert.match(
      header!,
      /^CLIENT\s+CLIENT_ID\s+SOFTWARE\s+PRINCIPAL\s+ROLE\s+CONNS\s+REQUESTS\s+BYTES_IN\s+BYTES_OUT\s+PRODUCED\s+FETCHED\s+TOPICS$/,
    );
    const byClient = new Map(rows.map((row) => [row.split(/\s{2,}/)[1], row.split(/\s{2,}/)]));
    assert.deepEqual([...byClient.keys()].sort(), ['kcat-consumer', 'kcat-producer']);
    const columns = header!.split(/\s{2,}/);
    const cell = (clientId: string, column: string) => byClient.get(clientId)![columns.indexOf(column)];
    assert.equal(Number(cell('kcat-producer', 'PRODUCED')), kcat.truth.topics['sniff-kcat']!.produced);
    assert.equal(Number(cell('kcat-consumer', 'FETCHED')), kcat.truth.topics['sniff-kcat']!.consumed['kcat-consumer']);
    assert.equal(cell('kcat-producer', 'SOFTWARE'), 'librdkafka 2.0.2');
    assert.equal(cell('kcat-consumer', 'TOPICS'), 'sniff-kcat');
  });

  it('names SASL principals in the JSON summary', () => {
    const sasl = fixture('sasl-kraft');
    const result = kafkaSonar(['replay', sasl.capture, '--summary', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const rows = lines(result.stdout).map((line) => JSON.parse(line) as ClientSummaryRow);
    const principals = Object.fromEntries(rows.map((row) => [row.clientId, row.principal]));
    assert.deepEqual(principals, Object.fromEntries(sasl.truth.clients.map((client) => [client.clientId, client.principal])));
  });

  it('fails with a clear message and exit code 1 on a missing or corrupt capture', () => {
    const missing = kafkaSonar(['replay', '/nonexistent/capture.pcap']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^kafka-sonar replay: cannot read \/nonexistent\/capture\.pcap: ENOENT/);
    const corrupt = join(scratch, 'corrupt.pcap');
    writeFileSync(corrupt, 'this is not a capture at all');
    const result = kafkaSonar(['replay', corrupt]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /corrupt\.pcap is not a readable capture: .*not a pcap or pcapng file/);
    assert.equal(result.stdout, '');
  });

  it('decodes what a truncated capture holds and says where it ends', () => {
    const whole = readFileSync(kcat.capture);
    const truncated = join(scratch, 'truncated.pcap');
    writeFileSync(truncated, whole.subarray(0, whole.length - 10));
    const result = kafkaSonar(['replay', truncated]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /truncated\.pcap ends inside a pcap packet record at byte \d+/);
    assert.ok(lines(result.stdout).length > 0);
  });

  it('rejects wrong usage with exit code 2 and the usage text', () => {
    for (const args of [
      ['replay'],
      ['replay', 'a.pcap', 'b.pcap'],
      ['replay', 'x.pcap', '--broker-ports=http'],
      ['replay', 'x.pcap', '--summary', '--print'],
      ['replay', '--frobnicate', 'x'],
    ]) {
      const result = kafkaSonar(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /Usage: kafka-sonar replay FILE\|-/);
    }
    const help = kafkaSonar(['replay', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: kafka-sonar replay FILE\|-/);
  });
});
