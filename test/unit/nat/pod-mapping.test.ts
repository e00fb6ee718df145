// How the exporter turns the Kubernetes pod mapping on (sniff.kubernetes-pods), and what it logs.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/config.ts';
import { parseArguments } from '../../../src/config/flags.ts';
import { kubernetesPodMapping } from '../../../src/exporter.ts';
import { createLogger } from '../../../src/log/logger.ts';

function sniffer(...argv: string[]) {
  return loadConfig({ flags: parseArguments(argv).flags }).sniffer;
}

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    logger: createLogger({ level: 'debug', format: 'json', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }),
  };
}

test('off by default: no mapping and nothing logged', () => {
  const { lines, logger } = recordingLogger();
  assert.equal(kubernetesPodMapping(sniffer('--sniff.interface=lo'), logger, { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } }), undefined);
  assert.deepEqual(lines, []);
});

test('outside a cluster it stays off and says so in one line', () => {
  const { lines, logger } = recordingLogger();
  assert.equal(kubernetesPodMapping(sniffer('--sniff.interface=lo', '--sniff.kubernetes-pods'), logger, { env: {} }), undefined);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!['level'], 'warn');
  assert.match(String(lines[0]!['msg'] ?? lines[0]!['message']), /not in a Kubernetes cluster/);
  assert.equal(lines[0]!['setting'], 'sniff.kubernetes-pods');
});

test('without the sniffer it has no effect and says so', () => {
  const { lines, logger } = recordingLogger();
  assert.equal(
    kubernetesPodMapping(sniffer('--kafka.server=broker:9092', '--sniff.kubernetes-pods'), logger, {
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' },
    }),
    undefined,
  );
  assert.equal(lines.length, 1);
  assert.match(JSON.stringify(lines[0]), /no effect without the sniffer/);
});

test('in a cluster, a list that fails is logged once with its reason', async () => {
  const { lines, logger } = recordingLogger();
  const empty = mkdtempSync(join(tmpdir(), 'sonar-sa-'));
  const pods = kubernetesPodMapping(
    sniffer('--sniff.interface=lo', '--sniff.kubernetes-pods', '--sniff.kubernetes-pods-refresh=5s'),
    logger,
    {
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '1' },
      serviceAccountDir: empty,
    },
  );
  assert.ok(pods !== undefined);
  assert.equal(pods.status().state, 'not-read');
  assert.equal((await pods.refresh()).state, 'failed');
  assert.equal((await pods.refresh()).state, 'failed');
  assert.equal(lines.length, 1);
  assert.match(JSON.stringify(lines[0]), /cannot list the Kubernetes pods/);
  assert.match(String(lines[0]!['reason']), /no service account token/);
  assert.equal(pods.podByIp('10.1.2.3'), undefined);
});
