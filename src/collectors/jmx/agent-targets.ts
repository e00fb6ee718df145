import type { Admin } from '@platformatic/kafka';

/** One broker's Jolokia agent; the broker id is known from the metadata, or learnt from the agent's app-info MBean. */
export interface AgentTarget {
  readonly url: string;
  readonly brokerId: string | undefined;
}

export const HOST_PLACEHOLDER = '{host}';

/** The agents of the cycle: the URLs as given, or the template filled with every broker of the metadata. */
export async function agentTargets(urls: readonly string[], admin: () => Admin): Promise<AgentTarget[]> {
  const [first] = urls;
  if (urls.length !== 1 || !first!.includes(HOST_PLACEHOLDER)) return urls.map((url) => ({ url, brokerId: undefined }));
  const cluster = await admin().metadata({ topics: [], forceUpdate: true });
  return [...cluster.brokers]
    .sort(([a], [b]) => a - b)
    .map(([id, broker]) => ({ url: first!.replaceAll(HOST_PLACEHOLDER, broker.host), brokerId: String(id) }));
}

/** host:port of an agent URL, for labels and logs (never its credentials or path). */
export function agentAddress(url: string): string {
  return new URL(url).host;
}
