import type { Server } from 'node:http';
import type { ClientAddressResolver } from './agent/client-address-resolver.ts';
import { ConntrackTable } from './nat/conntrack-table.ts';
import { KubernetesPods, type KubernetesPodsOptions } from './nat/kubernetes-pods.ts';
import type { PodDirectory } from './agent/pod-directory.ts';
import type { AddressSource } from './agent/sniff-agent.ts';
import { startHttpServer } from './api/server.ts';
import { loadWebConfig } from './api/web-config.ts';
import { COLLECTORS } from './collectors/registry.ts';
import { CollectorRunner } from './collectors/runner.ts';
import type { Config, SnifferConfig } from './config/config.ts';
import type { Logger } from './log/logger.ts';
import { catalogue, exporterMetrics } from './metrics/catalogue/index.ts';
import { checkConstantLabels } from './metrics/constant-labels.ts';
import type { OtlpPush } from './metrics/otlp.ts';
import { createPrometheusView } from './metrics/prometheus.ts';
import { SeriesStore, Snapshot } from './metrics/series-store.ts';
import { VERSION } from './version.ts';

export interface RunningExporter {
  readonly address: { host: string; port: number };
  stop(): Promise<void>;
}

export interface ExporterExtensions {
  /** Tells the original client address of translated (NAT) connections; none by default. */
  readonly clientAddressResolver?: ClientAddressResolver;
  /** Tells the Kubernetes pod of client addresses; by default the API is asked when sniff.kubernetes-pods is set. */
  readonly podDirectory?: PodDirectory;
}

/** During a live capture, clients behind NAT are resolved from the conntrack table unless turned off. */
function conntrackTable(sniffer: SnifferConfig, logger: Logger): ConntrackTable | undefined {
  if (!sniffer.enabled || sniffer.interface === '' || sniffer.conntrack === 'off') return undefined;
  const level = sniffer.conntrack === 'on' ? 'warn' : 'info';
  return new ConntrackTable({
    brokerPorts: sniffer.brokerPorts,
    file: sniffer.conntrackFile,
    onUnavailable: (reason) =>
      logger[level]('conntrack table unavailable: client addresses behind NAT are not resolved', { reason, setting: 'sniff.conntrack' }),
    onRecovered: () =>
      logger.info('conntrack table readable again: client addresses behind NAT are resolved', { setting: 'sniff.conntrack' }),
  });
}

/** With sniff.kubernetes-pods, pods are listed through the Kubernetes API; outside a cluster it says so once and stays off. */
export function kubernetesPodMapping(
  sniffer: SnifferConfig,
  logger: Logger,
  where: Pick<KubernetesPodsOptions, 'env' | 'serviceAccountDir'> = {},
): KubernetesPods | undefined {
  if (!sniffer.kubernetesPods) return undefined;
  if (!sniffer.enabled) {
    logger.warn('sniff.kubernetes-pods has no effect without the sniffer (sniff.interface or sniff.replay)', {
      setting: 'sniff.kubernetes-pods',
    });
    return undefined;
  }
  const pods = new KubernetesPods({
    ...where,
    refreshIntervalMs: sniffer.kubernetesPodsRefreshSeconds * 1000,
    onFailure: (reason) =>
      logger.warn('cannot list the Kubernetes pods: the pod and namespace labels stay empty or stale until the next list works', {
        reason,
        setting: 'sniff.kubernetes-pods',
      }),
    onRecovered: () => logger.info('listing the Kubernetes pods again', { setting: 'sniff.kubernetes-pods' }),
  });
  const status = pods.status();
  if (status.state === 'disabled') {
    logger.warn(`pod mapping unavailable: ${status.reason}; the pod and namespace labels stay empty`, { setting: 'sniff.kubernetes-pods' });
    return undefined;
  }
  return pods;
}

/** Wires the collectors, the sniffer, the state and the two views of it (/metrics and OTLP) together. */
export async function startExporter(config: Config, logger: Logger, extensions: ExporterExtensions = {}): Promise<RunningExporter> {
  const webConfig = config.web.configFile === '' ? undefined : loadWebConfig(config.web.configFile);
  const store = new SeriesStore();
  store.set('build', new Snapshot().add(exporterMetrics.buildInfo, { version: VERSION, node_version: process.version }, 1));
  const metrics = catalogue({
    topicInfoConfigs: config.collectors.cluster.topicInfoConfigs,
    kafkaLagExporter: config.collectors.cluster.kafkaLagExporter,
  });
  checkConstantLabels(config.constantLabels, metrics);
  const defaultLabels: Record<string, string> = {
    ...config.constantLabels,
    ...(config.clusterName ? { cluster: config.clusterName } : {}),
  };

  const runner = new CollectorRunner(store, logger);
  const conntrack = extensions.clientAddressResolver === undefined ? conntrackTable(config.sniffer, logger) : undefined;
  const resolver = extensions.clientAddressResolver ?? conntrack;
  const pods = extensions.podDirectory === undefined ? kubernetesPodMapping(config.sniffer, logger) : undefined;
  const podDirectory = extensions.podDirectory ?? pods;
  const addressSources: AddressSource[] = [];
  if (conntrack) addressSources.push({ name: 'conntrack', up: () => conntrack.up() });
  if (pods) addressSources.push({ name: 'kubernetes_pods', up: () => pods.up() });
  // The sniffer, the admin API and the OTLP push are loaded only when configured: off, they cost no memory.
  const agent = config.sniffer.enabled
    ? new (await import('./agent/sniff-agent.ts')).SniffAgent({
        config: config.sniffer,
        store,
        logger,
        ...(resolver ? { resolver } : {}),
        ...(podDirectory ? { pods: podDirectory } : {}),
        addressSources,
      })
    : undefined;
  const topicFeeder = agent?.topics;
  for (const factory of COLLECTORS) {
    if (factory.enabled(config))
      runner.add(await factory.create(config, { logger, ...(topicFeeder ? { topicFeeder } : {}) }), factory.schedule(config));
  }

  const admin = config.admin.enabled
    ? new (await import('./admin/admin-service.ts')).AdminService({
        config: config.admin,
        clusterName: config.clusterName,
        kafka: (await import('./kafka/admin-client.ts')).createAdminClient(config.kafka, config.admin.timeoutSeconds),
        logger,
        ...(config.collectors.zookeeper.tls.enabled
          ? {}
          : { zookeeper: { servers: config.collectors.zookeeper.servers, chroot: config.collectors.zookeeper.chroot } }),
      })
    : undefined;
  if (admin) store.set('admin', admin.metrics);

  const prometheusView = createPrometheusView(metrics, store, defaultLabels);
  runner.beforePublish((snapshot) => prometheusView.prepare(snapshot));
  const server: Server = await startHttpServer({
    listenAddress: config.web.listenAddress,
    telemetryPath: config.web.telemetryPath,
    version: VERSION,
    metrics: prometheusView,
    readiness: () => ({ ready: runner.ready, detail: runner.statuses() }),
    logger,
    ...(admin ? { admin: (await import('./api/admin/admin-router.ts')).adminRouter(admin, logger, VERSION) } : {}),
    ...(webConfig ? { webConfig } : {}),
    ...(agent
      ? {
          clients: {
            connections: (filter) => agent.connections.entries(filter),
            topicClients: (topic) => agent.clients.topicClients(topic),
          },
        }
      : {}),
  });
  runner.start();
  agent?.start();
  if (pods) {
    pods.start();
    void pods.refresh().then((status) => {
      if (status.state === 'ready')
        logger.info('mapping client addresses to Kubernetes pods', {
          pods: status.pods,
          refreshSeconds: config.sniffer.kubernetesPodsRefreshSeconds,
        });
    });
  }

  let otlp: OtlpPush | undefined;
  if (config.otlp.endpoint) {
    const { startOtlpPush } = await import('./metrics/otlp.ts');
    otlp = startOtlpPush(metrics, store, {
      endpoint: config.otlp.endpoint,
      intervalSeconds: config.otlp.intervalSeconds,
      headers: config.otlp.headers,
      serviceVersion: VERSION,
      defaultLabels,
    });
  }

  const bound = server.address();
  const address = typeof bound === 'object' && bound ? { host: bound.address, port: bound.port } : { host: '', port: 0 };
  logger.info('kafka-sonar started', {
    version: VERSION,
    listen: config.web.listenAddress,
    kafka: config.kafka.bootstrapServers.join(',') || undefined,
    sniff: config.sniffer.enabled ? config.sniffer.interface || config.sniffer.replay || 'demo' : undefined,
    otlp: config.otlp.endpoint || undefined,
  });

  return {
    address,
    async stop() {
      pods?.stop();
      server.closeAllConnections();
      await Promise.allSettled([
        new Promise<void>((resolve) => server.close(() => resolve())),
        runner.stop(),
        agent?.stop(),
        otlp?.shutdown(),
        admin?.close(),
      ]);
    },
  };
}
