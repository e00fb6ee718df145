import type { JmxSample } from '../../jmx/bean-samples.ts';
import { collectionMetrics, jmxMetrics } from '../../metrics/catalogue/index.ts';
import type { MetricDefinition } from '../../metrics/definition.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import type { AgentReading } from './agent-reader.ts';
import { agentAddress } from './agent-targets.ts';

/** The broker's id on every series; a rule's own `broker` label becomes `exported_broker`, as Prometheus renames it. */
function brokerLabels(sample: JmxSample, brokerId: string): Record<string, string> {
  const { broker, ...labels } = sample.labels;
  return { ...labels, ...(broker === undefined ? {} : { exported_broker: broker }), broker: brokerId };
}

/** One definition per name, with every label any of its series has. */
function definitionsOf(readings: readonly AgentReading[]): Map<string, MetricDefinition> {
  const found = new Map<string, { sample: JmxSample; labels: Set<string> }>();
  for (const reading of readings) {
    for (const sample of reading.samples) {
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

export function buildJmxSnapshot(readings: readonly AgentReading[], settings: JmxSnapshotSettings): Snapshot {
  const snapshot = new Snapshot(settings.maxSeries);
  const definitions = definitionsOf(readings);
  for (const reading of readings) {
    const broker = reading.brokerId ?? '';
    const agent = agentAddress(reading.target.url);
    snapshot.addOutsideBudget(jmxMetrics.up, { broker, agent }, reading.up ? 1 : 0);
    snapshot.addOutsideBudget(jmxMetrics.scrapeDuration, { broker, agent }, reading.seconds);
    if (!reading.up) continue;
    snapshot.addOutsideBudget(jmxMetrics.readErrors, { broker }, reading.failures.length);
    snapshot.addOutsideBudget(jmxMetrics.unmatchedAttributes, { broker }, reading.unmatched);
    for (const sample of reading.samples) snapshot.addRuntime(definitions.get(sample.name)!, brokerLabels(sample, broker), sample.value);
  }
  snapshot.addOutsideBudget(collectionMetrics.seriesDropped, { collector: settings.collector }, settings.droppedBefore + snapshot.dropped);
  snapshot.addOutsideBudget(collectionMetrics.seriesBudget, { collector: settings.collector }, settings.maxSeries);
  return snapshot;
}
