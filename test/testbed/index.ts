/**
 * Programmatic API of the test bed for integration and end-to-end tests; the CLI (cli.ts) runs the
 * same functions. Instances are shared between test files: testbedUp reuses a running instance of
 * the same shape (give differently shaped ones their own `name`), so a test suite usually calls
 * testbedUp in `before` and leaves teardown to `npm run testbed -- down`.
 *
 *   const bed = await testbedUp({ mode: 'kraft', brokers: 3 });
 *   const topic = uniqueName('topic');
 *   await consoleProduce(bed, topic, ['a', { key: 'k', value: 'v' }]);
 *   await stopBroker(bed, 3); await startBroker(bed, 3);
 */
export { resolveShape, testbedDown, testbedUp } from './lifecycle.ts';
export type { TestbedUpOptions } from './lifecycle.ts';
export {
  brokerLogFile,
  freezeBroker,
  freezeRegistry,
  isBrokerRunning,
  setAlertWebhook,
  startAllBrokers,
  startBroker,
  startZookeeper,
  stopAllBrokers,
  stopBroker,
  stopZookeeper,
  thawBroker,
  thawRegistry,
} from './operations.ts';
export type { StopOptions } from './operations.ts';
export { jolokiaUrlFor } from './jmx-agents.ts';
export { testbedStatus, testbedSummary } from './status.ts';
export type { ComponentStatus, InstanceStatus, TestbedSummary } from './status.ts';
export {
  consoleConsume,
  consoleProduce,
  kafkaClasspath,
  kafkaToolMainClasses,
  kafkaToolsClasspath,
  runKafkaTool,
  spawnKafkaTool,
} from './java-tools.ts';
export type { ConsoleConsumeOptions, ConsoleProduceOptions, ConsoleRecord, RunToolOptions } from './java-tools.ts';
export { reloadPrometheus, SCRAPE_JOB } from './prometheus.ts';
export { zookeeperMode } from './zookeeper.ts';
export { uniqueName } from './names.ts';
export { ComponentStartError } from './errors.ts';
export * from './versions.ts';
export type { BrokerEndpoint, KafkaMode, Testbed, ZookeeperMember } from './types.ts';
