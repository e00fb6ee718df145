import type { JmxSample } from '../../jmx/bean-samples.ts';
import { catalogue, collectionMetrics, jmxMetrics, KAFKA_LAG_EXPORTER_GROUP } from '../../metrics/catalogue/index.ts';
import type { MetricDefinition } from '../../metrics/definition.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import type { AgentReading } from './agent-reader.ts';
import { agentAddress } from './agent-targets.ts';

/** The broker's id on every series; a rule's own `broker` label becomes `exported_broker`, as Prometheus renames it. */
function brokerLabels(sample: JmxSample, brokerId: string): Record<string, string> {
  const { broker, ...labels } = sample.labels;
  return { ...labels, ...(broker === undefined ? {} : { exported_broker: broker }), broker: brokerId };
}

/** Names kafka-sonar's own metrics use: a rule that names a series like one of them has it left out. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(
  [...catalogue(), ...KAFKA_LAG_EXPORTER_GROUP.metrics].map((metric) => metric.name),
);

/** One definition per name, with every label any of its series has. */
function definitionsOf(readings: readonly AgentReading[]): Map<string, MetricDefinition> {
  const found = new Map<string, { sample: JmxSample; labels: Set<string> }>();
  for (const reading of readings) {
    for (const sample of reading.samples) {
      if (RESERVED_NAMES.has(sample.name)) continue;
      let entry = found.get(sample.name);
      if (!entry) found.set(sample.name, (entry = { sample, labels: new Set(['broker']) }));
      for (const label of Object.keys(sample.labels)) entry.labels.add(label === 'broker' ? 'exported_broker' : label);
    }
  }
  const definitions = new Map<string, MetricDefinition>();
  for (const [name, { sample, labels }] of found) {
    definitions.set(name, { name, help: sample.help, type: sample.type === 'counter' ? 'counter' : 'gauge', labels: [...labels].sort() });
  }
  return definitions;
}

export interface JmxSnapshotSettings {
  readonly collector: string;
  readonly maxSeries: number;
  /** Series dropped over the budget in earlier cycles (a counter). */
  readonly droppedBefore: number;
}

export interface JmxSnapshot {
  readonly snapshot: Snapshot;
  /** Series left out in this cycle: over the budget, or named like one of kafka-sonar's own metrics. */
  readonly dropped: number;
}

export function buildJmxSnapshot(readings: readonly AgentReading[], settings: JmxSnapshotSettings): JmxSnapshot {
  const snapshot = new Snapshot(settings.maxSeries);
  const definitions = definitionsOf(readings);
  let reserved = 0;
  for (const reading of readings) {
    const broker = reading.brokerId ?? '';
    const agent = agentAddress(reading.target.url);
    snapshot.addOutsideBudget(jmxMetrics.up, { broker, agent }, reading.up ? 1 : 0);
    snapshot.addOutsideBudget(jmxMetrics.scrapeDuration, { broker, agent }, reading.seconds);
    if (!reading.up) continue;
    snapshot.addOutsideBudget(jmxMetrics.readErrors, { broker }, reading.failures.length);
    snapshot.addOutsideBudget(jmxMetrics.unmatchedAttributes, { broker }, reading.unmatched);
    for (const sample of reading.samples) {
      const definition = definitions.get(sample.name);
      if (definition) snapshot.addRuntime(definition, brokerLabels(sample, broker), sample.value);
      else reserved++;
    }
  }
  const dropped = snapshot.dropped + reserved;
  snapshot.addOutsideBudget(collectionMetrics.seriesDropped, { collector: settings.collector }, settings.droppedBefore + dropped);
  snapshot.addOutsideBudget(collectionMetrics.seriesBudget, { collector: settings.collector }, settings.maxSeries);
  return { snapshot, dropped };
}
