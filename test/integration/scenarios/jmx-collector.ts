/**
 * The JMX collector against real brokers with the Jolokia agent: per-topic broker counters against what a
 * real producer wrote, a stopped broker, an agent that is slow or fails some MBeans, and the series of one
 * broker side by side with the Prometheus JMX exporter reading the same MBeans with the same rules.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jolokiaUrlFor, startAllBrokers, stopBroker, testbedUp, uniqueName, type KafkaMode, type Testbed } from '../../testbed/index.ts';
import { startExporterProcess, type ExporterProcess } from '../../support/exporter-process.ts';
import { createTopic, produceMessages } from '../../support/kafka-clients.ts';
import { startJolokiaFaultProxy, type JolokiaFaultProxy } from '../../support/jolokia-fault-proxy.ts';
import { parseExposition, scrape, valueOf, waitForScrape, type Series } from '../../support/scrape.ts';
import { waitUntil } from '../../support/wait.ts';

const RECORDS = 500;
/** kafkajs writes key-i and value-i (see produceMessages): the payload bytes a broker must have taken in at least. */
const payloadBytes = (count: number): number =>
  Array.from({ length: count }, (_, index) => `key-${index}`.length + `value-${index}`.length).reduce((a, b) => a + b, 0);

function sumOf(series: readonly Series[], name: string, labels: Record<string, string>): number {
  return series
    .filter((entry) => entry.name === name && Object.entries(labels).every(([key, value]) => entry.labels[key] === value))
    .reduce((total, entry) => total + entry.value, 0);
}

/** name{labels} without empty labels (absent in PromQL). */
function seriesKey(entry: Series): string {
  const labels = Object.entries(entry.labels)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${entry.name}{${labels.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',')}}`;
}

const brokerSeries = (series: readonly Series[], broker: string): Series[] =>
  series.filter((entry) => entry.labels.broker === broker && !/^kafka_(jmx|sonar)_/.test(entry.name));

export function jmxCollectorScenario(mode: KafkaMode): void {
  let bed: Testbed;
  let exporter: ExporterProcess;
  let proxy: JolokiaFaultProxy;
  const topic = uniqueName('jmx-orders');

  before(async () => {
    bed = await testbedUp({ mode, brokers: 3, jolokia: true });
    const [first, second, third] = bed.brokers.map((broker) => jolokiaUrlFor(broker.jolokiaPort!));
    proxy = await startJolokiaFaultProxy(second!);
    exporter = await startExporterProcess([
      `--jmx.jolokia-url=${first},${proxy.url},${third}`,
      '--collector.jmx.interval=1s',
      '--collector.jmx.timeout=3s',
    ]);
  });

  after(async () => {
    await exporter?.stop();
    await proxy?.close();
    await startAllBrokers(bed);
  });

  test(`${mode}: every broker's agent answers, named by its broker id from app-info`, async () => {
    const series = await waitForScrape(exporter.url, 'three agents up', (s) =>
      bed.brokers.every((broker) => valueOf(s, 'kafka_jmx_up', { broker: String(broker.id) }) === 1),
    );
    assert.equal(valueOf(series, 'kafka_sonar_collector_up', { collector: 'jmx' }), 1);
    for (const broker of bed.brokers) {
      assert.equal(valueOf(series, 'kafka_sonar_jmx_read_errors', { broker: String(broker.id) }), 0);
      const partitions = valueOf(series, 'kafka_server_replicamanager_partitioncount', { broker: String(broker.id) });
      assert.ok(partitions !== undefined && partitions >= 0, `broker ${broker.id} says how many partitions it holds`);
    }
    const controllers = sumOf(series, 'kafka_controller_kafkacontroller_activecontrollercount', {});
    assert.equal(controllers, 1, 'exactly one broker says it is the active controller');
  });

  test(`${mode}: messages and bytes in per topic: the records a real producer wrote, the bytes at least their payload`, async () => {
    await createTopic(bed.bootstrapServers, topic, 3, 3);
    await produceMessages(bed.bootstrapServers, topic, RECORDS, 'sonar-jmx-producer');
    const series = await waitForScrape(
      exporter.url,
      `${RECORDS} messages in on ${topic}`,
      (s) => sumOf(s, 'kafka_server_brokertopicmetrics_messagesin_total', { topic }) >= RECORDS,
    );
    // Only a partition's leader counts a produced record, so the brokers' sum is exactly what kafkajs wrote.
    assert.equal(sumOf(series, 'kafka_server_brokertopicmetrics_messagesin_total', { topic }), RECORDS);
    assert.ok(
      sumOf(series, 'kafka_server_brokertopicmetrics_bytesin_total', { topic }) >= payloadBytes(RECORDS),
      `bytes in on ${topic} at least the ${payloadBytes(RECORDS)} bytes of keys and values`,
    );
  });

  test(`${mode}: the first broker's series are the JMX exporter's, with the same names, labels and values`, async () => {
    const broker = bed.brokers[0]!;
    const id = String(broker.id);
    const ourKey = (entry: Series): string => seriesKey({ ...entry, labels: withoutOurBrokerLabel(entry.labels) });
    const counters = (series: readonly Series[], key: (entry: Series) => string) =>
      new Map(
        series.filter((entry) => /^kafka_server_brokertopicmetrics_.*_total$/.test(entry.name)).map((entry) => [key(entry), entry.value]),
      );
    const before = brokerSeries((await scrape(exporter.url)).series, id);
    const exported = parseExposition(await (await fetch(`http://127.0.0.1:${broker.jmxExporterPort}/metrics`)).text());
    const reference = exported.filter((entry) => entry.name.startsWith('kafka_'));
    const read = Date.now() / 1000;
    const after = await waitForScrape(exporter.url, 'a cycle started after the JMX exporter was read', (s) => {
      const ended = valueOf(s, 'kafka_sonar_collector_last_success_timestamp_seconds', { collector: 'jmx' }) ?? 0;
      return ended - (valueOf(s, 'kafka_sonar_collector_duration_seconds', { collector: 'jmx' }) ?? Infinity) > read;
    }).then((s) => brokerSeries(s, id));
    const keys = (series: readonly Series[]) => new Set(series.filter((entry) => entry.name.startsWith('kafka_')).map(ourKey));
    const [oursBefore, oursAfter] = [keys(before), keys(after)];
    const theirs = new Set(reference.map((entry) => seriesKey(entry)));
    // Series only appear (a request type seen for the first time, a new topic): the JMX exporter's lie between ours.
    assert.deepEqual(
      [...theirs].filter((key) => !oursAfter.has(key)).slice(0, 20),
      [],
      'series of the JMX exporter that kafka-sonar lacks',
    );
    assert.deepEqual(
      [...oursBefore].filter((key) => !theirs.has(key)).slice(0, 20),
      [],
      'series of kafka-sonar that the JMX exporter lacks',
    );
    assert.ok(theirs.size > 500, `the JMX exporter exported ${theirs.size} kafka_ series`);
    // The JVM: the JMX exporter's own collectors, named alike from the platform MBeans by the bundled JVM rules.
    const theirJvm = new Map(exported.filter((entry) => entry.name.startsWith('jvm_')).map((entry) => [seriesKey(entry), entry.value]));
    const ourJvm = after.filter((entry) => entry.name.startsWith('jvm_'));
    assert.ok(ourJvm.length >= 20, `${ourJvm.length} jvm_ series`);
    assert.deepEqual(
      ourJvm.map(ourKey).filter((key) => !theirJvm.has(key)),
      [],
      'jvm_ series the JMX exporter does not have',
    );
    const heapMax = 'jvm_memory_max_bytes{area="heap"}';
    assert.equal(ourJvm.find((entry) => ourKey(entry) === heapMax)?.value, theirJvm.get(heapMax));
    // Counters read by the JMX exporter lie between kafka-sonar's reads before and after it.
    const [low, high] = [counters(before, ourKey), counters(after, ourKey)];
    for (const [key, value] of counters(reference, (entry) => seriesKey(entry))) {
      assert.ok(low.get(key)! <= value && value <= high.get(key)!, `${key}: ${low.get(key)} <= ${value} <= ${high.get(key)}`);
    }
  });

  test(`${mode}: an agent failing some MBeans: the rest of its MBeans and the other agents still collected`, async () => {
    const second = String(bed.brokers[1]!.id);
    proxy.failing.add('kafka.server:*');
    proxy.failing.add('kafka.server:type=ReplicaManager,name=LeaderCount');
    try {
      const series = await waitForScrape(
        exporter.url,
        'the failing MBean counted, the rest read bean by bean',
        (s) => (valueOf(s, 'kafka_sonar_jmx_read_errors', { broker: second }) ?? 0) >= 1,
      );
      assert.equal(valueOf(series, 'kafka_jmx_up', { broker: second }), 1);
      assert.equal(
        valueOf(series, 'kafka_server_replicamanager_leadercount', { broker: second }),
        undefined,
        'the failing MBean is left out',
      );
      assert.notEqual(
        valueOf(series, 'kafka_server_replicamanager_partitioncount', { broker: second }),
        undefined,
        'its neighbours are read',
      );
      assert.notEqual(
        valueOf(series, 'kafka_network_requestmetrics_requests_total', { broker: second }),
        undefined,
        'other domains are read',
      );
      assert.ok(proxy.seen.failed >= 2, 'the proxy failed the pattern and the bean');
    } finally {
      proxy.failing.clear();
    }
  });

  test(`${mode}: a slow agent counts as down for the cycle; the others are still served`, async () => {
    const second = String(bed.brokers[1]!.id);
    proxy.answerDelayMs = 5_000;
    try {
      const series = await waitForScrape(exporter.url, 'the slow agent down', (s) => valueOf(s, 'kafka_jmx_up', { broker: second }) === 0);
      for (const broker of [bed.brokers[0]!, bed.brokers[2]!]) {
        assert.equal(valueOf(series, 'kafka_jmx_up', { broker: String(broker.id) }), 1);
        assert.ok(sumOf(series, 'kafka_server_replicamanager_partitioncount', { broker: String(broker.id) }) > 0);
      }
      assert.equal(sumOf(series, 'kafka_server_replicamanager_partitioncount', { broker: second }), 0, 'a down agent has no series');
    } finally {
      proxy.answerDelayMs = 0;
    }
    await waitForScrape(exporter.url, 'the agent back', (s) => valueOf(s, 'kafka_jmx_up', { broker: second }) === 1);
  });

  test(`${mode}: a stopped broker: its kafka_jmx_up 0 under its id, the other brokers still served`, async () => {
    const stopped = bed.brokers[2]!;
    await stopBroker(bed, stopped.id);
    const series = await waitForScrape(
      exporter.url,
      `broker ${stopped.id} down`,
      (s) => valueOf(s, 'kafka_jmx_up', { broker: String(stopped.id) }) === 0,
    );
    assert.equal(valueOf(series, 'kafka_sonar_collector_up', { collector: 'jmx' }), 1, 'the collector as a whole is up');
    for (const broker of bed.brokers.slice(0, 2)) assert.equal(valueOf(series, 'kafka_jmx_up', { broker: String(broker.id) }), 1);
    await startAllBrokers(bed);
    await waitUntil(
      'the broker back',
      async () => valueOf((await scrape(exporter.url)).series, 'kafka_jmx_up', { broker: String(stopped.id) }) === 1,
      {
        timeoutMs: 120_000,
      },
    );
  });
}

/** Our labels as the JMX exporter has them: without the broker id we add, a rule's own broker label under its name. */
function withoutOurBrokerLabel(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { exported_broker: exported, broker: _, ...rest } = labels;
  return exported === undefined ? rest : { ...rest, broker: exported };
}
