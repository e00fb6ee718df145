import { describeConfigsV4, incrementalAlterConfigsV1, type Connection } from '@platformatic/kafka';
import { AdminError } from './admin-error.ts';
import type { ClusterGateway } from './cluster-gateway.ts';

/** Whose configs: a topic, one broker, or the cluster-wide broker defaults. */
export type ConfigTarget =
  | { readonly kind: 'topic'; readonly topic: string }
  | { readonly kind: 'broker'; readonly brokerId: number }
  | { readonly kind: 'cluster' };

export type ConfigSource =
  | 'UNKNOWN'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'CLIENT_METRICS_CONFIG'
  | 'GROUP_CONFIG';

const SOURCES: readonly ConfigSource[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];

export interface ConfigEntry {
  readonly name: string;
  /** null for sensitive values, which are never shown. */
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
  readonly isDefault: boolean;
  readonly source: ConfigSource;
  readonly synonyms: readonly { readonly name: string; readonly value: string | null; readonly source: ConfigSource }[];
}

export interface ConfigChange {
  readonly name: string;
  /** SET gives it a dynamic value; DELETE removes the dynamic value, so the default applies again. */
  readonly operation: 'SET' | 'DELETE';
  readonly value?: string;
}

/** A config's value before and after a change (null: no value shown, because sensitive or removed). */
export interface ConfigDelta {
  readonly name: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly operation: 'SET' | 'DELETE';
}

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;

function resourceOf(target: ConfigTarget): { resourceType: 2 | 4; resourceName: string } {
  switch (target.kind) {
    case 'topic':
      return { resourceType: TOPIC, resourceName: target.topic };
    case 'broker':
      return { resourceType: BROKER, resourceName: String(target.brokerId) };
    case 'cluster':
      return { resourceType: BROKER, resourceName: '' };
  }
}

function describeTarget(target: ConfigTarget): string {
  switch (target.kind) {
    case 'topic':
      return `topic ${target.topic}`;
    case 'broker':
      return `broker ${target.brokerId}`;
    case 'cluster':
      return 'the cluster-wide broker configs';
  }
}

const sourceName = (source: number): ConfigSource => SOURCES[source] ?? 'UNKNOWN';

/** Topic and broker configs: read with their sources and synonyms, changed incrementally (never the whole set). */
export class ConfigService {
  readonly #gateway: ClusterGateway;

  constructor(gateway: ClusterGateway) {
    this.#gateway = gateway;
  }

  async #send<T>(target: ConfigTarget, what: string, request: (connection: Connection) => Promise<T>): Promise<T> {
    return target.kind === 'broker'
      ? await this.#gateway.onBroker(target.brokerId, what, request)
      : await this.#gateway.onController(what, request);
  }

  async list(target: ConfigTarget): Promise<ConfigEntry[]> {
    const what = `reading the configs of ${describeTarget(target)}`;
    const response = await this.#send(target, what, (connection) =>
      describeConfigsV4.api.async(connection, [{ ...resourceOf(target), configurationKeys: null }], true, false),
    );
    const result = response.results[0];
    if (!result) throw new AdminError('internal', `${what}: no answer for it`);
    if (result.errorCode !== 0) throw AdminError.fromKafka(result.errorCode, what, result.errorMessage);
    return result.configs
      .map((config) => ({
        name: config.name,
        value: config.isSensitive ? null : (config.value ?? null),
        readOnly: config.readOnly,
        sensitive: config.isSensitive,
        isDefault: config.configSource === 5,
        source: sourceName(config.configSource),
        synonyms: config.synonyms.map((synonym) => ({
          name: synonym.name,
          value: config.isSensitive ? null : (synonym.value ?? null),
          source: sourceName(synonym.source),
        })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(target: ConfigTarget, name: string): Promise<ConfigEntry> {
    const entry = (await this.list(target)).find((config) => config.name === name);
    if (!entry) throw new AdminError('not-found', `${describeTarget(target)} has no config ${name}`);
    return entry;
  }

  /** Applies the changes at once (or only validates them); answers each value before and after. */
  async alter(target: ConfigTarget, changes: readonly ConfigChange[], validateOnly: boolean): Promise<ConfigDelta[]> {
    const current = new Map((await this.list(target)).map((entry) => [entry.name, entry]));
    const what = `changing the configs of ${describeTarget(target)}`;
    const configs = changes.map((change) =>
      change.operation === 'DELETE'
        ? { name: change.name, configOperation: DELETE as 1 }
        : { name: change.name, configOperation: SET as 0, value: change.value ?? '' },
    );
    const response = await this.#send(target, what, (connection) =>
      incrementalAlterConfigsV1.api.async(connection, [{ ...resourceOf(target), configs }], validateOnly),
    );
    const result = response.responses[0];
    if (result && result.errorCode !== 0) throw AdminError.fromKafka(result.errorCode, what, result.errorMessage);
    return changes.map((change) => {
      const before = current.get(change.name);
      const sensitive = before?.sensitive ?? false;
      return {
        name: change.name,
        operation: change.operation,
        before: before?.value ?? null,
        after: change.operation === 'SET' && !sensitive ? (change.value ?? '') : null,
      };
    });
  }
}
