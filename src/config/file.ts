import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.ts';
import { OPTION_BY_KEY } from './options.ts';
import { didYouMean } from './suggest.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Flattens the YAML document into option keys. Nested maps and dotted keys may be mixed:
 * `kafka: {server: [...]}` and `kafka.server: [...]` mean the same.
 */
export function flattenConfigDocument(document: unknown, path: string): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (document === null || document === undefined) return values;
  if (!isPlainObject(document)) throw new ConfigError(`${path}: expected a YAML map of settings at the top level`);

  const visit = (node: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix + name;
      if (OPTION_BY_KEY.has(key)) {
        values.set(key, value);
        continue;
      }
      const isPrefix = [...OPTION_BY_KEY.keys()].some((candidate) => candidate.startsWith(key + '.'));
      if (isPrefix && isPlainObject(value)) {
        visit(value, key + '.');
        continue;
      }
      throw new ConfigError(`${path}: unknown key ${key}${didYouMean(key)}`);
    }
  };
  visit(document, '');
  return values;
}

export function readConfigFile(path: string): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ConfigError(`config file ${path}: ${reason}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return flattenConfigDocument(document, `config file ${path}`);
}
