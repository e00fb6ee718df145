// One page of the Kubernetes API's pod list (GET /api/v1/pods), read without trusting its shape: whatever
// is not where a pod list keeps it counts as absent.

import { canonicalIp } from './ip-text.ts';

export interface PodRef {
  readonly namespace: string;
  readonly pod: string;
}

export interface PodListPage {
  /** Each pod address (canonical text) with its pod: one object per pod, shared by its addresses. */
  readonly pods: ReadonlyArray<readonly [ip: string, pod: PodRef]>;
  readonly resourceVersion: string | undefined;
  /** The token of the next page; undefined on the last. */
  readonly continueToken: string | undefined;
}

type Json = Record<string, unknown>;

const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function parsePodListPage(page: unknown): PodListPage {
  const body = object(page);
  const metadata = object(body?.metadata);
  const pods: [string, PodRef][] = [];
  for (const entry of list(body?.items)) {
    const item = object(entry);
    const itemMetadata = object(item?.metadata);
    const namespace = text(itemMetadata?.namespace);
    const pod = text(itemMetadata?.name);
    // A host-network pod has its node's address, shared by every such pod: no answer is better than a wrong one.
    if (namespace === undefined || pod === undefined || object(item?.spec)?.hostNetwork === true) continue;
    const ref: PodRef = { namespace, pod };
    const status = object(item?.status);
    const addresses = [status?.podIP, ...list(status?.podIPs).map((address) => object(address)?.ip)];
    for (const address of addresses) {
      const canonical = typeof address === 'string' ? canonicalIp(address) : undefined;
      if (canonical !== undefined) pods.push([canonical, ref]);
    }
  }
  return { pods, resourceVersion: text(metadata?.resourceVersion), continueToken: text(metadata?.continue) || undefined };
}
