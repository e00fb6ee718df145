/** The exporter authenticating to a real SASL_PLAINTEXT listener with SCRAM and PLAIN, and failing clearly with a wrong password. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testbedDown, testbedUp, type Testbed } from '../testbed/index.ts';
import { SASL_PLAIN_USER, SASL_SCRAM_USER } from '../testbed/sasl.ts';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { valueOf, waitForScrape } from '../support/scrape.ts';

const BED = 'sasl';
let bed: Testbed;
const running: ExporterProcess[] = [];

async function exporterWith(mechanism: string, username: string, password: string): Promise<ExporterProcess> {
  const exporter = await startExporterProcess(
    [
      `--kafka.server=${bed.saslBootstrapServers}`,
      '--sasl.enabled',
      `--sasl.mechanism=${mechanism}`,
      `--sasl.username=${username}`,
      '--collector.cluster.interval=1s',
      '--collector.quorum.enabled=false',
    ],
    { KAFKA_SONAR_SASL_PASSWORD: password },
  );
  running.push(exporter);
  return exporter;
}

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 1, sasl: true, name: BED });
  assert.ok(bed.saslBootstrapServers, 'the test bed has a SASL listener');
});

after(async () => {
  await Promise.all(running.map((exporter) => exporter.stop()));
  await testbedDown({ name: BED });
});

for (const mechanism of ['scram-sha512', 'scram-sha256']) {
  test(`${mechanism}: the cluster is read through the SASL listener`, async () => {
    const exporter = await exporterWith(mechanism, SASL_SCRAM_USER.username, SASL_SCRAM_USER.password);
    const series = await waitForScrape(exporter.url, 'kafka_up 1 over SASL', (s) => valueOf(s, 'kafka_up') === 1, 60_000);
    assert.equal(valueOf(series, 'kafka_brokers'), 1);
  });
}

test('plain: the cluster is read through the SASL listener', async () => {
  const exporter = await exporterWith('plain', SASL_PLAIN_USER.username, SASL_PLAIN_USER.password);
  await waitForScrape(
    exporter.url,
    'kafka_up 1 over SASL PLAIN',
    (s) => valueOf(s, 'kafka_up') === 1 && valueOf(s, 'kafka_brokers') === 1,
    60_000,
  );
});

test('a wrong password: kafka_up 0, one clear log line, the password never logged', async () => {
  const wrong = 'not-the-password';
  const exporter = await exporterWith('scram-sha512', SASL_SCRAM_USER.username, wrong);
  await waitForScrape(
    exporter.url,
    'kafka_up 0 with a wrong password',
    (s) => valueOf(s, 'kafka_up') === 0 && valueOf(s, 'kafka_sonar_collector_errors_total', { collector: 'cluster' })! >= 1,
    60_000,
  );
  const failures = exporter
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"msg":"collector failed","collector":"cluster"'));
  assert.equal(failures.length, 1, `one line while the error stays the same:\n${exporter.stderr()}`);
  assert.match(failures[0]!, /auth|SASL|credential/i);
  assert.ok(!exporter.stderr().includes(wrong), 'the password is not logged');
});
