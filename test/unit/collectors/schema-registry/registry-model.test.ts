import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  compatibilityOf,
  modeOf,
  parseLatest,
  parseSubjects,
  parseVersions,
  subjectCompatibility,
  topicOfSubject,
} from '../../../../src/collectors/schema-registry/registry-model.ts';
import { buildRegistrySnapshot } from '../../../../src/collectors/schema-registry/registry-snapshot.ts';
import type { Snapshot } from '../../../../src/metrics/series-store.ts';

function value(snapshot: Snapshot, name: string, labels: Record<string, string> = {}): number | undefined {
  return [...(snapshot.series(name) ?? [])].find((sample) =>
    Object.entries(labels).every(([key, expected]) => sample.labels[key] === expected),
  )?.value;
}

test('subjects named after the topic naming strategy link to their topic', () => {
  assert.deepEqual(topicOfSubject('orders-value'), { topic: 'orders', kind: 'value' });
  assert.deepEqual(topicOfSubject('eu.orders-v2-key'), { topic: 'eu.orders-v2', kind: 'key' });
  assert.equal(topicOfSubject('com.example.Order'), undefined, 'RecordNameStrategy names no topic');
  assert.equal(topicOfSubject('orders-com.example.Order'), undefined, 'TopicRecordNameStrategy is not guessed');
  assert.equal(topicOfSubject('bad topic-value'), undefined, 'not a legal topic name');
  assert.equal(topicOfSubject('-value'), undefined);
});

test('compatibility and mode bodies as Confluent, Apicurio and Karapace send them', () => {
  assert.equal(compatibilityOf({ compatibilityLevel: 'BACKWARD' }), 'BACKWARD');
  assert.equal(compatibilityOf({ compatibility: 'full_transitive' }), 'FULL_TRANSITIVE');
  assert.equal(compatibilityOf(undefined), undefined);
  assert.equal(modeOf({ mode: 'READWRITE' }), 'READWRITE');
  assert.equal(modeOf(undefined), undefined);
});

test('subjects, versions and the latest version are validated', () => {
  assert.deepEqual(parseSubjects(['b-value', 'a-value']), ['a-value', 'b-value']);
  assert.throws(() => parseSubjects({ error_code: 50001 }), /list of subject names/);
  assert.deepEqual(parseVersions('s', [3, 1, 2]), [1, 2, 3]);
  assert.deepEqual(
    parseLatest('s', { subject: 's', version: 3, id: 21, schema: '{}' }),
    { version: 3, id: 21, schemaType: 'AVRO' },
    'Confluent omits schemaType for Avro',
  );
  assert.deepEqual(
    parseLatest('s', { subject: 's', version: 1, id: 4, schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' }).schemaType,
    'PROTOBUF',
  );
  assert.throws(() => parseLatest('s', { version: 'latest' }), /expected version and id/);
});

test('the snapshot: global settings, per-subject series, effective compatibility and its source, topic links', () => {
  const snapshot = buildRegistrySnapshot(
    {
      subjectsRequestSeconds: 0.012,
      globalCompatibility: 'BACKWARD',
      globalMode: 'READWRITE',
      subjects: [
        {
          subject: 'orders-value',
          versions: [1, 2, 3],
          latestVersion: 3,
          latestSchemaId: 7,
          schemaType: 'AVRO',
          compatibility: 'FULL',
          mode: undefined,
        },
        {
          subject: 'com.example.Event',
          versions: [1],
          latestVersion: 1,
          latestSchemaId: 9,
          schemaType: 'JSON',
          compatibility: undefined,
          mode: 'READONLY',
        },
      ],
      failures: new Map([['broken-value', 'GET /subjects/broken-value/versions: HTTP 500']]),
    },
    'schema-registry',
  );
  assert.equal(value(snapshot, 'kafka_schema_registry_up'), 1);
  assert.equal(value(snapshot, 'kafka_schema_registry_request_duration_seconds'), 0.012);
  assert.equal(value(snapshot, 'kafka_schema_registry_subjects'), 3, 'an unreadable subject still counts as a subject');
  assert.equal(value(snapshot, 'kafka_schema_registry_config_info', { compatibility: 'BACKWARD', mode: 'READWRITE' }), 1);
  assert.equal(value(snapshot, 'kafka_schema_registry_subject_versions', { subject: 'orders-value' }), 3);
  assert.equal(value(snapshot, 'kafka_schema_registry_subject_latest_schema_id', { subject: 'orders-value' }), 7);
  assert.equal(
    value(snapshot, 'kafka_schema_registry_subject_info', {
      subject: 'orders-value',
      compatibility: 'FULL',
      compatibility_source: 'subject',
      mode: 'READWRITE',
    }),
    1,
  );
  assert.equal(
    value(snapshot, 'kafka_schema_registry_subject_info', {
      subject: 'com.example.Event',
      schema_type: 'JSON',
      compatibility: 'BACKWARD',
      compatibility_source: 'global',
      mode: 'READONLY',
    }),
    1,
  );
  assert.equal(value(snapshot, 'kafka_schema_registry_topic_subject_info', { topic: 'orders', subject: 'orders-value', kind: 'value' }), 1);
  assert.equal([...(snapshot.series('kafka_schema_registry_topic_subject_info') ?? [])].length, 1);
  assert.equal(value(snapshot, 'kafka_sonar_collector_stage_up', { collector: 'schema-registry', stage: 'subjects' }), 0);
});

/** Answers captured from the test bed's Apicurio Registry 3.0.9 (ccompat v7 API). */
const captured = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/schema-registry/${name}`, import.meta.url), 'utf8'));

test("Apicurio's answers: latest versions of Avro, JSON and Protobuf subjects, the version list, a subject config", () => {
  assert.deepEqual(parseLatest('probe-value', captured('apicurio-latest-avro.json')), { version: 2, id: 2, schemaType: 'AVRO' });
  assert.deepEqual(parseLatest('probe-json', captured('apicurio-latest-json.json')), { version: 1, id: 3, schemaType: 'JSON' });
  assert.deepEqual(parseLatest('probe-proto', captured('apicurio-latest-protobuf.json')), { version: 1, id: 4, schemaType: 'PROTOBUF' });
  assert.deepEqual(parseVersions('probe-value', captured('apicurio-versions.json')), [1, 2]);
  assert.equal(compatibilityOf(captured('apicurio-subject-config.json')), 'FULL');
  assert.deepEqual(captured('apicurio-subject-not-found.json'), {
    message: "No artifact with ID 'nothere' in group 'null' was found.",
    error_code: 40401,
  });
});

test('a subject level equal to the global one counts as inherited (Apicurio answers the global level for every subject)', () => {
  assert.equal(subjectCompatibility('FULL', 'NONE'), 'FULL');
  assert.equal(subjectCompatibility('NONE', 'NONE'), undefined);
  assert.equal(subjectCompatibility(undefined, 'BACKWARD'), undefined);
});
