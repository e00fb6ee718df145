import { ClientAddressBook, type ClientAddressResolver } from '../../../src/agent/client-address-resolver.ts';
import { ClientMetrics } from '../../../src/agent/client-metrics.ts';
import { ConnectionDirectory } from '../../../src/agent/connection-directory.ts';
import type { PodDirectory } from '../../../src/agent/pod-directory.ts';
import type { Sample } from '../../../src/metrics/definition.ts';
import type { Snapshot } from '../../../src/metrics/series-store.ts';
import type { SnifferListener } from '../../../src/sniffer/events.ts';
import { fanOut } from '../../../src/sniffer/fan-out.ts';
import { sniffCapture } from '../../../src/sniffer/sniff-capture.ts';

export interface Agentlike {
  clients: ClientMetrics;
  connections: ConnectionDirectory;
}

export interface AgentSettings {
  maxClients?: number;
  maxSeries?: number;
  resolver?: ClientAddressResolver;
  pods?: PodDirectory;
  now?: () => number;
}

export function newAgentState(settings: AgentSettings = {}): Agentlike & { listener: SnifferListener } {
  const addresses = new ClientAddressBook(settings.resolver);
  const now = settings.now ?? Date.now;
  const clients = new ClientMetrics({
    addresses,
    maxClients: settings.maxClients ?? 1000,
    maxSeries: settings.maxSeries ?? 100_000,
    pods: settings.pods,
    now,
  });
  const connections = new ConnectionDirectory({ addresses, maxClosed: 1000, pods: settings.pods, now });
  const listeners: SnifferListener[] = [clients, connections];
  const listener = fanOut(listeners);
  return { clients, connections, listener };
}

export async function agentOnCapture(capture: string, settings: AgentSettings = {}): Promise<Agentlike> {
  const state = newAgentState(settings);
  await sniffCapture(capture, state.listener);
  return state;
}

/** Sums a metric's samples by the values of some of its labels. */
export function sumBy(snapshot: Snapshot, metric: string, ...labels: string[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const sample of (snapshot.series(metric) ?? []) as readonly Sample[]) {
    const key = labels.map((label) => sample.labels[label]).join(' ');
    sums.set(key, (sums.get(key) ?? 0) + sample.value);
  }
  return sums;
}
