// Pod IP -> namespace and pod name, from the Kubernetes API with the pod's own service account
// (needs RBAC: list pods, cluster-wide). Outside a cluster it stays disabled and says why.

import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { canonicalIp } from './ip-text.ts';
import { parsePodListPage, type PodRef } from './pod-list.ts';

export type { PodRef } from './pod-list.ts';

export type KubernetesPodsStatus =
  | { readonly state: 'disabled'; readonly reason: string }
  | { readonly state: 'not-read' }
  | { readonly state: 'ready'; readonly pods: number; readonly resourceVersion: string | undefined; readonly refreshedAtMs: number }
  /** The last list failed; the pods of the last successful list are still served. */
  | { readonly state: 'failed'; readonly reason: string; readonly pods: number };

export interface KubernetesPodsOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly serviceAccountDir?: string;
  readonly pageSize?: number;
  readonly refreshIntervalMs?: number;
  readonly timeoutMs?: number;
  /** Called when a list fails with a reason different from the last failure's (to log one line). */
  readonly onFailure?: (reason: string) => void;
  /** Called when a list works again after failing. */
  readonly onRecovered?: () => void;
  readonly now?: () => number;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

class ApiError extends Error {
  readonly statusCode: number | undefined;

  constructor(message: string, statusCode?: number) {
    super(message);
    this.statusCode = statusCode;
  }
}

export class KubernetesPods {
  readonly #host: string | undefined;
  readonly #port: number;
  readonly #dir: string;
  readonly #pageSize: number;
  readonly #refreshIntervalMs: number;
  readonly #timeoutMs: number;
  readonly #onFailure: (reason: string) => void;
  readonly #onRecovered: () => void;
  readonly #now: () => number;
  #byIp = new Map<string, PodRef>();
  #status: KubernetesPodsStatus;
  #lastFailure: string | undefined;
  #inFlight: Promise<KubernetesPodsStatus> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: KubernetesPodsOptions = {}) {
    const env = options.env ?? process.env;
    this.#host = env['KUBERNETES_SERVICE_HOST'] || undefined;
    this.#port = Number(env['KUBERNETES_SERVICE_PORT'] || 443);
    this.#dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    this.#pageSize = options.pageSize ?? 500;
    this.#refreshIntervalMs = options.refreshIntervalMs ?? 60_000;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#onFailure = options.onFailure ?? (() => {});
    this.#onRecovered = options.onRecovered ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#status =
      this.#host === undefined
        ? { state: 'disabled', reason: 'not in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set)' }
        : { state: 'not-read' };
  }

  podByIp(ip: string): PodRef | undefined {
    return this.#byIp.get(canonicalIp(ip) ?? ip);
  }

  status(): KubernetesPodsStatus {
    return this.#status;
  }

  /** Whether the last list worked; undefined before the first. */
  up(): boolean | undefined {
    const { state } = this.#status;
    return state === 'ready' ? true : state === 'failed' ? false : undefined;
  }

  /** Lists the pods now and every refresh interval after, until stop(). */
  start(): void {
    if (this.#status.state === 'disabled' || this.#timer !== undefined) return;
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#refreshIntervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  refresh(): Promise<KubernetesPodsStatus> {
    if (this.#status.state === 'disabled') return Promise.resolve(this.#status);
    this.#inFlight ??= this.#list().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #list(): Promise<KubernetesPodsStatus> {
    try {
      // Read at every list: the kubelet rotates the projected token.
      const token = await readFile(join(this.#dir, 'token'), 'utf8').catch((error: Error) => {
        throw new ApiError(`no service account token: ${error.message}`);
      });
      const ca = await readFile(join(this.#dir, 'ca.crt')).catch((error: Error) => {
        throw new ApiError(`no service account CA: ${error.message}`);
      });
      let listed: { byIp: Map<string, PodRef>; resourceVersion: string | undefined };
      try {
        listed = await this.#allPages(token.trim(), ca);
      } catch (error) {
        // 410 Gone: the continue token expired between two pages; start the list again, once.
        if (!(error instanceof ApiError) || error.statusCode !== 410) throw error;
        listed = await this.#allPages(token.trim(), ca);
      }
      this.#byIp = listed.byIp;
      if (this.#lastFailure !== undefined) this.#onRecovered();
      this.#lastFailure = undefined;
      this.#status = {
        state: 'ready',
        pods: new Set(listed.byIp.values()).size,
        resourceVersion: listed.resourceVersion,
        refreshedAtMs: this.#now(),
      };
    } catch (error) {
      const reason = (error as Error).message;
      if (reason !== this.#lastFailure) this.#onFailure(reason);
      this.#lastFailure = reason;
      this.#status = { state: 'failed', reason, pods: new Set(this.#byIp.values()).size };
    }
    return this.#status;
  }

  async #allPages(token: string, ca: Buffer): Promise<{ byIp: Map<string, PodRef>; resourceVersion: string | undefined }> {
    const byIp = new Map<string, PodRef>();
    let resourceVersion: string | undefined;
    let next: string | undefined;
    do {
      const query = new URLSearchParams({ fieldSelector: 'status.phase=Running', limit: String(this.#pageSize) });
      if (next !== undefined) query.set('continue', next);
      const page = parsePodListPage(await this.#get(`/api/v1/pods?${query}`, token, ca));
      resourceVersion ??= page.resourceVersion;
      for (const [ip, ref] of page.pods) byIp.set(ip, ref);
      next = page.continueToken;
    } while (next !== undefined);
    return { byIp, resourceVersion };
  }

  #get(path: string, token: string, ca: Buffer): Promise<unknown> {
    const host = this.#host!;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host,
          port: this.#port,
          path,
          ca,
          method: 'GET',
          timeout: this.#timeoutMs,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status === 200) {
              try {
                resolve(JSON.parse(body) as unknown);
              } catch (error) {
                reject(new ApiError(`GET ${path}: the response is not JSON: ${(error as Error).message}`));
              }
              return;
            }
            const hint =
              status === 401
                ? ' (the service account token was refused)'
                : status === 403
                  ? ' (the service account needs RBAC permission to list pods in all namespaces)'
                  : '';
            reject(new ApiError(`GET ${path}: HTTP ${status}${hint}: ${body.slice(0, 300)}`, status));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)));
      req.on('error', (error) => reject(new ApiError(`GET https://${host}:${this.#port}${path}: ${error.message}`)));
      req.end();
    });
  }
}
