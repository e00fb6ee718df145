/**
 * The exporter replaying a capture of real clients (--sniff.replay): the client metrics match the
 * capture's ground truth, and a fetch response beyond --sniff.max-frame-size is decoded as it passes,
 * its records counted as any other's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startExporterProcess } from '../support/exporter-process.ts';
import { valueOf, waitForScrape, type Series } from '../support/scrape.ts';

const CAPTURE = fileURLToPath(new URL('../fixtures/sniffer/java-perf-kraft.pcap', import.meta.url));
const TRUTH = JSON.parse(readFileSync(CAPTURE.replace(/\.pcap$/, '.json'), 'utf8')) as {
  topics: Record<string, { produced: number; consumed: Record<string, number> }>;
};
const TOPIC = 'sniff-perf';

async function replayed(extra: readonly string[]): Promise<Series[]> {
  const exporter = await startExporterProcess([`--sniff.replay=${CAPTURE}`, '--log.format=logfmt', ...extra]);
  try {
    return await waitForScrape(
      exporter.url,
      "the producer's records",
      (series) =>
        valueOf(series, 'kafka_client_produce_records_total', { client_id: 'perf-producer', topic: TOPIC }) ===
        TRUTH.topics[TOPIC]!.produced,
      15_000,
    );
  } finally {
    await exporter.stop();
  }
}

test('a replayed capture gives each client the records the ground truth says', async () => {
  const series = await replayed([]);
  assert.equal(
    valueOf(series, 'kafka_client_fetch_records_total', { client_id: 'perf-consumer', topic: TOPIC }),
    TRUTH.topics[TOPIC]!.consumed['perf-consumer'],
  );
  assert.equal(valueOf(series, 'kafka_sonar_sniffer_oversize_frames_total'), 0);
});

test('a fetch response beyond --sniff.max-frame-size is decoded as it passes: its records count as the ground truth says', async () => {
  const series = await replayed(['--sniff.max-frame-size=65536']);
  assert.equal(valueOf(series, 'kafka_sonar_sniffer_oversize_frames_total'), 1);
  assert.equal(
    valueOf(series, 'kafka_client_fetch_records_total', { client_id: 'perf-consumer', topic: TOPIC }),
    TRUTH.topics[TOPIC]!.consumed['perf-consumer'],
    'the records of the streamed response are counted',
  );
  assert.equal(valueOf(series, 'kafka_client_fetch_lag_records', { client_id: 'perf-consumer', topic: TOPIC }), 0, 'it read to the end');
});

test('a max frame size below 64 KiB is a configuration error', async () => {
  await assert.rejects(
    startExporterProcess([`--sniff.replay=${CAPTURE}`, '--sniff.max-frame-size=1000']),
    /exited with 2: kafka-sonar: configuration error: sniff\.max-frame-size must be at least 65536 bytes/,
  );
});
