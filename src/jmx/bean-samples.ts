import { expandReplacement, safeName, snakeCase, withoutReservedSuffixes } from './java-regex.ts';
import type { JmxRule, JmxRuleSet, JmxRuleType } from './jmx-rules.ts';
import type { MBeanAttributes } from './jolokia-client.ts';
import { type ObjectName, parseObjectName } from './object-name.ts';

/*
 * MBean attributes to Prometheus samples by JMX exporter rules: each numeric (or boolean) attribute, and each
 * item of a composite one, is written as the JMX exporter writes it (`domain<k=v, k2=v2><composite>attribute:
 * value`) and named by the first rule whose pattern matches that line.
 */

export interface JmxSample {
  /** The name as exposed: a counter's ends in _total. */
  readonly name: string;
  readonly type: JmxRuleType;
  readonly help: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** What the rule matched, up to its value: the `_objectname` label that tells duplicates apart. */
  readonly objectName: string;
}

export interface BeanSamples {
  readonly samples: JmxSample[];
  /** Numeric attributes that no rule matched. */
  readonly unmatched: number;
}

interface Attribute {
  readonly bean: ObjectName;
  readonly beanName: string;
  readonly attrKeys: readonly string[];
  readonly attrName: string;
  readonly value: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Java's String.valueOf of the value as Jolokia sent it (a JSON number loses Java's long/double distinction). */
function valueText(value: unknown): string {
  return typeof value === 'number' && !Number.isInteger(value) ? String(value).replace(/e\+?/, 'E') : String(value);
}

function* attributesOf(bean: ObjectName, beanName: string, attrKeys: readonly string[], values: MBeanAttributes): Iterable<Attribute> {
  for (const [attrName, raw] of Object.entries(values)) {
    // Jolokia 2.6 and later send NaN and ±Infinity as null, and Kafka's metrics have many NaNs (an average of
    // nothing yet), which the JMX exporter exports as NaN; so a null becomes NaN (an infinity too, unavoidably).
    const value = raw === null ? Number.NaN : raw;
    if (Array.isArray(value)) continue;
    if (isRecord(value)) {
      // Jolokia's marker of an attribute it could not read, and ObjectName values, are no numbers.
      if (value['.error'] === true || 'objectName' in value) continue;
      const keys = [...attrKeys, attrName];
      yield* attributesOf(bean, beanName, keys, Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))));
      continue;
    }
    yield { bean, beanName: `${beanName}<${attrKeys.join(', ')}>`, attrKeys, attrName, value };
  }
}

function numericValue(value: unknown, factor: number): number | undefined {
  if (typeof value === 'number') return value * factor;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

function defaultHelp(attribute: Attribute): string {
  const property = (key: string) => attribute.bean.properties.find(([k]) => k === key)?.[1] ?? 'null';
  return `${attribute.bean.domain}:name=${property('name')},type=${property('type')},attribute=${attribute.attrName}`;
}

interface Named {
  name: string;
  labels: Record<string, string>;
  type: JmxRuleType;
  help: string;
}

/** The JMX exporter's default format, with the rule's type and the attribute name as the rule matched it. */
function defaultExport(attribute: Attribute, attrName: string, type: JmxRuleType, rules: JmxRuleSet): Named {
  const [first, ...rest] = attribute.bean.properties;
  let name = attribute.bean.domain + (first ? `_${first[1]}` : '');
  for (const key of attribute.attrKeys) name += `_${key}`;
  name = safeName(`${name}_${attrName}`);
  const labels: Record<string, string> = {};
  for (const [key, value] of rest) labels[rules.lowercaseOutputLabelNames ? safeName(key).toLowerCase() : safeName(key)] = value;
  return { name: rules.lowercaseOutputName ? name.toLowerCase() : name, labels, type, help: defaultHelp(attribute) };
}

type Outcome = { sample: Named & { value: number } } | 'dropped' | 'unmatched';

/** The line a rule matches, made once per attribute (and once more for rules that snake-case attribute names). */
class MatchLines {
  readonly #attribute: Attribute;
  readonly #valueText: string;
  #plain: string | undefined;
  #snake: string | undefined;

  constructor(attribute: Attribute) {
    this.#attribute = attribute;
    this.#valueText = valueText(attribute.value);
  }

  attrName(snake: boolean): string {
    return snake ? snakeCase(this.#attribute.attrName) : this.#attribute.attrName;
  }

  line(snake: boolean): string {
    if (snake) return (this.#snake ??= `${this.#attribute.beanName}${this.attrName(true)}: ${this.#valueText}`);
    return (this.#plain ??= `${this.#attribute.beanName}${this.#attribute.attrName}: ${this.#valueText}`);
  }
}

function apply(rule: JmxRule, attribute: Attribute, lines: MatchLines, rules: JmxRuleSet): Outcome | undefined {
  const line = lines.line(rule.attrNameSnakeCase);
  for (const literal of rule.literals) if (!line.includes(literal)) return undefined;
  // A rule without a pattern matches every line whole (its templates can only use $0).
  const match = rule.pattern ? rule.pattern.exec(line) : (Object.assign([line], { index: 0, input: line }) as unknown as RegExpExecArray);
  if (!match) return undefined;
  let value = attribute.value;
  // As the JMX exporter does, an empty value: is no value.
  if (rule.value !== undefined && rule.value !== '') {
    const text = expandReplacement(rule.value, match).trim();
    value = text === '' ? Number.NaN : Number(text.replace(/^([+-]?)Infinity$/, '$1Infinity'));
    if (Number.isNaN(value) && text !== 'NaN') return 'dropped';
  }
  if (rule.name === undefined) {
    const number = numericValue(value, rule.valueFactor);
    const attrName = lines.attrName(rule.attrNameSnakeCase);
    return number === undefined ? 'dropped' : { sample: { ...defaultExport(attribute, attrName, rule.type, rules), value: number } };
  }
  let name = safeName(expandReplacement(rule.name, match));
  if (name === '') return 'dropped';
  if (rules.lowercaseOutputName) name = name.toLowerCase();
  const labels: Record<string, string> = {};
  for (const [nameTemplate, valueTemplate] of rule.labels) {
    let labelName = safeName(expandReplacement(nameTemplate, match));
    const labelValue = expandReplacement(valueTemplate, match);
    if (rules.lowercaseOutputLabelNames) labelName = labelName.toLowerCase();
    if (labelName !== '' && labelValue !== '') labels[labelName] = labelValue;
  }
  const number = numericValue(value, rule.valueFactor);
  if (number === undefined) return 'dropped';
  const help = rule.help === undefined ? defaultHelp(attribute) : expandReplacement(rule.help, match);
  return { sample: { name, labels, type: rule.type, help, value: number } };
}

function exposedName(name: string, type: JmxRuleType): string {
  const base = withoutReservedSuffixes(name);
  return type === 'counter' ? `${base}_total` : base;
}

const beanLines = new WeakMap<ObjectName, string>();

/** `domain<key=value, key2=value2>`, as the JMX exporter writes an MBean (parsed names are cached, so this is too). */
function beanLine(bean: ObjectName): string {
  let line = beanLines.get(bean);
  if (line === undefined)
    beanLines.set(bean, (line = `${bean.domain}<${bean.properties.map(([key, value]) => `${key}=${value}`).join(', ')}>`));
  return line;
}

/** The samples the rules make of the MBeans read from one agent. */
export function beanSamples(beans: ReadonlyMap<string, MBeanAttributes>, rules: JmxRuleSet): BeanSamples {
  const samples: JmxSample[] = [];
  let unmatched = 0;
  for (const [objectName, values] of beans) {
    const bean = parseObjectName(objectName);
    if (!bean) continue;
    const beanName = beanLine(bean);
    for (const attribute of attributesOf(bean, beanName, [], values)) {
      let outcome: Outcome = 'unmatched';
      const lines = new MatchLines(attribute);
      for (const rule of rules.rules) {
        const applied = apply(rule, attribute, lines, rules);
        if (applied !== undefined) {
          outcome = applied;
          break;
        }
      }
      if (outcome === 'unmatched') {
        if (numericValue(attribute.value, 1) !== undefined) unmatched++;
      } else if (outcome !== 'dropped') {
        const { name, type, help, labels, value } = outcome.sample;
        if (type === 'counter' && value < 0) continue;
        samples.push({
          name: exposedName(name, type),
          type,
          help,
          labels,
          value,
          objectName: `${attribute.beanName}${attribute.attrName}`,
        });
      }
    }
  }
  return { samples: withObjectNameWhereAmbiguous(samples), unmatched };
}

function labelKey(labels: Readonly<Record<string, string>>): string {
  let key = '';
  for (const name of Object.keys(labels).sort()) key += `${name}\u0000${labels[name]}\u0001`;
  return key;
}

/**
 * As the JMX exporter does: when two series of a name have the same labels, every series of that name gets an
 * `_objectname` label saying which MBean attribute it came from; series still alike after that are left out.
 */
function withObjectNameWhereAmbiguous(samples: JmxSample[]): JmxSample[] {
  const byName = new Map<string, JmxSample[]>();
  for (const sample of samples) {
    const group = byName.get(sample.name);
    if (group) group.push(sample);
    else byName.set(sample.name, [sample]);
  }
  const out: JmxSample[] = [];
  for (const group of byName.values()) {
    const keys = new Set(group.map((sample) => labelKey(sample.labels)));
    if (keys.size === group.length) {
      out.push(...group);
      continue;
    }
    const seen = new Set<string>();
    for (const sample of group) {
      const labels = { ...sample.labels, _objectname: sample.objectName };
      const key = labelKey(labels);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...sample, labels });
    }
  }
  return out;
}
