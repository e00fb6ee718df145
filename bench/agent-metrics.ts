// The live agent's own counters, read from its /metrics, for the live benchmarks.
import type { Series } from '../test/support/scrape.ts';

export interface AgentCounters {
  cpuSeconds: number;
  packets: number;
  bytes: number;
  truncated: number;
  undecodablePackets: number;
  gaps: number;
  gapBytes: number;
  resyncs: number;
  undecodableFrames: number;
}

export function total(
  series: readonly Series[],
  name: string,
  filter: (labels: Readonly<Record<string, string>>) => boolean = () => true,
): number {
  let sum = 0;
  for (const entry of series) if (entry.name === name && filter(entry.labels)) sum += entry.value;
  return sum;
}

export function agentCounters(series: readonly Series[]): AgentCounters {
  return {
    cpuSeconds: total(series, 'process_cpu_seconds_total'),
    packets: total(series, 'kafka_sonar_capture_packets_total'),
    bytes: total(series, 'kafka_sonar_capture_bytes_total'),
    truncated: total(series, 'kafka_sonar_capture_truncated_packets_total'),
    undecodablePackets: total(series, 'kafka_sonar_capture_undecodable_packets_total'),
    gaps: total(series, 'kafka_sonar_sniffer_tcp_gaps_total'),
    gapBytes: total(series, 'kafka_sonar_sniffer_tcp_gap_bytes_total'),
    resyncs: total(series, 'kafka_sonar_sniffer_resyncs_total'),
    undecodableFrames: total(series, 'kafka_sonar_sniffer_undecodable_frames_total'),
  };
}

export function minus(after: AgentCounters, before: AgentCounters): AgentCounters {
  return Object.fromEntries(
    Object.entries(after).map(([key, value]) => [key, value - before[key as keyof AgentCounters]]),
  ) as unknown as AgentCounters;
}

/** What the capture and decoding lost in a step, one phrase per kind; empty when nothing was lost. */
export function captureLosses(delta: AgentCounters, dropped: number | undefined): string[] {
  const why: string[] = [];
  if (dropped !== undefined && dropped > 0) why.push(`${dropped} packets dropped before the agent read them`);
  if (delta.gaps > 0) why.push(`${delta.gaps} TCP gaps (${delta.gapBytes} B)`);
  if (delta.truncated > 0) why.push(`${delta.truncated} truncated packets`);
  if (delta.undecodablePackets > 0) why.push(`${delta.undecodablePackets} undecodable packets`);
  if (delta.resyncs > 0) why.push(`${delta.resyncs} resyncs`);
  if (delta.undecodableFrames > 0) why.push(`${delta.undecodableFrames} undecodable frames`);
  return why;
}

/** Packets libpcap says were lost before the agent read them; undefined when the agent does not report them. */
export function droppedPackets(series: readonly Series[]): number | undefined {
  const name = 'kafka_sonar_capture_dropped_packets_total';
  return series.some((entry) => entry.name === name) ? total(series, name) : undefined;
}

export interface ClientTotals {
  records: number;
  requests: number;
  produceRequests: number;
  unanswered: number;
}

/** What the agent counted for one client id: records produced, requests (all, Produce, unanswered). */
export function clientTotals(series: readonly Series[], clientId: string): ClientTotals {
  const ofClient = (labels: Readonly<Record<string, string>>): boolean => labels.client_id === clientId;
  return {
    records: total(series, 'kafka_client_produce_records_total', ofClient),
    requests: total(series, 'kafka_client_requests_total', ofClient),
    produceRequests: total(series, 'kafka_client_requests_total', (labels) => ofClient(labels) && labels.api === 'Produce'),
    unanswered: total(series, 'kafka_client_requests_total', (labels) => ofClient(labels) && labels.outcome === 'UNANSWERED'),
  };
}

export interface CountedBetween {
  readonly delta: AgentCounters;
  /** undefined when the agent does not report kernel drops. */
  readonly drops: number | undefined;
  readonly client: ClientTotals;
}

/** What the agent counted between two scrapes: its capture counters, the kernel's drops and one client's totals. */
export function countedBetween(before: readonly Series[], after: readonly Series[], clientId: string): CountedBetween {
  const dropsBefore = droppedPackets(before);
  const dropsAfter = droppedPackets(after);
  const clientBefore = clientTotals(before, clientId);
  const clientAfter = clientTotals(after, clientId);
  return {
    delta: minus(agentCounters(after), agentCounters(before)),
    drops: dropsAfter === undefined || dropsBefore === undefined ? undefined : dropsAfter - dropsBefore,
    client: {
      records: clientAfter.records - clientBefore.records,
      requests: clientAfter.requests - clientBefore.requests,
      produceRequests: clientAfter.produceRequests - clientBefore.produceRequests,
      unanswered: clientAfter.unanswered - clientBefore.unanswered,
    },
  };
}
