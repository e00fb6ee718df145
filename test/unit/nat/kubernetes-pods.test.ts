import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubernetesPods } from '../../../src/nat/kubernetes-pods.ts';

const TOKEN = 'test-service-account-token';
const dir = mkdtempSync(join(tmpdir(), 'sonar-k8s-'));

/** A self-signed certificate for 127.0.0.1, as a cluster's API server has one signed by the cluster CA. */
function certificate(name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=kubernetes',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

const PODS = [
  {
    metadata: { namespace: 'shop', name: 'orders-7d9f' },
    spec: {},
    status: { podIP: '10.244.1.7', podIPs: [{ ip: '10.244.1.7' }, { ip: 'fd00:10:244:1::7' }] },
  },
  {
    metadata: { namespace: 'kube-system', name: 'kube-proxy-x1' },
    spec: { hostNetwork: true },
    status: { podIP: '192.168.0.10', podIPs: [{ ip: '192.168.0.10' }] },
  },
  { metadata: { namespace: 'shop', name: 'billing-55c1' }, spec: {}, status: { podIP: '10.244.2.9' } },
  { metadata: { namespace: 'data', name: 'etl-0' }, spec: {}, status: { podIPs: [{ ip: '10.244.3.3' }] } },
  { metadata: { namespace: 'data', name: 'pending-0' }, spec: {}, status: {} },
];

const requests: URL[] = [];
let expireNextContinue = false;
let server: Server;
let port = 0;

function serviceAccount(name: string, caCert: string, token = TOKEN): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'token'), `${token}\n`);
  writeFileSync(join(path, 'ca.crt'), caCert);
  return path;
}

let serverCert = '';
before(async () => {
  const { key, cert } = certificate('apiserver');
  serverCert = cert;
  server = createServer({ key, cert }, (request, response) => {
    const url = new URL(request.url!, 'https://127.0.0.1');
    requests.push(url);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${TOKEN}`)
      return reply(403, {
        kind: 'Status',
        reason: 'Forbidden',
        message: 'pods is forbidden: User "system:serviceaccount:x:y" cannot list resource "pods"',
      });
    if (url.pathname !== '/api/v1/pods' || url.searchParams.get('fieldSelector') !== 'status.phase=Running') return reply(404, {});
    const limit = Number(url.searchParams.get('limit'));
    const from = Number(url.searchParams.get('continue') ?? 0);
    if (from > 0 && expireNextContinue) {
      expireNextContinue = false;
      return reply(410, { kind: 'Status', reason: 'Expired', message: 'The provided continue parameter is too old' });
    }
    const next = from + limit < PODS.length ? String(from + limit) : undefined;
    reply(200, {
      kind: 'PodList',
      metadata: { resourceVersion: '4711', ...(next ? { continue: next } : {}) },
      items: PODS.slice(from, from + limit),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const inCluster = () => ({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) });

describe('KubernetesPods', () => {
  it('is disabled outside a cluster, and says why', async () => {
    const pods = new KubernetesPods({ env: {} });
    assert.deepEqual(await pods.refresh(), {
      state: 'disabled',
      reason: 'not in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set)',
    });
    pods.start();
    pods.stop();
    assert.equal(pods.podByIp('10.244.1.7'), undefined);
  });

  it('lists running pods page by page and maps every pod IP, IPv6 included, but not host-network pods', async () => {
    requests.length = 0;
    const pods = new KubernetesPods({ env: inCluster(), serviceAccountDir: serviceAccount('good', serverCert), pageSize: 2 });
    const status = await pods.refresh();
    assert.deepEqual(status.state === 'ready' && { pods: status.pods, resourceVersion: status.resourceVersion }, {
      pods: 3,
      resourceVersion: '4711',
    });
    assert.deepEqual(
      requests.map((url) => [url.searchParams.get('limit'), url.searchParams.get('continue')]),
      [
        ['2', null],
        ['2', '2'],
        ['2', '4'],
      ],
    );
    assert.deepEqual(pods.podByIp('10.244.1.7'), { namespace: 'shop', pod: 'orders-7d9f' });
    assert.deepEqual(pods.podByIp('fd00:10:244:1:0:0:0:7'), { namespace: 'shop', pod: 'orders-7d9f' });
    assert.deepEqual(pods.podByIp('10.244.2.9'), { namespace: 'shop', pod: 'billing-55c1' });
    assert.deepEqual(pods.podByIp('10.244.3.3'), { namespace: 'data', pod: 'etl-0' });
    assert.equal(pods.podByIp('192.168.0.10'), undefined);
  });

  it('starts the list again when the continue token expired between pages', async () => {
    requests.length = 0;
    expireNextContinue = true;
    const pods = new KubernetesPods({ env: inCluster(), serviceAccountDir: serviceAccount('good', serverCert), pageSize: 2 });
    assert.equal((await pods.refresh()).state, 'ready');
    assert.deepEqual(
      requests.map((url) => url.searchParams.get('continue')),
      [null, '2', null, '2', '4'],
    );
    assert.deepEqual(pods.podByIp('10.244.3.3'), { namespace: 'data', pod: 'etl-0' });
  });

  it('names the missing RBAC permission when the API refuses, keeps the last map, and reports each failure once', async () => {
    const failures: string[] = [];
    const good = serviceAccount('rotating', serverCert);
    const pods = new KubernetesPods({ env: inCluster(), serviceAccountDir: good, onFailure: (reason) => failures.push(reason) });
    assert.equal((await pods.refresh()).state, 'ready');
    writeFileSync(join(good, 'token'), 'another-token\n');
    const status = await pods.refresh();
    await pods.refresh();
    assert.equal(status.state, 'failed');
    assert.match(
      status.state === 'failed' ? status.reason : '',
      /HTTP 403 \(the service account needs RBAC permission to list pods in all namespaces\): .*cannot list resource/,
    );
    assert.equal(status.state === 'failed' && status.pods, 3);
    assert.deepEqual(pods.podByIp('10.244.2.9'), { namespace: 'shop', pod: 'billing-55c1' });
    assert.equal(failures.length, 1);
  });

  it('is down while the API is unreachable, keeps the last map, and says once when it lists again', async () => {
    const events: string[] = [];
    const account = serviceAccount('unreachable', serverCert);
    const env = { ...inCluster() };
    const pods = new KubernetesPods({
      env,
      serviceAccountDir: account,
      timeoutMs: 2000,
      onFailure: (reason) => events.push(`failure: ${reason}`),
      onRecovered: () => events.push('recovered'),
    });
    assert.equal(pods.up(), undefined);
    await pods.refresh();
    assert.equal(pods.up(), true);
    const listening = port;
    await new Promise((resolve) => server.close(resolve));
    try {
      await pods.refresh();
      await pods.refresh();
      assert.equal(pods.up(), false);
      assert.deepEqual(pods.podByIp('10.244.1.7'), { namespace: 'shop', pod: 'orders-7d9f' });
      assert.equal(events.length, 1);
      assert.match(events[0]!, /^failure: GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/pods\?.*ECONNREFUSED/);
      assert.doesNotMatch(events[0]!, new RegExp(TOKEN));
    } finally {
      await new Promise<void>((resolve) => server.listen(listening, '127.0.0.1', resolve));
    }
    await pods.refresh();
    assert.equal(pods.up(), true);
    assert.deepEqual(events.slice(1), ['recovered']);
  });

  it('verifies the API server against the service account CA, and needs the token', async () => {
    const stranger = certificate('stranger').cert;
    const untrusted = new KubernetesPods({ env: inCluster(), serviceAccountDir: serviceAccount('other-ca', stranger) });
    const status = await untrusted.refresh();
    assert.match(status.state === 'failed' ? status.reason : '', /self-signed certificate|unable to verify/);

    const noToken = join(dir, 'empty');
    mkdirSync(noToken);
    const missing = await new KubernetesPods({ env: inCluster(), serviceAccountDir: noToken }).refresh();
    assert.match(missing.state === 'failed' ? missing.reason : '', /^no service account token: ENOENT/);
  });
});
