import { parseArgs } from 'node:util';
import type { TestbedUpOptions } from './lifecycle.ts';

export type CliCommand =
  | { command: 'up'; options: TestbedUpOptions }
  | { command: 'down'; name?: string }
  | { command: 'status'; name?: string };

export const USAGE = `usage: npm run testbed -- <command> [options]
  up [--mode kraft|zk] [--brokers N] [--zookeepers N] [--registry] [--prometheus] [--authorizer] [--jolokia] [--name NAME]
      start (or reuse) an instance; prints one JSON line with its addresses
  down [--name NAME]     stop an instance (all instances without --name) and delete its data
  status [--name NAME]   one JSON line per instance with each program alive or not`;

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = 'UsageError';
  }
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${flag} needs a positive integer, got "${value}"`);
  return Number(value);
}

export function parseCliArgs(argv: string[]): CliCommand {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        mode: { type: 'string' },
        brokers: { type: 'string' },
        zookeepers: { type: 'string' },
        registry: { type: 'boolean' },
        prometheus: { type: 'boolean' },
        authorizer: { type: 'boolean' },
        jolokia: { type: 'boolean' },
        name: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { mode, brokers, zookeepers, registry, prometheus, authorizer, jolokia, name } = parsed.values;
  const nameOnly = name === undefined ? {} : { name };
  switch (command) {
    case 'up': {
      if (mode !== undefined && mode !== 'kraft' && mode !== 'zk') throw new UsageError(`--mode is kraft or zk, got "${mode}"`);
      const brokerCount = positiveInteger('brokers', brokers);
      const zookeeperCount = positiveInteger('zookeepers', zookeepers);
      if (zookeeperCount !== undefined && mode !== 'zk') throw new UsageError('--zookeepers needs --mode zk');
      return {
        command,
        options: {
          ...(mode === undefined ? {} : { mode }),
          ...(brokerCount === undefined ? {} : { brokers: brokerCount }),
          ...(zookeeperCount === undefined ? {} : { zookeepers: zookeeperCount }),
          registry: registry ?? false,
          prometheus: prometheus ?? false,
          ...(authorizer ? { authorizer: true } : {}),
          ...(jolokia ? { jolokia: true } : {}),
          ...nameOnly,
        },
      };
    }
    case 'down':
    case 'status': {
      const extra = Object.keys(parsed.values).filter((key) => key !== 'name');
      if (extra.length > 0) throw new UsageError(`${command} takes only --name (got --${extra.join(', --')})`);
      return { command, ...nameOnly };
    }
    default:
      throw new UsageError(command === undefined ? 'missing command' : `unknown command "${command}"`);
  }
}
