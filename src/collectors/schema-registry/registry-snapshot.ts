import { collectionMetrics } from '../../metrics/catalogue/exporter.ts';
import { schemaRegistryMetrics } from '../../metrics/catalogue/schema-registry.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import { topicOfSubject, type RegistryState } from './registry-model.ts';

/** The registry as series: its global settings, every subject, and the topics subjects are named after. */
export function buildRegistrySnapshot(state: RegistryState, collector: string): Snapshot {
  const snapshot = new Snapshot();
  snapshot.add(schemaRegistryMetrics.up, {}, 1);
  snapshot.add(schemaRegistryMetrics.requestDuration, {}, state.subjectsRequestSeconds);
  snapshot.add(schemaRegistryMetrics.subjects, {}, state.subjects.length + state.failures.size);
  snapshot.add(schemaRegistryMetrics.config, { compatibility: state.globalCompatibility ?? '', mode: state.globalMode ?? '' }, 1);
  for (const subject of state.subjects) {
    const labels = { subject: subject.subject };
    snapshot.add(schemaRegistryMetrics.subjectInfo, {
      subject: subject.subject, schema_type: subject.schemaType,
      compatibility: subject.compatibility ?? state.globalCompatibility ?? '', compatibility_source: subject.compatibility ? 'subject' : 'global',
      mode: subject.mode ?? state.globalMode ?? '',
    }, 1);
    snapshot.add(schemaRegistryMetrics.subjectVersions, labels, subject.versions.length);
    snapshot.add(schemaRegistryMetrics.subjectLatestVersion, labels, subject.latestVersion);
    snapshot.add(schemaRegistryMetrics.subjectLatestSchemaId, labels, subject.latestSchemaId);
    const link = topicOfSubject(subject.subject);
    if (link) snapshot.add(schemaRegistryMetrics.topicSubject, { topic: link.topic, subject: subject.subject, kind: link.kind }, 1);
  }
  snapshot.add(collectionMetrics.stageUp, { collector, stage: 'subjects' }, state.failures.size === 0 ? 1 : 0);
  return snapshot;
}
