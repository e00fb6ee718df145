import { ConfigError } from './errors.ts';
import { OPTION_BY_KEY } from './options.ts';
import { didYouMean } from './suggest.ts';

export interface ParsedArguments {
  /** Raw values per option key, in the order given (a repeated flag gives several). */
  readonly flags: Map<string, string[]>;
  readonly positionals: string[];
  readonly help: boolean;
  readonly version: boolean;
  readonly configFile: string | undefined;
  readonly configCheck: string | undefined;
}

const META_FLAGS = new Set(['help', 'version', 'config.file', 'config.check']);

/** Parses `--key=value`, `--key value` and bare boolean `--key` flags; `-h` is `--help`. */
export function parseArguments(argv: readonly string[]): ParsedArguments {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  let help = false;
  let version = false;
  let configFile: string | undefined;
  let configCheck: string | undefined;

  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    if (token === '-h') {
      help = true;
      continue;
    }
    if (token === '-' || !token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    if (token === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }

    const equals = token.indexOf('=');
    const key = token.slice(2, equals === -1 ? undefined : equals);
    let value = equals === -1 ? undefined : token.slice(equals + 1);
    const option = OPTION_BY_KEY.get(key);
    if (!option && !META_FLAGS.has(key)) {
      throw new ConfigError(`unknown flag --${key}${didYouMean(key)}: run kafka-sonar --help for the list of flags`);
    }
    const takesValue = key === 'config.file' || key === 'config.check' || (option !== undefined && option.type !== 'boolean');
    if (value === undefined && takesValue) {
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new ConfigError(`flag --${key} needs a value`);
      }
      value = next;
      index++;
    }
    if (key === 'help') help = true;
    else if (key === 'version') version = true;
    else if (key === 'config.file') configFile = value;
    else if (key === 'config.check') configCheck = value;
    else flags.set(key, [...(flags.get(key) ?? []), value ?? 'true']);
  }
  return { flags, positionals, help, version, configFile, configCheck };
}
