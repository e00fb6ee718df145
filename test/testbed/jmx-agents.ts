import { join } from 'node:path';
import { type ArtifactBundle, bundleLibs } from './artifacts.ts';
import { LOOPBACK } from './network.ts';
import type { KafkaNode } from './types.ts';
import { JMX_EXPORTER_VERSION, JOLOKIA_VERSION } from './versions.ts';

/**
 * The JVM agents a test bed started with `jolokia` loads into its brokers: Jolokia (JMX over HTTP, what the
 * JMX collector reads) on every broker, and on the first broker also the Prometheus JMX exporter with
 * kafka-sonar's bundled rules, to compare the two side by side.
 */
export const JMX_AGENTS_BUNDLE: ArtifactBundle = {
  name: `jmx-agents-jolokia-${JOLOKIA_VERSION}-jmx-exporter-${JMX_EXPORTER_VERSION}`,
  artifacts: [
    { groupId: 'org.jolokia', artifactId: 'jolokia-agent-jvm', version: JOLOKIA_VERSION, classifier: 'javaagent' },
    { groupId: 'io.prometheus.jmx', artifactId: 'jmx_prometheus_javaagent', version: JMX_EXPORTER_VERSION },
  ],
  // Plain jars: fetched one by one, without resolving their POMs' dependencies (the agents are shaded).
  standaloneArchives: true,
};

/** The rules file the JMX exporter reads: the one kafka-sonar bundles as its default. */
export const BUNDLED_JMX_RULES = join(import.meta.dirname, '..', '..', 'jmx', 'kafka-broker-rules.yaml');

/** The -javaagent flags of a node: Jolokia when it has a Jolokia port, the JMX exporter when it has that port. */
export function jmxAgentFlags(node: KafkaNode): string[] {
  const libs = bundleLibs(JMX_AGENTS_BUNDLE);
  return [
    ...(node.jolokiaPort === undefined
      ? []
      : [
          `-javaagent:${join(libs, `jolokia-agent-jvm-${JOLOKIA_VERSION}-javaagent.jar`)}=host=${LOOPBACK},port=${node.jolokiaPort},discoveryEnabled=false`,
        ]),
    ...(node.jmxExporterPort === undefined
      ? []
      : [
          `-javaagent:${join(libs, `jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`)}=${LOOPBACK}:${node.jmxExporterPort}:${BUNDLED_JMX_RULES}`,
        ]),
  ];
}

/** Jolokia's base URL on a node. */
export function jolokiaUrlFor(port: number): string {
  return `http://${LOOPBACK}:${port}/jolokia`;
}
