import { schemaRegistryMetrics } from '../../metrics/catalogue/schema-registry.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import { addStageSeries, StageReport, type StageOutcomes } from '../stage-report.ts';
import { topicOfSubject, type RegistryState } from './registry-model.ts';

/** One untimed stage, subjects: down when some subject could not be read (the reason names the first five). */
export function registryStages(state: RegistryState): StageReport {
  const stages = new StageReport();
  const failed = [...state.failures]
    .slice(0, 5)
    .map(([subject, reason]) => `${subject}: ${reason}`)
    .join('; ');
  stages.record('subjects', state.failures.size > 0 ? `${state.failures.size} subject(s) unreadable (${failed})` : undefined);
  return stages;
}

/** The registry as series: its global settings, every subject, and the topics subjects are named after. */
export function buildRegistrySnapshot(state: RegistryState, collector: string, stages: StageOutcomes = registryStages(state)): Snapshot {
  const snapshot = new Snapshot();
  snapshot.add(schemaRegistryMetrics.up, {}, 1);
  snapshot.add(schemaRegistryMetrics.requestDuration, {}, state.subjectsRequestSeconds);
  snapshot.add(schemaRegistryMetrics.subjects, {}, state.subjects.length + state.failures.size);
  snapshot.add(schemaRegistryMetrics.config, { compatibility: state.globalCompatibility ?? '', mode: state.globalMode ?? '' }, 1);
  for (const subject of state.subjects) {
    const labels = { subject: subject.subject };
    snapshot.add(
      schemaRegistryMetrics.subjectInfo,
      {
        subject: subject.subject,
        schema_type: subject.schemaType,
        compatibility: subject.compatibility ?? state.globalCompatibility ?? '',
        compatibility_source: subject.compatibility ? 'subject' : 'global',
        mode: subject.mode ?? state.globalMode ?? '',
      },
      1,
    );
    snapshot.add(schemaRegistryMetrics.subjectVersions, labels, subject.versions.length);
    snapshot.add(schemaRegistryMetrics.subjectLatestVersion, labels, subject.latestVersion);
    snapshot.add(schemaRegistryMetrics.subjectLatestSchemaId, labels, subject.latestSchemaId);
    const link = topicOfSubject(subject.subject);
    if (link) snapshot.add(schemaRegistryMetrics.topicSubject, { topic: link.topic, subject: subject.subject, kind: link.kind }, 1);
  }
  addStageSeries(snapshot, collector, stages);
  return snapshot;
}
