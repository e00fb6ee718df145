import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Admin } from '@platformatic/kafka';
import type { Config, JmxCollectorConfig } from '../../config/config.ts';
import { ConfigError } from '../../config/errors.ts';
import type { HttpEndpoint } from '../../http/json-request.ts';
import { type JmxRuleSet, JmxRulesError, parseJmxRules } from '../../jmx/jmx-rules.ts';
import { createAdminClient } from '../../kafka/admin-client.ts';
import type { Logger } from '../../log/logger.ts';
import { jmxMetrics } from '../../metrics/catalogue/index.ts';
import { Snapshot } from '../../metrics/series-store.ts';
import { buildTlsOptions } from '../../tls/tls-options.ts';
import type { Collector } from '../collector.ts';
import { type AgentReading, type RuleSetSelection, readAgent, ruleSetSelection } from './agent-reader.ts';
import { agentAddress, agentTargets } from './agent-targets.ts';
import { buildJmxSnapshot } from './jmx-snapshot.ts';

export const BUNDLED_RULES_FILES: readonly string[] = ['kafka-broker-rules.yaml', 'jvm-rules.yaml'].map((name) =>
  fileURLToPath(new URL(`../../../jmx/${name}`, import.meta.url)),
);

function loadRulesFile(file: string): JmxRuleSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`jmx.rules-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseJmxRules(text, file);
  } catch (error) {
    if (error instanceof JmxRulesError) throw new ConfigError(`jmx.rules-file: ${error.message}`);
    throw error;
  }
}

/** Reads the rules files (the bundled ones when none is given); a missing or invalid one is a configuration error naming it. */
export function loadJmxRules(paths: readonly string[]): RuleSetSelection[] {
  return (paths.length === 0 ? BUNDLED_RULES_FILES : paths).map((file) => ruleSetSelection(loadRulesFile(file)));
}

/** A bulk read of a broker with 10,000 partition replicas answers about 14 MB of JSON. */
const MAX_AGENT_ANSWER_BYTES = 64 * 1024 * 1024;

/** Broker MBeans through each broker's Jolokia agent, named by JMX exporter rules; each agent read on its own. */
export class JmxCollector implements Collector {
  readonly name = 'jmx';
  readonly #settings: JmxCollectorConfig;
  readonly #endpoint: (url: string) => HttpEndpoint;
  readonly #ruleSets: readonly RuleSetSelection[];
  readonly #admin: () => Admin;
  readonly #logger: Logger;
  #client: Admin | undefined;
  /** Broker ids learnt from the agents, so an agent that stops answering keeps its broker label. */
  readonly #brokerIds = new Map<string, string>();
  readonly #down = new Set<string>();
  #dropped = 0;

  constructor(config: Config, logger: Logger) {
    this.#settings = config.collectors.jmx;
    this.#ruleSets = loadJmxRules(this.#settings.rulesFiles);
    const tls = this.#settings.tls.enabled ? buildTlsOptions(this.#settings.tls, 'jmx') : undefined;
    this.#endpoint = (url) => ({
      baseUrl: url,
      username: this.#settings.username,
      password: this.#settings.password,
      tls,
      timeoutMs: this.#settings.timeoutSeconds * 1000,
      maxBodyBytes: MAX_AGENT_ANSWER_BYTES,
    });
    this.#admin = () => (this.#client ??= createAdminClient(config.kafka, this.#settings.timeoutSeconds));
    this.#logger = logger;
  }

  async collect(signal: AbortSignal): Promise<Snapshot> {
    const targets = (await agentTargets(this.#settings.jolokiaUrls, this.#admin)).map((target) => ({
      ...target,
      brokerId: target.brokerId ?? this.#brokerIds.get(target.url),
    }));
    const readings = await Promise.all(targets.map((target) => readAgent(this.#endpoint(target.url), target, this.#ruleSets, signal)));
    for (const reading of readings) this.#note(reading);
    const { snapshot, dropped } = buildJmxSnapshot(readings, {
      collector: this.name,
      maxSeries: this.#settings.maxSeries,
      droppedBefore: this.#dropped,
    });
    if (dropped > 0) {
      this.#dropped += dropped;
      this.#logger.warn('series left out', {
        collector: this.name,
        budget: this.#settings.maxSeries,
        dropped,
        hint: "raise collector.jmx.max-series, narrow includeObjectNames and the rules of jmx.rules-file, and rename rules that name a series like one of kafka-sonar's own metrics",
      });
    }
    return snapshot;
  }

  /** Remembers the broker id, and logs one line when an agent stops answering and one when it is back. */
  #note(reading: AgentReading): void {
    const { url } = reading.target;
    if (reading.brokerId !== undefined) this.#brokerIds.set(url, reading.brokerId);
    const agent = agentAddress(url);
    if (!reading.up && !this.#down.has(url)) {
      this.#down.add(url);
      this.#logger.warn('Jolokia agent not answering', {
        collector: this.name,
        agent,
        broker: reading.brokerId ?? '',
        error: reading.error ?? '',
      });
    } else if (reading.up && this.#down.delete(url)) {
      this.#logger.info('Jolokia agent answering again', { collector: this.name, agent, broker: reading.brokerId ?? '' });
    }
  }

  failureSnapshot(): Snapshot {
    const snapshot = new Snapshot();
    for (const url of this.#settings.jolokiaUrls) {
      if (url.includes('{host}')) continue;
      snapshot.add(jmxMetrics.up, { broker: this.#brokerIds.get(url) ?? '', agent: agentAddress(url) }, 0);
    }
    return snapshot;
  }

  async close(): Promise<void> {
    await this.#client?.close().catch(() => undefined);
  }
}

export function createJmxCollector(config: Config, logger: Logger): JmxCollector {
  return new JmxCollector(config, logger);
}
