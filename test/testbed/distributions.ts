import type { ArtifactBundle, MavenArtifact } from './artifacts.ts';
import type { KafkaMode } from './types.ts';
import {
  APICURIO_VERSION,
  KAFKA_3_VERSION,
  KAFKA_4_TOOLS_VERSION,
  KAFKA_4_VERSION,
  LOG4J2_VERSION,
  RELOAD4J_VERSION,
  SLF4J_RELOAD4J_VERSION,
} from './versions.ts';

/** Main classes of Kafka's command line tools (what bin/kafka-*.sh run). */
export interface KafkaToolMainClasses {
  consoleProducer: string;
  consoleConsumer: string;
  consumerGroups: string;
  topics: string;
  producerPerformance: string;
  consumerPerformance: string;
  getOffsetShell: string;
}

export interface KafkaDistribution {
  mode: KafkaMode;
  version: string;
  toolsVersion: string;
  /** log4j2: -Dlog4j2.configurationFile (Kafka 4.x); reload4j: -Dlog4j.configuration (Kafka 3.x, ZooKeeper). */
  logging: 'log4j2' | 'reload4j';
  broker: ArtifactBundle;
  tools: ArtifactBundle;
  toolMainClasses: KafkaToolMainClasses;
}

const kafka = (artifactId: string, version: string, exclusions?: MavenArtifact['exclusions']): MavenArtifact => ({
  groupId: 'org.apache.kafka',
  artifactId,
  version,
  ...(exclusions ? { exclusions } : {}),
});

// The published POMs leave the logging backend out (the release tarballs add it by hand).
const log4j2Backend = ['log4j-api', 'log4j-core', 'log4j-slf4j-impl'].map(
  (artifactId): MavenArtifact => ({ groupId: 'org.apache.logging.log4j', artifactId, version: LOG4J2_VERSION }),
);
const reload4jBackend: MavenArtifact[] = [
  { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: SLF4J_RELOAD4J_VERSION },
  { groupId: 'ch.qos.reload4j', artifactId: 'reload4j', version: RELOAD4J_VERSION },
];

const KRAFT: KafkaDistribution = {
  mode: 'kraft',
  version: KAFKA_4_VERSION,
  toolsVersion: KAFKA_4_TOOLS_VERSION,
  logging: 'log4j2',
  broker: {
    name: `kafka-${KAFKA_4_VERSION}`,
    artifacts:
      KAFKA_4_TOOLS_VERSION === KAFKA_4_VERSION
        ? [kafka('kafka_2.13', KAFKA_4_VERSION), ...log4j2Backend]
        : [
            kafka('kafka_2.13', KAFKA_4_VERSION, [{ groupId: 'org.apache.kafka', artifactId: 'kafka-tools-api' }]),
            kafka('kafka-tools-api', KAFKA_4_TOOLS_VERSION),
            ...log4j2Backend,
          ],
  },
  tools: { name: `kafka-tools-${KAFKA_4_TOOLS_VERSION}`, artifacts: [kafka('kafka-tools', KAFKA_4_TOOLS_VERSION), ...log4j2Backend] },
  toolMainClasses: {
    consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
    consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
    consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    topics: 'org.apache.kafka.tools.TopicCommand',
    producerPerformance: 'org.apache.kafka.tools.ProducerPerformance',
    consumerPerformance: 'org.apache.kafka.tools.ConsumerPerformance',
    getOffsetShell: 'org.apache.kafka.tools.GetOffsetShell',
  },
};

// One bundle serves the 3.9 broker, its ZooKeeper server and its tools.
const ZK_BUNDLE: ArtifactBundle = {
  name: `kafka-${KAFKA_3_VERSION}`,
  artifacts: [kafka('kafka_2.13', KAFKA_3_VERSION), kafka('kafka-tools', KAFKA_3_VERSION), ...reload4jBackend],
};

const ZK: KafkaDistribution = {
  mode: 'zk',
  version: KAFKA_3_VERSION,
  toolsVersion: KAFKA_3_VERSION,
  logging: 'reload4j',
  broker: ZK_BUNDLE,
  tools: ZK_BUNDLE,
  toolMainClasses: { ...KRAFT.toolMainClasses, consoleProducer: 'kafka.tools.ConsoleProducer' },
};

export function kafkaDistribution(mode: KafkaMode): KafkaDistribution {
  return mode === 'kraft' ? KRAFT : ZK;
}

export const APICURIO_BUNDLE: ArtifactBundle = {
  name: `apicurio-registry-${APICURIO_VERSION}`,
  artifacts: [
    { groupId: 'io.apicurio', artifactId: 'apicurio-registry-app', version: APICURIO_VERSION, type: 'tar.gz', classifier: 'all' },
  ],
  standaloneArchives: true,
};
