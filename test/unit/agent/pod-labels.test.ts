// The Kubernetes pod of a client's (original) address labels kafka_client_info and /clients entries.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { matches } from '../../../src/agent/connection-directory.ts';
import type { PodDirectory, PodLabels } from '../../../src/agent/pod-directory.ts';
import { parseConnectionFilter } from '../../../src/api/client-views.ts';
import { clientMetrics } from '../../../src/metrics/catalogue/clients.ts';
import type { Sample } from '../../../src/metrics/definition.ts';
import { SNIFFER_FIXTURES } from '../sniffer/support/fixtures.ts';
import { agentOnCapture } from './support.ts';

const CAPTURE = join(SNIFFER_FIXTURES, 'kcat-kraft.pcap');

function fakePods(entries: Record<string, PodLabels>): PodDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    podByIp: (ip) => {
      asked.push(ip);
      return entries[ip];
    },
  };
}

const infoSamples = (snapshot: { series(name: string): Iterable<Sample> | undefined }) => [...(snapshot.series('kafka_client_info') ?? [])];

describe('pod and namespace labels', () => {
  it('label kafka_client_info with the pod of the original (NAT-resolved) client address', async () => {
    // The captured address is the node's; the pod is the one of the original address.
    const pods = fakePods({
      '10.1.2.3': { namespace: 'shop', pod: 'orders-7d9f' },
      '127.0.0.1': { namespace: 'kube-system', pod: 'node-proxy' },
    });
    const agent = await agentOnCapture(CAPTURE, { pods, resolver: { originalClient: () => ({ ip: '10.1.2.3', port: 40000 }) } });
    const info = infoSamples(agent.clients.snapshot());
    assert.ok(info.length > 0);
    for (const sample of info) {
      assert.equal(sample.labels['pod'], 'orders-7d9f');
      assert.equal(sample.labels['namespace'], 'shop');
      assert.equal(sample.labels['client_address'], '10.1.2.3');
    }
    assert.ok(pods.asked.includes('10.1.2.3'));
    assert.ok(!pods.asked.includes('127.0.0.1'), 'the captured (translated) address is not looked up');
  });

  it('are empty when the address has no known pod, or when the mapping is off', async () => {
    for (const settings of [{ pods: fakePods({ '10.9.9.9': { namespace: 'other', pod: 'x' } }) }, {}]) {
      const agent = await agentOnCapture(CAPTURE, settings);
      const info = infoSamples(agent.clients.snapshot());
      assert.ok(info.length > 0);
      for (const sample of info) assert.deepEqual([sample.labels['pod'], sample.labels['namespace']], ['', '']);
      for (const entry of agent.connections.entries()) assert.deepEqual([entry.pod, entry.namespace], ['', '']);
    }
  });

  it('follow the pod list: a pod learned later labels the next publication', async () => {
    const known: Record<string, PodLabels> = {};
    const agent = await agentOnCapture(CAPTURE, { pods: fakePods(known) });
    assert.equal(infoSamples(agent.clients.snapshot())[0]!.labels['pod'], '');
    known['127.0.0.1'] = { namespace: 'shop', pod: 'orders-1' };
    assert.equal(infoSamples(agent.clients.snapshot())[0]!.labels['pod'], 'orders-1');
    assert.equal(agent.connections.entries()[0]!.pod, 'orders-1');
  });

  it('stay off every other kafka_client_* family, to keep their cardinality', async () => {
    assert.deepEqual(
      clientMetrics.info.labels.filter((label) => label === 'pod' || label === 'namespace'),
      ['pod', 'namespace'],
    );
    for (const [name, definition] of Object.entries(clientMetrics)) {
      if (name === 'info') continue;
      assert.ok(
        !(definition.labels as readonly string[]).includes('pod') && !(definition.labels as readonly string[]).includes('namespace'),
        definition.name,
      );
    }
    const agent = await agentOnCapture(CAPTURE, { pods: fakePods({ '127.0.0.1': { namespace: 'shop', pod: 'orders-1' } }) });
    const snapshot = agent.clients.snapshot();
    for (const sample of [
      ...snapshot.series('kafka_client_connections')!,
      ...snapshot.series('kafka_client_requests_total')!,
    ] as Sample[]) {
      assert.ok(!('pod' in sample.labels) && !('namespace' in sample.labels));
    }
  });

  it('show in /clients entries, which filter by namespace and pod', async () => {
    const agent = await agentOnCapture(CAPTURE, { pods: fakePods({ '127.0.0.1': { namespace: 'shop', pod: 'orders-1' } }) });
    const all = agent.connections.entries();
    assert.ok(all.length > 0);
    for (const entry of all) assert.deepEqual([entry.namespace, entry.pod], ['shop', 'orders-1']);
    const filter = parseConnectionFilter({ namespace: 'shop', pod: 'orders-1' });
    assert.deepEqual(filter, { namespace: 'shop', pod: 'orders-1' });
    assert.equal(agent.connections.entries({ namespace: 'shop', pod: 'orders-1' }).length, all.length);
    assert.equal(agent.connections.entries({ namespace: 'other' }).length, 0);
    assert.equal(agent.connections.entries({ pod: 'orders-2' }).length, 0);
    assert.equal(matches({ ...all[0]!, pod: '', namespace: '' }, { namespace: 'shop' }), false);
  });
});
