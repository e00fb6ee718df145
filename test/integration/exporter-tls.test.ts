/**
 * The exporter reading a real SSL listener that requires client certificates: with the CA and a
 * client certificate, without verification, and failing clearly with a wrong CA or no certificate.
 * The same exporter's capture sees its own TLS connections as TLS, not as undecodable Kafka.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { testbedDown, testbedUp, type Testbed } from '../testbed/index.ts';
import { createCertificateAuthority } from '../testbed/tls.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { valueOf, waitForScrape, type Series } from '../support/scrape.ts';

const BED = 'tls';
let bed: Testbed;
let scratch: string;
const running: ExporterProcess[] = [];

async function exporterWith(tlsArgs: readonly string[], extra: readonly string[] = []): Promise<ExporterProcess> {
  const exporter = await startExporterProcess([
    `--kafka.server=${bed.tlsBootstrapServers}`,
    '--tls.enabled',
    ...tlsArgs,
    '--collector.cluster.interval=1s',
    '--collector.quorum.enabled=false',
    ...extra,
  ]);
  running.push(exporter);
  return exporter;
}

function clientCertificate(): string[] {
  return [`--tls.cert-file=${bed.tls!.clientCertFile}`, `--tls.key-file=${bed.tls!.clientKeyFile}`];
}

function failureLines(exporter: ExporterProcess): string[] {
  return exporter
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"msg":"collector failed","collector":"cluster"'));
}

async function failsClearly(exporter: ExporterProcess, description: string): Promise<string> {
  await waitForScrape(
    exporter.url,
    `kafka_up 0 ${description}`,
    (s) => valueOf(s, 'kafka_up') === 0 && valueOf(s, 'kafka_sonar_collector_errors_total', { collector: 'cluster' })! >= 2,
    60_000,
  );
  const lines = failureLines(exporter);
  assert.equal(lines.length, 1, `one line while the error stays the same:\n${exporter.stderr()}`);
  return lines[0]!;
}

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 1, tls: true, name: BED });
  assert.ok(bed.tlsBootstrapServers && bed.tls, 'the test bed has an SSL listener');
  scratch = mkdtempSync(join(tmpdir(), 'sonar-tls-'));
});

after(async () => {
  await Promise.all(running.map((exporter) => exporter.stop()));
  rmSync(scratch, { recursive: true, force: true });
  await testbedDown({ name: BED });
});

test('with the CA and a client certificate the cluster is read over TLS, and the capture sees TLS', async () => {
  const tlsPort = bed.brokers[0]!.tlsPort!;
  const exporter = await exporterWith(
    [`--tls.ca-file=${bed.tls!.caFile}`, ...clientCertificate()],
    ['--sniff.interface=lo', `--sniff.broker-ports=${tlsPort}`],
  );
  const tlsConnections = (s: readonly Series[]): number => valueOf(s, 'kafka_sonar_sniffer_connections', { protocol: 'tls' }) ?? 0;
  const series = await waitForScrape(
    exporter.url,
    'kafka_up 1 over TLS with TLS connections captured',
    (s) => valueOf(s, 'kafka_up') === 1 && tlsConnections(s) >= 1,
    60_000,
  );
  assert.equal(valueOf(series, 'kafka_brokers'), 1);
  assert.equal(valueOf(series, 'kafka_sonar_sniffer_connections', { protocol: 'kafka' }), 0, 'no TLS connection taken for plain Kafka');
  assert.equal(valueOf(series, 'kafka_sonar_sniffer_undecodable_frames_total'), 0);
  assert.equal(valueOf(series, 'kafka_sonar_sniffer_requests_total'), 0, 'encrypted bytes are not decoded as requests');
});

test('without verification (and the client certificate the listener requires) the cluster is read', async () => {
  const exporter = await exporterWith(['--tls.insecure-skip-tls-verify', ...clientCertificate()]);
  await waitForScrape(
    exporter.url,
    'kafka_up 1 over TLS without verification',
    (s) => valueOf(s, 'kafka_up') === 1 && valueOf(s, 'kafka_brokers') === 1,
    60_000,
  );
});

test('a CA that did not sign the brokers: kafka_up 0 and one line about the certificate', async () => {
  const wrongCa = createCertificateAuthority(join(scratch, 'wrong-ca'), 'not the test bed CA');
  const exporter = await exporterWith([`--tls.ca-file=${wrongCa}`, ...clientCertificate()]);
  assert.match(await failsClearly(exporter, 'with a wrong CA'), /certificate/i);
});

test('no client certificate where the listener requires one: kafka_up 0 and one line', async () => {
  const exporter = await exporterWith([`--tls.ca-file=${bed.tls!.caFile}`]);
  await failsClearly(exporter, 'without a client certificate');
});

test('an unreadable CA file is a configuration error naming the option', async () => {
  const exporter = startExporterProcess([
    `--kafka.server=${bed.tlsBootstrapServers}`,
    '--tls.enabled',
    `--tls.ca-file=${join(scratch, 'missing.pem')}`,
  ]);
  await assert.rejects(
    exporter,
    /exited with 2: kafka-sonar: configuration error: tls\.ca-file: cannot read \S*missing\.pem \(no such file\)/,
  );
});
