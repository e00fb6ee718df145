export type KafkaMode = 'kraft' | 'zk';

/** What an instance is made of; an instance is reused only for the same Kafka shape. */
export interface TestbedShape {
  mode: KafkaMode;
  brokers: number;
  zookeepers: number;
  registry: boolean;
  prometheus: boolean;
  /** Set when the brokers also have a SASL_PLAINTEXT listener (see sasl.ts). */
  sasl?: true;
  /** Set when the brokers also have an SSL listener requiring client certificates (see tls.ts). */
  tls?: true;
  /** Set when the client listener binds and advertises this address instead of 127.0.0.1. */
  listenHost?: string;
  /** Set when the brokers run an authorizer, so ACLs can be managed (see authorizer.ts). */
  authorizer?: true;
  /** Set when the brokers run the Jolokia agent, and the first broker the JMX exporter too (see jmx-agents.ts). */
  jolokia?: true;
}

export interface BrokerEndpoint {
  id: number;
  host: string;
  port: number;
}

export interface KafkaNode extends BrokerEndpoint {
  /** KRaft only: the CONTROLLER listener of this combined broker+controller node. */
  controllerPort?: number;
  /** KRaft only: where the CONTROLLER listener binds when not on `host` (127.0.0.1 when `host` is a listenHost). */
  controllerHost?: string;
  /** SASL_PLAINTEXT listener, when the test bed was started with `sasl` (see sasl.ts). */
  saslPort?: number;
  /** SSL listener, when the test bed was started with `tls` (see tls.ts). */
  tlsPort?: number;
  /** Jolokia's HTTP port, when the test bed was started with `jolokia`. */
  jolokiaPort?: number;
  /** The Prometheus JMX exporter's HTTP port, on the first broker of a test bed started with `jolokia`. */
  jmxExporterPort?: number;
}

/** PEM files of an instance started with `tls`. */
export interface TestbedTls {
  caFile: string;
  /** The brokers' private key followed by their certificate. */
  brokerKeystoreFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

export interface ZookeeperMember {
  id: number;
  host: string;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
}

export interface RegistryEndpoint {
  port: number;
  managementPort: number;
  version: string;
}

export interface PrometheusEndpoints {
  port: number;
  alertmanagerPort: number;
  targetsDir: string;
  rulesDir: string;
  alertWebhookUrl?: string;
}

/** A running (or last started) test bed instance; persisted as state.json in its directory. */
export interface Testbed {
  name: string;
  dir: string;
  shape: TestbedShape;
  mode: KafkaMode;
  kafkaVersion: string;
  kafkaToolsVersion: string;
  clusterId: string;
  brokers: KafkaNode[];
  zookeepers: ZookeeperMember[];
  bootstrapServers: string;
  /** The SASL_PLAINTEXT listeners, when started with `sasl`. */
  saslBootstrapServers?: string;
  /** The SSL listeners and the files to reach them, when started with `tls`. */
  tlsBootstrapServers?: string;
  tls?: TestbedTls;
  zookeeper?: string;
  registry?: RegistryEndpoint;
  registryUrl?: string;
  prometheus?: PrometheusEndpoints;
  prometheusUrl?: string;
  alertmanagerUrl?: string;
}
