// Which pod has an address: all the agent needs of the Kubernetes pod mapping (src/nat/kubernetes-pods.ts).

export interface PodLabels {
  readonly namespace: string;
  readonly pod: string;
}

export interface PodDirectory {
  /** The pod that has the address now; undefined when unknown. */
  podByIp(ip: string): PodLabels | undefined;
}

/** The mapping is off: no address has a pod. */
export const noPodDirectory: PodDirectory = { podByIp: () => undefined };

/** The pod and namespace labels of an address: empty strings when unknown. */
export function podLabelsOf(pods: PodDirectory, ip: string): PodLabels {
  const found = pods.podByIp(ip);
  return found === undefined ? { namespace: '', pod: '' } : { namespace: found.namespace, pod: found.pod };
}
