import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runningPid } from './processes.ts';
import { prometheusUrlFor } from './prometheus.ts';
import { instanceDir, instanceNames, readState } from './state.ts';
import type { KafkaMode, Testbed } from './types.ts';

export interface ComponentStatus {
  component: string;
  pid?: number;
  alive: boolean;
}

export interface InstanceStatus {
  name: string;
  running: boolean;
  components: ComponentStatus[];
  summary?: TestbedSummary;
}

export function testbedStatus(options: { name?: string } = {}): InstanceStatus[] {
  const names = options.name === undefined ? instanceNames() : [options.name];
  return names.map((name) => {
    const dir = instanceDir(name);
    const components = existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry): ComponentStatus => {
            const pid = runningPid(join(dir, entry.name));
            return { component: entry.name, ...(pid === undefined ? {} : { pid }), alive: pid !== undefined };
          })
      : [];
    const bed = readState(name);
    return {
      name,
      running: components.some((component) => component.alive),
      components,
      ...(bed ? { summary: testbedSummary(bed) } : {}),
    };
  });
}

export interface TestbedSummary {
  name: string;
  mode: KafkaMode;
  kafkaVersion: string;
  kafkaToolsVersion: string;
  bootstrapServers: string;
  brokers: Array<{ id: number; host: string; port: number }>;
  zookeeper?: string;
  registryUrl?: string;
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  prometheusTargetsDir?: string;
  prometheusRulesDir?: string;
}

/** What `up` prints: the addresses tests and the exporter need. */
export function testbedSummary(bed: Testbed): TestbedSummary {
  return {
    name: bed.name,
    mode: bed.mode,
    kafkaVersion: bed.kafkaVersion,
    kafkaToolsVersion: bed.kafkaToolsVersion,
    bootstrapServers: bed.bootstrapServers,
    brokers: bed.brokers.map(({ id, host, port }) => ({ id, host, port })),
    ...(bed.zookeeper === undefined ? {} : { zookeeper: bed.zookeeper }),
    ...(bed.registryUrl === undefined ? {} : { registryUrl: bed.registryUrl }),
    ...(bed.prometheus === undefined
      ? {}
      : {
          prometheusUrl: prometheusUrlFor(bed.prometheus.port),
          alertmanagerUrl: prometheusUrlFor(bed.prometheus.alertmanagerPort),
          prometheusTargetsDir: bed.prometheus.targetsDir,
          prometheusRulesDir: bed.prometheus.rulesDir,
        }),
  };
}
