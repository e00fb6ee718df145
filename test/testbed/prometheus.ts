import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startingComponent } from './errors.ts';
import { httpStatus, LOOPBACK } from './network.ts';
import { exitedReason, spawnDetached, stopProgram, waitUntil } from './processes.ts';
import type { PrometheusEndpoints, Testbed } from './types.ts';

const READY_TIMEOUT_MS = 60_000;
const PROMETHEUS_BINARY = 'prometheus';
const ALERTMANAGER_BINARY = 'prometheus-alertmanager';
/** Scrape job tests target by writing file_sd JSON files into the targets directory. */
export const SCRAPE_JOB = 'kafka-sonar';

export function prometheusDir(bed: Testbed): string {
  return join(bed.dir, 'prometheus');
}

export function alertmanagerDir(bed: Testbed): string {
  return join(bed.dir, 'alertmanager');
}

export function renderPrometheusConfig(endpoints: PrometheusEndpoints): string {
  return stringify({
    global: { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '2s' },
    rule_files: [join(endpoints.rulesDir, '*.yml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`${LOOPBACK}:${endpoints.alertmanagerPort}`] }] }] },
    scrape_configs: [
      {
        job_name: SCRAPE_JOB,
        file_sd_configs: [{ files: [join(endpoints.targetsDir, '*.json')], refresh_interval: '2s' }],
      },
    ],
  });
}

/** One default receiver: a webhook when a URL is given, otherwise one that drops notifications. */
export function renderAlertmanagerConfig(webhookUrl?: string): string {
  return stringify({
    route: { receiver: 'default', group_by: ['alertname'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
    receivers: [
      webhookUrl === undefined ? { name: 'default' } : { name: 'default', webhook_configs: [{ url: webhookUrl, send_resolved: true }] },
    ],
  });
}

export function prometheusUrlFor(port: number): string {
  return `http://${LOOPBACK}:${port}`;
}

async function waitReady(component: string, dir: string, url: string, logFile: string): Promise<void> {
  await startingComponent(component, [logFile], () =>
    waitUntil(async () => (await httpStatus(`${url}/-/ready`)) === 200, {
      what: `${component} at ${url}`,
      timeoutMs: READY_TIMEOUT_MS,
      failFast: exitedReason(dir),
    }),
  );
}

export async function startAlertmanager(bed: Testbed, endpoints: PrometheusEndpoints): Promise<void> {
  const dir = alertmanagerDir(bed);
  const logFile = join(dir, 'alertmanager.log');
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'alertmanager.yml'), renderAlertmanagerConfig(endpoints.alertWebhookUrl));
  spawnDetached({
    command: ALERTMANAGER_BINARY,
    args: [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}/`,
      `--web.listen-address=${LOOPBACK}:${endpoints.alertmanagerPort}`,
      '--cluster.listen-address=',
    ],
    dir,
    logFile,
  });
  await waitReady('alertmanager', dir, prometheusUrlFor(endpoints.alertmanagerPort), logFile);
}

export async function startPrometheus(bed: Testbed, endpoints: PrometheusEndpoints): Promise<void> {
  const dir = prometheusDir(bed);
  const logFile = join(dir, 'prometheus.log');
  for (const sub of ['data', 'targets', 'rules']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'prometheus.yml'), renderPrometheusConfig(endpoints));
  spawnDetached({
    command: PROMETHEUS_BINARY,
    args: [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}/`,
      '--storage.tsdb.retention.time=1d',
      `--web.listen-address=${LOOPBACK}:${endpoints.port}`,
      '--web.enable-lifecycle',
      '--web.enable-admin-api',
    ],
    dir,
    logFile,
  });
  await waitReady('prometheus', dir, prometheusUrlFor(endpoints.port), logFile);
}

export async function stopPrometheusStack(bed: Testbed, graceMs?: number): Promise<void> {
  await Promise.all([stopProgram(prometheusDir(bed), graceMs), stopProgram(alertmanagerDir(bed), graceMs)]);
}

async function reload(component: string, url: string): Promise<void> {
  const status = await httpStatus(`${url}/-/reload`, { method: 'POST' });
  if (status !== 200) throw new Error(`${component} reload at ${url} answered ${status ?? 'nothing'}`);
}

/** Re-reads prometheus.yml and the rule files (tests copy rules into endpoints.rulesDir first). */
export async function reloadPrometheus(bed: Testbed): Promise<void> {
  if (!bed.prometheus) throw new Error(`test bed ${bed.name} runs no Prometheus`);
  await reload('prometheus', prometheusUrlFor(bed.prometheus.port));
}

/** Points Alertmanager's default receiver at a webhook (undefined: drop notifications) and reloads it. */
export async function applyAlertWebhook(bed: Testbed, webhookUrl: string | undefined): Promise<void> {
  if (!bed.prometheus) throw new Error(`test bed ${bed.name} runs no Alertmanager`);
  writeFileSync(join(alertmanagerDir(bed), 'alertmanager.yml'), renderAlertmanagerConfig(webhookUrl));
  await reload('alertmanager', prometheusUrlFor(bed.prometheus.alertmanagerPort));
}
