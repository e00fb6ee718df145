/*
 * JMX object names as text (`domain:key=value,key2="quoted, value"`): the key properties in the order they
 * were registered, quoted values kept with their quotes, as the JMX exporter keeps them.
 */

export interface ObjectName {
  readonly domain: string;
  readonly properties: readonly (readonly [string, string])[];
}

// The JMX exporter's own reading of getKeyPropertyListString().
const PROPERTY = /([^,=:*?]+)=("(?:[^\\"]*(?:\\.)?)*"|[^,=:"]*)/g;

// An agent answers with the same names cycle after cycle: each is parsed once (the cache is emptied when it is full).
const parsedNames = new Map<string, ObjectName | undefined>();
const MAX_CACHED = 250_000;

export function parseObjectName(name: string): ObjectName | undefined {
  const known = parsedNames.get(name);
  if (known !== undefined || parsedNames.has(name)) return known;
  if (parsedNames.size >= MAX_CACHED) parsedNames.clear();
  const colon = name.indexOf(':');
  const result =
    colon < 0
      ? undefined
      : {
          domain: name.slice(0, colon),
          properties: [...name.slice(colon + 1).matchAll(PROPERTY)].map((match) => [match[1]!, match[2]!] as const),
        };
  parsedNames.set(name, result);
  return result;
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/** Whether an object name matches an object name pattern (`*`, `?` in the domain and values; a `*` key list allows more keys). */
export function objectNameMatcher(pattern: string): (name: ObjectName) => boolean {
  const parsed = parseObjectName(pattern);
  if (!parsed) throw new Error(`${JSON.stringify(pattern)} is not an object name pattern (domain:key=value,...)`);
  const domain = glob(parsed.domain);
  const keyList = pattern.slice(pattern.indexOf(':') + 1).split(',');
  const openList = keyList.includes('*');
  const wanted = parsed.properties.map(([key, value]) => [key, glob(value)] as const);
  return (name) => {
    if (!domain.test(name.domain)) return false;
    if (!openList && name.properties.length !== wanted.length) return false;
    return wanted.every(([key, value]) => name.properties.some(([k, v]) => k === key && value.test(v)));
  };
}
