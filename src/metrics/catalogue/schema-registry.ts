import type { MetricDefinition } from '../definition.ts';

const SUBJECT = ['subject'] as const;

/** A schema registry speaking the Confluent REST API. */
export const schemaRegistryMetrics = {
  up: {
    name: 'kafka_schema_registry_up',
    type: 'gauge',
    labels: [],
    help: 'Whether the schema registry answered the last collection cycle (1) or not (0).',
  },
  requestDuration: {
    name: 'kafka_schema_registry_request_duration_seconds',
    type: 'gauge',
    labels: [],
    unit: 's',
    help: "How long the registry took to answer the last cycle's GET /subjects.",
  },
  subjects: {
    name: 'kafka_schema_registry_subjects',
    type: 'gauge',
    labels: [],
    help: 'Subjects in the registry (soft-deleted ones left out).',
  },
  config: {
    name: 'kafka_schema_registry_config_info',
    type: 'gauge',
    labels: ['compatibility', 'mode'],
    help: 'Global compatibility level and mode of the registry (mode empty when the registry has no modes); always 1.',
  },
  subjectInfo: {
    name: 'kafka_schema_registry_subject_info',
    type: 'gauge',
    labels: ['subject', 'schema_type', 'compatibility', 'compatibility_source', 'mode'],
    help: "Schema type of the subject's latest version, the compatibility level that applies to it (compatibility_source subject when the subject has its own level that differs from the global one, global otherwise) and its mode; always 1.",
  },
  subjectVersions: {
    name: 'kafka_schema_registry_subject_versions',
    type: 'gauge',
    labels: SUBJECT,
    help: 'Versions registered under the subject.',
  },
  subjectLatestVersion: {
    name: 'kafka_schema_registry_subject_latest_version',
    type: 'gauge',
    labels: SUBJECT,
    help: "Number of the subject's latest version.",
  },
  subjectLatestSchemaId: {
    name: 'kafka_schema_registry_subject_latest_schema_id',
    type: 'gauge',
    labels: SUBJECT,
    help: "Global schema id of the subject's latest version.",
  },
  topicSubject: {
    name: 'kafka_schema_registry_topic_subject_info',
    type: 'gauge',
    labels: ['topic', 'subject', 'kind'],
    help: 'Links a subject named after the topic naming strategy (<topic>-key, <topic>-value) to its topic; kind is key or value; always 1.',
  },
} as const satisfies Record<string, MetricDefinition>;
