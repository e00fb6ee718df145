import type { HttpEndpoint } from '../../http/json-request.ts';
import { beanSamples, type JmxSample } from '../../jmx/bean-samples.ts';
import type { JmxRuleSet } from '../../jmx/jmx-rules.ts';
import { type MBeanAttributes, readMBeans } from '../../jmx/jolokia-client.ts';
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

/** A rules file with what it reads: its object name patterns, and the filter over the MBeans they return. */
export interface RuleSetSelection {
  readonly rules: JmxRuleSet;
  readonly patterns: readonly string[];
  readonly keep: (name: ObjectName) => boolean;
}

export function ruleSetSelection(rules: JmxRuleSet): RuleSetSelection {
  const include = rules.includeObjectNames.map(objectNameMatcher);
  const exclude = rules.excludeObjectNames.map(objectNameMatcher);
  return {
    rules,
    patterns: rules.includeObjectNames,
    keep: (name) => include.some((matches) => matches(name)) && !exclude.some((matches) => matches(name)),
  };
}

/** The MBeans each rules file names: every MBean goes to the first file that takes it, or to none. */
function beansBySet(beans: ReadonlyMap<string, MBeanAttributes>, sets: readonly RuleSetSelection[]): Map<string, MBeanAttributes>[] {
  const split = sets.map(() => new Map<string, MBeanAttributes>());
  for (const [name, attributes] of beans) {
    const parsed = parseObjectName(name);
    const index = parsed === undefined ? -1 : sets.findIndex((set) => set.keep(parsed));
    if (index >= 0) split[index]!.set(name, attributes);
  }
  return split;
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
  sets: readonly RuleSetSelection[],
  signal: AbortSignal,
): Promise<AgentReading> {
  const started = performance.now();
  const wanted = new Set(sets.flatMap((set) => set.patterns));
  if (target.brokerId === undefined) wanted.add(APP_INFO);
  const patterns = [...wanted];
  try {
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(endpoint.timeoutMs)]);
    const read = await readMBeans(endpoint, patterns, deadline).catch((error: Error) => {
      throw deadline.aborted && !signal.aborted ? new Error(`no answer within ${endpoint.timeoutMs} ms`) : error;
    });
    const seconds = (performance.now() - started) / 1000;
    const brokerId = target.brokerId ?? brokerIdFrom(read.beans.keys());
    const samples: JmxSample[] = [];
    let unmatched = 0;
    beansBySet(read.beans, sets).forEach((beans, index) => {
      const named = beanSamples(beans, sets[index]!.rules);
      samples.push(...named.samples);
      unmatched += named.unmatched;
    });
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
