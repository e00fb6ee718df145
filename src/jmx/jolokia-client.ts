import { type HttpEndpoint, requestJson } from '../http/json-request.ts';

/*
 * Reads MBeans through a Jolokia agent (JMX over HTTP): one bulk POST of read requests, one per MBean pattern.
 * A pattern whose read fails as a whole (an older agent fails a read on a single unserialisable attribute,
 * a broken MBean throws) is read again bean by bean, so one bad MBean costs only itself.
 */

/** Attribute values of one MBean, keyed by attribute name, as Jolokia serialises them. */
export type MBeanAttributes = Readonly<Record<string, unknown>>;

export interface MBeanReadResult {
  /** Every MBean read, by its name as registered (key properties in their original order). */
  readonly beans: Map<string, MBeanAttributes>;
  /** Patterns or MBeans that could not be read, with the agent's reason. */
  readonly failures: readonly string[];
  /** HTTP requests it took (1 unless a pattern had to be read bean by bean). */
  readonly requests: number;
}

interface JolokiaResponse {
  readonly status?: unknown;
  readonly value?: unknown;
  readonly error?: unknown;
}

// canonicalNaming=false keeps the key properties in the order the MBean was registered with, as the JMX
// exporter matches them; ignoreErrors leaves out attributes that cannot be read instead of failing the bean.
const PROCESSING = { canonicalNaming: false, ignoreErrors: true };
const NOT_FOUND = 404;

export function isObjectNamePattern(name: string): boolean {
  return /[*?]/.test(name);
}

/** One bulk POST of `type` requests, one per MBean name or pattern; the responses in the same order. */
async function bulk(
  endpoint: HttpEndpoint,
  type: 'read' | 'search',
  mbeans: readonly string[],
  signal: AbortSignal,
): Promise<JolokiaResponse[]> {
  const requests = mbeans.map((mbean) => ({ type, mbean, config: PROCESSING }));
  const answer = await requestJson(
    endpoint,
    { method: 'POST', path: '/?canonicalNaming=false&ignoreErrors=true', accept: 'application/json', body: requests },
    signal,
  );
  if (answer.status !== 200)
    throw new Error(`${answer.where}: HTTP ${answer.status}${answer.text ? `: ${answer.text.slice(0, 200)}` : ''}`);
  if (!Array.isArray(answer.json) || answer.json.length !== requests.length) {
    throw new Error(`${answer.where}: not a Jolokia bulk answer (expected a JSON array of ${requests.length} responses)`);
  }
  return answer.json as JolokiaResponse[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function failureOf(what: string, response: JolokiaResponse): string {
  return `${what}: ${typeof response.error === 'string' ? response.error : `status ${String(response.status)}`}`;
}

/** Reads every MBean matching the patterns (object names with or without wildcards). */
export async function readMBeans(endpoint: HttpEndpoint, patterns: readonly string[], signal: AbortSignal): Promise<MBeanReadResult> {
  const beans = new Map<string, MBeanAttributes>();
  const failures: string[] = [];
  const failedPatterns: string[] = [];
  const responses = await bulk(endpoint, 'read', patterns, signal);
  responses.forEach((response, index) => {
    const pattern = patterns[index]!;
    if (response.status === NOT_FOUND) return;
    if (response.status !== 200 || !isRecord(response.value)) {
      if (isObjectNamePattern(pattern)) failedPatterns.push(pattern);
      else failures.push(failureOf(pattern, response));
      return;
    }
    if (!isObjectNamePattern(pattern)) beans.set(pattern, response.value);
    else for (const [name, attributes] of Object.entries(response.value)) if (isRecord(attributes)) beans.set(name, attributes);
  });
  if (failedPatterns.length === 0) return { beans, failures, requests: 1 };

  const searches = await bulk(endpoint, 'search', failedPatterns, signal);
  const names: string[] = [];
  searches.forEach((response, index) => {
    if (response.status === 200 && Array.isArray(response.value)) names.push(...response.value.filter((name) => typeof name === 'string'));
    else failures.push(failureOf(failedPatterns[index]!, response));
  });
  if (names.length === 0) return { beans, failures, requests: 2 };
  const reads = await bulk(endpoint, 'read', names, signal);
  reads.forEach((response, index) => {
    const name = names[index]!;
    if (response.status === 200 && isRecord(response.value)) beans.set(name, response.value);
    else if (response.status !== NOT_FOUND) failures.push(failureOf(name, response));
  });
  return { beans, failures, requests: 3 };
}
