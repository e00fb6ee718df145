// The live agent where the address translation happens: a real Kafka client in a "client" network
// namespace reaches a 1-broker test bed in the root namespace through a "router" namespace that
// forwards and masquerades, so the broker sees the router's address. The real exporter runs in the
// router namespace, captures on the router's broker-facing interface (after the translation) and
// reads that namespace's conntrack table. /clients shows the connections as captured (from the
// router); the kafka_client_* series of what the client did once its connection is in the table it
// read carry the client's original address, not the router's.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { endOffsets } from '../fixtures/sniffer/record/offsets.ts';
import type { ExporterProcess } from '../support/exporter-process.ts';
import { createTopic } from '../support/kafka-clients.ts';
import { NetnsLab, type Netns } from '../support/netns.ts';
import { scrapeUntil, valueOf, waitForScrape, type Series } from '../support/scrape.ts';
import { delay, waitUntil } from '../support/wait.ts';
import { testbedDown, testbedUp, uniqueName, type Testbed } from '../testbed/index.ts';
import { startExporterInNamespace } from './support/netns-exporter.ts';
import type { PacedProducerOptions } from './support/ns-paced-producer.ts';

const PACED_PRODUCER = fileURLToPath(new URL('./support/ns-paced-producer.ts', import.meta.url));
/** Two /24s of 10.203.0.0/16, away from the fixed ones of netns.ts and from sniffer-veth's. */
const CLIENT_NET = `10.203.${20 + (process.pid % 40)}`;
const BROKER_NET = `10.203.${60 + (process.pid % 40)}`;
const CLIENT = `${CLIENT_NET}.2`;
const ROUTER_CLIENT_SIDE = `${CLIENT_NET}.1`;
const ROUTER_BROKER_SIDE = `${BROKER_NET}.1`;
const BROKER_HOST = `${BROKER_NET}.2`;
const BED_NAME = `sniff-nat-${process.pid.toString(36)}`;
const CLIENT_ID = 'nat-kafkajs-producer';
const EXPORTER_PORT = 9870;
/** ConntrackTable's least time between two reads of the table (its default). */
const CONNTRACK_REFRESH_MS = 5_000;
const KERNEL_CONNTRACK_FILE = '/proc/net/nf_conntrack';

interface ClientsEntry {
  client: string;
  originalClient?: string;
  clientAddress: string;
  broker: string;
  clientId: string | null;
  recordsProduced: number;
  topics: string[];
}

function of(series: readonly Series[], name: string, labels: Record<string, string>): Series[] {
  return series.filter((entry) => entry.name === name && Object.entries(labels).every(([key, value]) => entry.labels[key] === value));
}

describe('live capture on a masquerading router: clients resolved to their original address from conntrack', () => {
  let lab: NetnsLab | undefined;
  let client: Netns;
  let router: Netns;
  let bed: Testbed | undefined;
  let exporter: ExporterProcess | undefined;
  let routerOut = '';
  const topic = uniqueName('sniff-nat');
  const warmupTopic = uniqueName('sniff-nat-warmup');
  let produced = 0;
  let delta = 0;
  let warmupDelta = 0;
  let conntrackLines: string[] = [];
  // The exporter reads the table through a link the fault test removes; without the conntrack tool on
  // its PATH there is no fallback, so the table is then really unreadable.
  const linkDir = mkdtempSync(join(tmpdir(), 'sonar-nat-conntrack-'));
  const conntrackLink = join(linkDir, 'nf_conntrack');
  symlinkSync(KERNEL_CONNTRACK_FILE, conntrackLink);

  before(async () => {
    lab = await NetnsLab.create();
    client = await lab.namespace('client');
    router = await lab.namespace('router');
    await lab.link(client, [`${CLIENT}/24`], router, [`${ROUTER_CLIENT_SIDE}/24`]);
    const toBroker = await lab.linkToRoot([`${BROKER_HOST}/24`], router, [`${ROUTER_BROKER_SIDE}/24`]);
    routerOut = toBroker.bInterface;
    await lab.defaultRoute(client, ROUTER_CLIENT_SIDE);
    await lab.enableForwarding(router);
    await lab.nat(router, { masqueradeOut: routerOut });

    bed = await testbedUp({ mode: 'kraft', brokers: 1, name: BED_NAME, listenHost: BROKER_HOST });
    assert.equal(bed.bootstrapServers, `${BROKER_HOST}:${bed.brokers[0]!.port}`);
    const port = bed.brokers[0]!.port;
    await createTopic(bed.bootstrapServers, topic, 2, 1);
    await createTopic(bed.bootstrapServers, warmupTopic, 1, 1);

    exporter = await startExporterInNamespace(
      router.name,
      { host: ROUTER_BROKER_SIDE, port: EXPORTER_PORT },
      [
        `--sniff.interface=${routerOut}`,
        `--sniff.broker-ports=${port}`,
        '--sniff.conntrack=on',
        `--sniff.conntrack-file=${conntrackLink}`,
        '--log.format=logfmt',
      ],
      { PATH: '/usr/bin:/bin' },
    );
    await waitForScrape(
      exporter.url,
      'capture up',
      (series) => series.some((entry) => entry.name === 'kafka_sonar_capture_up' && entry.value === 1),
      10_000,
    );

    const before = await endOffsets(bed.bootstrapServers, { [topic]: 2, [warmupTopic]: 1 });
    const options: PacedProducerOptions = {
      bootstrap: bed.bootstrapServers,
      clientId: CLIENT_ID,
      warmupTopic,
      warmup: 5,
      topic,
      count: 240,
      size: 700,
      batch: 16,
    };
    const producer = client.spawn(process.execPath, [PACED_PRODUCER, JSON.stringify(options)]);
    let stderr = '';
    producer.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => producer.once('exit', (code) => resolve(code)));
    const lines = createInterface({ input: producer.stdout! })[Symbol.asyncIterator]();
    const next = async (what: string): Promise<Record<string, unknown>> => {
      const line = await lines.next();
      if (line.done) throw new Error(`the producer ended before ${what}: exit ${await exited}: ${stderr}`);
      return JSON.parse(line.value) as Record<string, unknown>;
    };
    assert.deepEqual(await next('its warm-up'), { phase: 'ready' });
    // The producer's connections are open. The agent reads the conntrack table when a lookup misses,
    // at most once per CONNTRACK_REFRESH_MS: the first read came with the producer's first connection,
    // its other connection was opened just after. Once the interval has passed, another client behind
    // the router (kcat asking for metadata) misses, and the read it starts finds the producer's connections too.
    await delay(CONNTRACK_REFRESH_MS + 500);
    await client.exec('kcat', ['-L', '-b', bed.bootstrapServers, '-t', warmupTopic, '-X', 'client.id=nat-kcat-metadata']);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    conntrackLines = (await router.exec('conntrack', ['-L', '-p', 'tcp', '--dport', String(port)])).stdout
      .split('\n')
      .filter((line) => line.includes('ESTABLISHED'));
    producer.stdin!.write('go\n');
    produced = (await next('the measured records'))['produced'] as number;
    assert.equal(await exited, 0, stderr);
    const afterOffsets = await endOffsets(bed.bootstrapServers, { [topic]: 2, [warmupTopic]: 1 });
    delta = afterOffsets[topic]! - before[topic]!;
    warmupDelta = afterOffsets[warmupTopic]! - before[warmupTopic]!;
  });

  after(async () => {
    const stopped = await exporter?.stop();
    if (stopped !== undefined && stopped.code !== 0) console.error(exporter!.stderr());
    await lab?.destroy();
    await testbedDown({ name: BED_NAME });
    rmSync(linkDir, { recursive: true, force: true });
  });

  it("the router really translated: conntrack has the client's connections to the broker with the router as reply destination", () => {
    const port = bed!.brokers[0]!.port;
    const translated = conntrackLines.filter(
      (line) =>
        line.includes(`src=${CLIENT} dst=${BROKER_HOST} `) &&
        line.includes(`dport=${port} `) &&
        line.includes(`src=${BROKER_HOST} dst=${ROUTER_BROKER_SIDE} sport=${port} `),
    );
    assert.ok(translated.length >= 1, `masqueraded connections of ${CLIENT} in the router's table:\n${conntrackLines.join('\n')}`);
    assert.equal(produced, 240, 'the producer says it produced every record');
    assert.equal(delta, produced, 'end offsets agree with the producer');
    assert.equal(warmupDelta, 5, 'the warm-up records');
  });

  it("/clients lists the producer's connections as the broker sees them, from the router, and as the client made them, with every record produced", async () => {
    // The capture may still be decoding the last requests when the producer reports them done.
    let seen: ClientsEntry[] = [];
    const connections = await waitUntil(
      `/clients to count the ${warmupDelta + delta} records of ${CLIENT_ID}`,
      async () => {
        const response = await fetch(`${exporter!.url}/clients?client_id=${CLIENT_ID}`);
        assert.equal(response.status, 200);
        seen = ((await response.json()) as { connections: ClientsEntry[] }).connections;
        return seen.reduce((sum, entry) => sum + entry.recordsProduced, 0) >= warmupDelta + delta ? seen : undefined;
      },
      { timeoutMs: 15_000, lastSeen: () => JSON.stringify(seen, null, 1) },
    );
    const diagnostics = JSON.stringify(connections, null, 1);
    assert.ok(connections.length >= 1, `connections of ${CLIENT_ID}: ${diagnostics}`);
    for (const entry of connections) {
      assert.match(
        entry.client,
        new RegExp(`^${ROUTER_BROKER_SIDE.replaceAll('.', '\\.')}:\\d+$`),
        `captured after the NAT: ${diagnostics}`,
      );
      assert.equal(entry.broker, bed!.bootstrapServers, diagnostics);
    }
    assert.equal(
      connections.reduce((sum, entry) => sum + entry.recordsProduced, 0),
      warmupDelta + delta,
      `records of both phases: ${diagnostics}`,
    );
    assert.deepEqual([...new Set(connections.flatMap((entry) => entry.topics))].sort(), [topic, warmupTopic].sort(), diagnostics);
    for (const entry of connections) {
      assert.match(
        entry.originalClient ?? '',
        new RegExp(`^${CLIENT.replaceAll('.', '\\.')}:\\d+$`),
        `the client's own address, from conntrack: ${diagnostics}`,
      );
      assert.equal(entry.clientAddress, CLIENT, diagnostics);
    }
  });

  it("labels the producer's records and info with the original client address, with the exact record count", async () => {
    const series = await waitForScrape(
      exporter!.url,
      'records under the original address',
      (all) =>
        of(all, 'kafka_client_produce_records_total', { client_id: CLIENT_ID, topic }).reduce((sum, entry) => sum + entry.value, 0) ===
        delta,
      15_000,
      /kafka_client_(produce_records_total|info)/,
    );
    const records = of(series, 'kafka_client_produce_records_total', { client_id: CLIENT_ID, topic });
    assert.deepEqual(
      records.map((entry) => [entry.labels.client_address, entry.value]),
      [[CLIENT, delta]],
      "every record under the client's own address",
    );
    const info = of(series, 'kafka_client_info', { client_id: CLIENT_ID, client_address: CLIENT });
    assert.equal(info.length, 1, `kafka_client_info of ${CLIENT_ID} at ${CLIENT}`);
    assert.equal(info[0]!.labels.role, 'producer');
    const underRouter = series.filter(
      (entry) =>
        entry.name.startsWith('kafka_client_') &&
        entry.labels.client_id === CLIENT_ID &&
        entry.labels.client_address === ROUTER_BROKER_SIDE,
    );
    assert.deepEqual(
      underRouter.map((entry) => entry.name),
      [],
      'no request of the client counted under the NAT address, not even its first ones',
    );
  });

  // The table is read when a connection's lookup misses: long-lived consumers keep asking, as the
  // clients of a busy cluster do, and their later requests carry the address the last read gave.
  it('the conntrack table unreadable mid-run: source up 0 and one line, what was resolved stays; readable again: up 1 and new clients resolved, by itself', async () => {
    const url = exporter!.url;
    const relevant = /^kafka_client_requests_total\{.*nat-kcat-|^kafka_sonar_client_address_source_up/;
    const conntrackUp = (series: readonly Series[]) => valueOf(series, 'kafka_sonar_client_address_source_up', { source: 'conntrack' });
    const addressesOf = (series: readonly Series[], clientId: string) =>
      new Set(
        series
          .filter((entry) => entry.name === 'kafka_client_requests_total' && entry.labels.client_id === clientId)
          .map((entry) => entry.labels.client_address),
      );
    const consumer = (clientId: string) =>
      client.spawn('kcat', ['-C', '-b', bed!.bootstrapServers, '-t', warmupTopic, '-o', 'end', '-q', '-X', `client.id=${clientId}`], {
        stdio: 'ignore',
      });
    assert.equal(conntrackUp((await scrapeUntil(url, 'conntrack read', (series) => conntrackUp(series) !== undefined)).series), 1);

    rmSync(conntrackLink);
    const duringFault = consumer('nat-kcat-during-fault');
    let down: Series[];
    try {
      ({ series: down } = await scrapeUntil(
        url,
        'the conntrack source down and the consumer counted',
        (series) => conntrackUp(series) === 0 && addressesOf(series, 'nat-kcat-during-fault').size > 0,
        { relevant },
      ));
    } finally {
      duringFault.kill();
    }
    assert.deepEqual(
      [...addressesOf(down, 'nat-kcat-during-fault')],
      [ROUTER_BROKER_SIDE],
      'a client that came while the table was unreadable is counted under the address the broker sees',
    );
    assert.deepEqual(
      of(down, 'kafka_client_produce_records_total', { client_id: CLIENT_ID, topic }).map((entry) => [
        entry.labels.client_address,
        entry.value,
      ]),
      [[CLIENT, delta]],
      'what was resolved before the fault is kept',
    );
    const unavailableLines = exporter!
      .stderr()
      .split('\n')
      .filter((line) => line.includes('conntrack table unavailable'));
    assert.equal(unavailableLines.length, 1, exporter!.stderr());
    assert.match(unavailableLines[0]!, /nf_conntrack is missing.*the conntrack tool \(conntrack\) is not installed/);

    symlinkSync(KERNEL_CONNTRACK_FILE, conntrackLink);
    const recovered = await scrapeUntil(url, 'the conntrack source up again', (series) => conntrackUp(series) === 1, { relevant });
    assert.match(exporter!.stderr(), /conntrack table readable again/);
    const afterFault = consumer('nat-kcat-after-fault');
    try {
      await scrapeUntil(
        url,
        'the consumer after the fault under its own address',
        (series) => addressesOf(series, 'nat-kcat-after-fault').has(CLIENT),
        { relevant },
      );
    } finally {
      afterFault.kill();
    }
    console.log(`conntrack source up again ${(recovered.milliseconds / 1000).toFixed(1)} s after the table was readable again`);
  });
});
