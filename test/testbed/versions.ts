/**
 * Versions pinned for the test bed, all resolved from Maven Central.
 *
 * Kafka 4.4.0 is the newest kafka_2.13 on Maven Central, but its kafka-tools and kafka-tools-api
 * artifacts are not published there (404, checked 2026-11-21). The broker only needs the tools-api
 * interfaces (Decoder, RecordReader), which are unchanged, so the 4.3.1 jar stands in for it, and the
 * command line tools (console producer/consumer, kafka-consumer-groups, perf tools) come from 4.3.1.
 * When kafka-tools 4.4.x appears, set KAFKA_4_TOOLS_VERSION to KAFKA_4_VERSION.
 */
export const KAFKA_4_VERSION: string = '4.4.0';
export const KAFKA_4_TOOLS_VERSION: string = '4.3.1';
/** Newest Kafka line that still runs with ZooKeeper. */
export const KAFKA_3_VERSION = '3.9.2';
/** The ZooKeeper server kafka_2.13:3.9.2 depends on (informational: Maven picks it). */
export const ZOOKEEPER_VERSION = '3.8.4';
/** What kafka-tools 4.3.1 itself pulls in; Kafka 4.x logs through slf4j 1.7 so the binding is log4j-slf4j-impl. */
export const LOG4J2_VERSION = '2.25.4';
export const SLF4J_RELOAD4J_VERSION = '1.7.36';
export const RELOAD4J_VERSION = '1.2.25';
/** Apicurio 3.3.x (the only newer 3.x on Maven Central) needs Java 21; 3.0.9 runs on Java 17. */
export const APICURIO_VERSION = '3.0.9';
/**
 * The Jolokia JVM agent (`javaagent` classifier). 2.6.0 or newer: 2.4.x fails a whole read when one attribute is NaN or
 * infinite (Kafka's metrics have many); 2.6.5, the newest listed on Maven Central, is not served here.
 */
export const JOLOKIA_VERSION = '2.6.0';
/** The newest jmx_prometheus_javaagent in Maven Central's metadata for io.prometheus.jmx. */
export const JMX_EXPORTER_VERSION = '1.0.1';
