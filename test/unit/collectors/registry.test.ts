import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLECTORS } from '../../../src/collectors/registry.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { parseArguments } from '../../../src/config/flags.ts';
import { OPTION_BY_KEY } from '../../../src/config/options.ts';
import { createLogger } from '../../../src/log/logger.ts';

const fromFlags = (...argv: string[]) => loadConfig({ flags: parseArguments(argv).flags });
const everything = [
  '--kafka.server=broker:9092',
  '--zookeeper.server=zk:2181',
  '--schema-registry.url=http://registry:8081',
  '--jmx.jolokia-url=http://broker:8778/jolokia',
];
const ALL = ['cluster', 'quorum', 'zookeeper', 'schema-registry', 'jmx'];
const enabledNames = (...argv: string[]): string[] => {
  const config = fromFlags(...argv);
  return COLLECTORS.filter((factory) => factory.enabled(config)).map((factory) => factory.name);
};

test('every collector has its own name and a collector.<name>.enabled switch, on by default', () => {
  const names = COLLECTORS.map((factory) => factory.name);
  assert.deepEqual(names, ALL, 'the start order the runner lists them in');
  for (const name of names) {
    const option = OPTION_BY_KEY.get(`collector.${name}.enabled`);
    assert.equal(option?.type, 'boolean', `collector.${name}.enabled`);
    assert.equal(option?.default, true, `collector.${name}.enabled`);
  }
});

test('a collector runs when its switch is on and what it watches is configured', () => {
  assert.deepEqual(enabledNames(), []);
  assert.deepEqual(enabledNames('--kafka.server=broker:9092'), ['cluster', 'quorum']);
  assert.deepEqual(enabledNames(...everything), ALL);
  for (const name of ALL) {
    assert.deepEqual(
      enabledNames(...everything, `--collector.${name}.enabled=false`),
      ALL.filter((other) => other !== name),
    );
  }
});

test("each factory makes a collector of its name on its section's schedule, connecting nothing before the first cycle", async () => {
  const config = fromFlags(
    ...everything,
    '--collector.zookeeper.interval=7s',
    '--collector.schema-registry.timeout=11s',
    '--collector.jmx.timeout=4s',
  );
  const logger = createLogger({ level: 'error', format: 'json', write: () => undefined });
  for (const factory of COLLECTORS) {
    const collector = await factory.create(config, { logger });
    assert.equal(collector.name, factory.name);
    await collector.close();
  }
  const schedule = (name: string) => COLLECTORS.find((factory) => factory.name === name)!.schedule(config);
  assert.equal(schedule('zookeeper').intervalSeconds, 7);
  assert.equal(schedule('schema-registry').timeoutSeconds, 11);
  assert.equal(schedule('cluster').intervalSeconds, 30);
  assert.ok(schedule('jmx').timeoutSeconds > 4, 'a JMX cycle outlasts the deadline of each agent, so a slow agent is down on its own');
});
