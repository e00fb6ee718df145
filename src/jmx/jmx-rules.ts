import { parse as parseYaml } from 'yaml';
import { compileRulePattern, emptyMatch, expandReplacement, requiredLiterals } from './java-regex.ts';

/*
 * A rules file in the Prometheus JMX exporter's format (pattern, name, labels, help, type, value, valueFactor,
 * attrNameSnakeCase; lowercaseOutputName, lowercaseOutputLabelNames, includeObjectNames, excludeObjectNames),
 * read the way the JMX exporter reads it. `cache` is accepted and ignored: every cycle matches afresh.
 */

export type JmxRuleType = 'counter' | 'gauge' | 'untyped';

export interface JmxRule {
  /** Absent: the rule matches every attribute. */
  readonly pattern?: RegExp;
  /** Text every line the pattern matches holds (see requiredLiterals). */
  readonly literals: readonly string[];
  /** Absent: the default export format (domain_firstKeyValue_attribute, the other keys as labels). */
  readonly name?: string;
  /** Label name and value templates, in the order the JMX exporter applies them (sorted by name template). */
  readonly labels: readonly (readonly [string, string])[];
  readonly help?: string;
  readonly type: JmxRuleType;
  readonly value?: string;
  readonly valueFactor: number;
  readonly attrNameSnakeCase: boolean;
}

export interface JmxRuleSet {
  readonly lowercaseOutputName: boolean;
  readonly lowercaseOutputLabelNames: boolean;
  /** Object name patterns to read; the JMX exporter's default is every MBean. */
  readonly includeObjectNames: readonly string[];
  readonly excludeObjectNames: readonly string[];
  readonly rules: readonly JmxRule[];
}

export class JmxRulesError extends Error {
  override readonly name = 'JmxRulesError';
}

type YamlMap = Record<string, unknown>;

const isMap = (value: unknown): value is YamlMap => typeof value === 'object' && value !== null && !Array.isArray(value);

const TYPES: Record<string, JmxRuleType> = { COUNTER: 'counter', GAUGE: 'gauge', UNTYPED: 'untyped', UNKNOWN: 'untyped' };

function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function booleanAt(map: YamlMap, key: string, where: string): boolean {
  const value = map[key] ?? false;
  if (typeof value !== 'boolean') throw new JmxRulesError(`${where}: ${key} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function objectNames(map: YamlMap, key: string, legacyKey: string, where: string): string[] | undefined {
  const value = map[key] ?? map[legacyKey];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string' && name.includes(':'))) {
    throw new JmxRulesError(`${where}: ${key} must be a list of object name patterns like "kafka.server:*"`);
  }
  return value as string[];
}

/** Checks that each template names only groups the pattern has, so a typo fails at load rather than at each cycle. */
function checkTemplates(pattern: RegExp, templates: readonly string[], where: string): void {
  const match = emptyMatch(pattern);
  for (const template of templates) {
    try {
      expandReplacement(template, match);
    } catch (error) {
      throw new JmxRulesError(`${where}: ${(error as Error).message}`);
    }
  }
}

function parseRule(raw: unknown, where: string): JmxRule {
  if (!isMap(raw)) throw new JmxRulesError(`${where}: a rule is a map with pattern, name, labels, type...`);
  let pattern: RegExp | undefined;
  if (raw.pattern !== undefined) {
    try {
      pattern = compileRulePattern(text(raw.pattern));
    } catch (error) {
      throw new JmxRulesError(
        `${where}: pattern ${JSON.stringify(raw.pattern)} is not a valid regular expression: ${(error as Error).message}`,
      );
    }
  }
  const name = raw.name === undefined ? undefined : text(raw.name);
  const labelsRaw = raw.labels ?? {};
  if (!isMap(labelsRaw)) throw new JmxRulesError(`${where}: labels must be a map of label name to value`);
  if (name === undefined && (raw.labels !== undefined || raw.help !== undefined)) {
    throw new JmxRulesError(`${where}: a rule with labels or help needs a name`);
  }
  if (name !== undefined && pattern === undefined) throw new JmxRulesError(`${where}: a rule with a name needs a pattern`);
  const labels = Object.entries(labelsRaw)
    .map(([key, value]) => [key, text(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const typeName = raw.type === undefined ? 'UNTYPED' : text(raw.type).toUpperCase();
  const type = TYPES[typeName];
  if (type === undefined) throw new JmxRulesError(`${where}: type must be COUNTER, GAUGE or UNTYPED, got ${JSON.stringify(raw.type)}`);
  const valueFactor = raw.valueFactor === undefined ? 1 : Number(raw.valueFactor);
  if (!Number.isFinite(valueFactor)) throw new JmxRulesError(`${where}: valueFactor must be a number`);
  const help = raw.help === undefined ? undefined : text(raw.help);
  const value = raw.value === undefined ? undefined : text(raw.value);
  if (pattern) checkTemplates(pattern, [name ?? '', help ?? '', value ?? '', ...labels.flat()], where);
  return {
    ...(pattern ? { pattern } : {}),
    // The last literal (the attribute, usually) tells most lines apart: checked first.
    literals: pattern ? requiredLiterals(text(raw.pattern)).reverse() : [],
    ...(name === undefined ? {} : { name }),
    labels,
    ...(help === undefined ? {} : { help }),
    type,
    ...(value === undefined ? {} : { value }),
    valueFactor,
    attrNameSnakeCase: booleanAt(raw, 'attrNameSnakeCase', where),
  };
}

/** Parses a rules file; `source` names it in errors. */
export function parseJmxRules(yamlText: string, source: string): JmxRuleSet {
  let document: unknown;
  try {
    document = parseYaml(yamlText);
  } catch (error) {
    throw new JmxRulesError(`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const map = isMap(document) ? document : document === null || document === undefined ? {} : undefined;
  if (!map) throw new JmxRulesError(`${source}: expected a map with rules:, as the JMX exporter's configuration file`);
  const rulesRaw = map.rules;
  if (rulesRaw !== undefined && !Array.isArray(rulesRaw)) throw new JmxRulesError(`${source}: rules must be a list`);
  // Without a rules key the JMX exporter exports every attribute in its default format.
  const rules =
    rulesRaw === undefined
      ? [{ literals: [], labels: [], type: 'untyped' as const, valueFactor: 1, attrNameSnakeCase: false }]
      : rulesRaw.map((rule, index) => parseRule(rule, `${source}: rule ${index + 1}`));
  return {
    lowercaseOutputName: booleanAt(map, 'lowercaseOutputName', source),
    lowercaseOutputLabelNames: booleanAt(map, 'lowercaseOutputLabelNames', source),
    includeObjectNames: objectNames(map, 'includeObjectNames', 'whitelistObjectNames', source) ?? ['*:*'],
    excludeObjectNames: objectNames(map, 'excludeObjectNames', 'blacklistObjectNames', source) ?? [],
    rules,
  };
}
