/**
 * The schema registry collector against the test bed's real registry (Apicurio's Confluent-compatible
 * API): Avro, JSON and Protobuf subjects with several versions, a changed compatibility level, topic
 * links, and a registry that does not answer while the rest of the exporter keeps working.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freezeRegistry, testbedUp, thawRegistry, uniqueName, type Testbed } from '../testbed/index.ts';
import { freePort, startExporterProcess, type ExporterProcess } from '../support/exporter-process.ts';
import { promtoolProblems } from '../support/promtool.ts';
import { startDelayProxy } from '../support/delay-proxy.ts';
import { scrape, scrapeUntil, valueOf, waitForScrape, type Series } from '../support/scrape.ts';

let bed: Testbed;
let exporter: ExporterProcess;
const topic = uniqueName('payments');
const valueSubject = `${topic}-value`;
const keySubject = `${topic}-key`;
const protobufSubject = `com.example.${topic.replace(/-/g, '_')}.Event`;

async function registry(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${bed.registryUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}: ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

const avro = (fields: object[]): string => JSON.stringify({ type: 'record', name: 'Payment', namespace: 'com.example', fields });

before(async () => {
  bed = await testbedUp({ mode: 'kraft', brokers: 3, registry: true });
  exporter = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    `--schema-registry.url=${bed.registryUrl}`,
    '--collector.schema-registry.interval=1s',
    '--collector.schema-registry.timeout=5s',
    '--collector.cluster.interval=2s',
    '--collector.quorum.enabled=false',
  ]);
});

after(async () => {
  for (const subject of [valueSubject, keySubject, protobufSubject]) {
    await registry('DELETE', `/subjects/${encodeURIComponent(subject)}`).catch(() => undefined);
    await registry('DELETE', `/subjects/${encodeURIComponent(subject)}?permanent=true`).catch(() => undefined);
  }
  await exporter?.stop();
});

test('Avro, JSON and Protobuf subjects: versions, latest version and schema id, schema type, topic links', async () => {
  await registry('POST', `/subjects/${valueSubject}/versions`, { schema: avro([{ name: 'id', type: 'string' }]) });
  await registry('POST', `/subjects/${valueSubject}/versions`, {
    schema: avro([
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'long', default: 0 },
    ]),
  });
  const latest = (await registry('POST', `/subjects/${valueSubject}/versions`, {
    schema: avro([
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'long', default: 0 },
      { name: 'currency', type: 'string', default: 'EUR' },
    ]),
  })) as { id: number };
  await registry('POST', `/subjects/${keySubject}/versions`, {
    schemaType: 'JSON',
    schema: JSON.stringify({ type: 'object', properties: { id: { type: 'string' } } }),
  });
  await registry('POST', `/subjects/${encodeURIComponent(protobufSubject)}/versions`, {
    schemaType: 'PROTOBUF',
    schema: 'syntax = "proto3";\nmessage Event { string id = 1; }\n',
  });
  await registry('POST', `/subjects/${encodeURIComponent(protobufSubject)}/versions`, {
    schemaType: 'PROTOBUF',
    schema: 'syntax = "proto3";\nmessage Event { string id = 1; int64 at = 2; }\n',
  });

  const series = await waitForScrape(
    exporter.url,
    'the three subjects',
    (s) =>
      valueOf(s, 'kafka_schema_registry_subject_versions', { subject: valueSubject }) === 3 &&
      valueOf(s, 'kafka_schema_registry_subject_versions', { subject: protobufSubject }) === 2 &&
      valueOf(s, 'kafka_schema_registry_subject_versions', { subject: keySubject }) === 1,
  );
  assert.equal(valueOf(series, 'kafka_schema_registry_up'), 1);
  assert.ok(valueOf(series, 'kafka_schema_registry_subjects')! >= 3);
  assert.ok(valueOf(series, 'kafka_schema_registry_request_duration_seconds')! > 0);
  assert.equal(valueOf(series, 'kafka_schema_registry_subject_latest_version', { subject: valueSubject }), 3);
  assert.equal(valueOf(series, 'kafka_schema_registry_subject_latest_schema_id', { subject: valueSubject }), latest.id);
  assert.equal(valueOf(series, 'kafka_schema_registry_subject_info', { subject: valueSubject, schema_type: 'AVRO' }), 1);
  assert.equal(valueOf(series, 'kafka_schema_registry_subject_info', { subject: keySubject, schema_type: 'JSON' }), 1);
  assert.equal(valueOf(series, 'kafka_schema_registry_subject_info', { subject: protobufSubject, schema_type: 'PROTOBUF' }), 1);
  assert.equal(valueOf(series, 'kafka_schema_registry_topic_subject_info', { topic, subject: valueSubject, kind: 'value' }), 1);
  assert.equal(valueOf(series, 'kafka_schema_registry_topic_subject_info', { topic, subject: keySubject, kind: 'key' }), 1);
  assert.equal(
    valueOf(series, 'kafka_schema_registry_topic_subject_info', { subject: protobufSubject }),
    undefined,
    'a record-name subject names no topic',
  );
  const global = series.find((entry) => entry.name === 'kafka_schema_registry_config_info')!;
  assert.ok(global.labels.compatibility !== '', 'the global compatibility level is known');
  assert.equal(
    valueOf(series, 'kafka_schema_registry_subject_info', {
      subject: valueSubject,
      compatibility: global.labels.compatibility!,
      compatibility_source: 'global',
    }),
    1,
  );
});

test('a compatibility level changed on one subject shows on that subject only', async () => {
  const global = (
    await waitForScrape(exporter.url, 'the global level', (s) => s.some((entry) => entry.name === 'kafka_schema_registry_config_info'))
  ).find((entry) => entry.name === 'kafka_schema_registry_config_info')!.labels.compatibility!;
  const changed = global === 'FULL_TRANSITIVE' ? 'BACKWARD' : 'FULL_TRANSITIVE';
  await registry('PUT', `/config/${valueSubject}`, { compatibility: changed });
  const series = await waitForScrape(
    exporter.url,
    `${valueSubject} at ${changed}`,
    (s) =>
      valueOf(s, 'kafka_schema_registry_subject_info', {
        subject: valueSubject,
        compatibility: changed,
        compatibility_source: 'subject',
      }) === 1,
  );
  assert.equal(
    valueOf(series, 'kafka_schema_registry_subject_info', { subject: keySubject, compatibility: global, compatibility_source: 'global' }),
    1,
  );
});

test('its metrics pass promtool check metrics', async () => {
  const { text } = await scrape(exporter.url);
  assert.ok(text.includes('# TYPE kafka_schema_registry_subject_info'), 'the families are there to check');
  assert.equal(promtoolProblems(text, ['kafka_schema_registry_']), undefined);
});

test('a registry that does not answer: kafka_schema_registry_up 0, one clear log line, the rest keeps working', async () => {
  const closedPort = await freePort();
  const lonely = await startExporterProcess([
    `--kafka.server=${bed.bootstrapServers}`,
    `--schema-registry.url=http://127.0.0.1:${closedPort}/apis/ccompat/v7`,
    '--collector.schema-registry.interval=1s',
    '--collector.cluster.interval=1s',
    '--collector.quorum.enabled=false',
  ]);
  try {
    const series = await waitForScrape(
      lonely.url,
      'registry down, cluster up',
      (s) => valueOf(s, 'kafka_schema_registry_up') === 0 && valueOf(s, 'kafka_up') === 1,
    );
    assert.equal(valueOf(series, 'kafka_sonar_collector_up', { collector: 'schema-registry' }), 0);
    assert.equal(valueOf(series, 'kafka_schema_registry_subjects'), undefined);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const failures = lonely
      .stderr()
      .split('\n')
      .filter((line) => line.includes('"msg":"collector failed"') && line.includes('"collector":"schema-registry"'));
    assert.equal(failures.length, 1, `one line for the failure, not one per cycle:\n${failures.join('\n')}`);
    assert.match(
      failures[0]!,
      new RegExp(`schema registry http://127\\.0\\.0\\.1:${closedPort}/apis/ccompat/v7: GET /apis/ccompat/v7/subjects: ECONNREFUSED`),
    );
    const ready = await fetch(`${lonely.url}/readyz`);
    assert.equal(ready.status, 200, 'a failed first cycle still counts as finished');
  } finally {
    await lonely.stop();
  }
});

test('a registry answering slowly: up with the slowness in the cycle time, then up 0 with one line past the timeout while /metrics answers at once; up again when it speeds up', async (t) => {
  const url = new URL(bed.registryUrl!);
  const proxy = await startDelayProxy({ host: url.hostname, port: Number(url.port) });
  const watcher = await startExporterProcess([
    `--schema-registry.url=http://${proxy.host}:${proxy.port}${url.pathname}`,
    '--collector.schema-registry.interval=1s',
    '--collector.schema-registry.timeout=5s',
    '--collector.cluster.enabled=false',
    '--collector.quorum.enabled=false',
  ]);
  const registryUp = (series: readonly Series[]) => valueOf(series, 'kafka_schema_registry_up');
  const cycleSeconds = (series: readonly Series[]) =>
    valueOf(series, 'kafka_sonar_collector_duration_seconds', { collector: 'schema-registry' }) ?? 0;
  const failures = () =>
    watcher
      .stderr()
      .split('\n')
      .filter((line) => line.includes('collector failed') && line.includes('schema-registry'));
  const slowSubject = `${topic}-slow-value`;
  try {
    await registry('POST', `/subjects/${slowSubject}/versions`, { schema: avro([{ name: 'id', type: 'string' }]) });
    const subjects = ((await (await fetch(`${bed.registryUrl}/subjects`)).json()) as string[]).length;
    await scrapeUntil(
      watcher.url,
      'as many subjects as the registry lists',
      (s) => registryUp(s) === 1 && valueOf(s, 'kafka_schema_registry_subjects') === subjects,
    );

    proxy.answerDelayMs = 1000;
    const slow = await scrapeUntil(watcher.url, 'a cycle slowed by the answers', (s) => cycleSeconds(s) >= 1 && registryUp(s) === 1);
    assert.equal(valueOf(slow.series, 'kafka_schema_registry_subjects'), subjects, 'a slow registry is still read whole');
    assert.equal(failures().length, 0, watcher.stderr());

    proxy.answerDelayMs = 8000;
    const down = await scrapeUntil(watcher.url, 'the registry down past the timeout', (s) => registryUp(s) === 0, { timeoutMs: 30_000 });
    assert.equal(failures().length, 1, watcher.stderr());
    assert.match(failures()[0]!, /5s timeout/);

    proxy.answerDelayMs = 0;
    const recovered = await scrapeUntil(watcher.url, 'the registry up again', (s) => registryUp(s) === 1, { timeoutMs: 30_000 });
    assert.equal(valueOf(recovered.series, 'kafka_schema_registry_subjects'), subjects);
    assert.equal(failures().length, 1, 'one line for the whole slow spell');
    t.diagnostic(
      `cycle ${cycleSeconds(slow.series).toFixed(1)} s with answers 1 s late; down ${down.milliseconds} ms after they became 8 s late; up ${recovered.milliseconds} ms after they became prompt`,
    );
  } finally {
    await watcher.stop();
    await proxy.close();
    await registry('DELETE', `/subjects/${slowSubject}`).catch(() => undefined);
    await registry('DELETE', `/subjects/${slowSubject}?permanent=true`).catch(() => undefined);
  }
});

test('a frozen registry (connections accepted, nothing answered): up 0 within the timeout while /metrics answers, then up 1 when thawed', async (t) => {
  freezeRegistry(bed);
  try {
    const down = await scrapeUntil(exporter.url, 'the frozen registry down', (s) => valueOf(s, 'kafka_schema_registry_up') === 0, {
      timeoutMs: 30_000,
    });
    t.diagnostic(`registry down ${down.milliseconds} ms after the freeze (collector timeout 5 s)`);
    assert.equal(valueOf(down.series, 'kafka_up'), 1, 'the cluster collector is not held up');
  } finally {
    thawRegistry(bed);
  }
  const thawed = Date.now();
  await waitForScrape(exporter.url, 'registry up after the thaw', (s) => valueOf(s, 'kafka_schema_registry_up') === 1, 30_000);
  t.diagnostic(`registry up again ${Date.now() - thawed} ms after the thaw`);
});
