import type { HttpEndpoint } from '../../http/json-request.ts';
import { beanSamples, type JmxSample } from '../../jmx/bean-samples.ts';
import type { JmxRuleSet } from '../../jmx/jmx-rules.ts';
import { readMBeans } from '../../jmx/jolokia-client.ts';
import { objectNameMatcher, parseObjectName, type ObjectName } from '../../jmx/object-name.ts';
import type { AgentTarget } from './agent-targets.ts';

export interface AgentReading {
  readonly target: AgentTarget;
  /** From the target, or from the agent's kafka.server:type=app-info,id=N MBean. */
  readonly brokerId: string | undefined;
  readonly up: boolean;
  /** How long the agent took to answer (or to fail). */
  readonly seconds: number;
  readonly samples: readonly JmxSample[];
  readonly unmatched: number;
  readonly failures: readonly string[];
  /** Why the agent could not be read at all. */
  readonly error?: string;
}

const APP_INFO = 'kafka.server:type=app-info,id=*';

/** What a rule set reads: its object name patterns, and the filter over the MBeans they return. */
export interface BeanSelection {
  readonly patterns: readonly string[];
  readonly keep: (name: ObjectName) => boolean;
}

export function beanSelection(rules: JmxRuleSet): BeanSelection {
  const include = rules.includeObjectNames.map(objectNameMatcher);
  const exclude = rules.excludeObjectNames.map(objectNameMatcher);
  return {
    patterns: rules.includeObjectNames,
    keep: (name) => include.some((matches) => matches(name)) && !exclude.some((matches) => matches(name)),
  };
}

function brokerIdFrom(names: Iterable<string>): string | undefined {
  for (const name of names) {
    const parsed = parseObjectName(name);
    if (parsed?.domain !== 'kafka.server') continue;
    const keys = new Map(parsed.properties);
    if (keys.get('type') === 'app-info' && keys.has('id') && keys.size === 2) return keys.get('id');
  }
  return undefined;
}

/** One cycle of one agent: one bulk read (more only when a pattern fails as a whole), then the rules. */
export async function readAgent(
  endpoint: HttpEndpoint,
  target: AgentTarget,
  rules: JmxRuleSet,
  selection: BeanSelection,
  signal: AbortSignal,
): Promise<AgentReading> {
  const started = performance.now();
  const patterns = target.brokerId === undefined ? [...selection.patterns, APP_INFO] : selection.patterns;
  try {
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(endpoint.timeoutMs)]);
    const read = await readMBeans(endpoint, patterns, deadline).catch((error: Error) => {
      throw deadline.aborted && !signal.aborted ? new Error(`no answer within ${endpoint.timeoutMs} ms`) : error;
    });
    const seconds = (performance.now() - started) / 1000;
    const brokerId = target.brokerId ?? brokerIdFrom(read.beans.keys());
    for (const name of [...read.beans.keys()]) {
      const parsed = parseObjectName(name);
      if (!parsed || !selection.keep(parsed)) read.beans.delete(name);
    }
    const { samples, unmatched } = beanSamples(read.beans, rules);
    return { target, brokerId, up: true, seconds, samples, unmatched, failures: read.failures };
  } catch (error) {
    return {
      target,
      brokerId: target.brokerId,
      up: false,
      seconds: (performance.now() - started) / 1000,
      samples: [],
      unmatched: 0,
      failures: [],
      error: (error as Error).message,
    };
  }
}
