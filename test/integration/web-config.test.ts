// The listener secured with an exporter-toolkit web config: TLS requiring a client certificate, basic
// auth with a bcrypt hash from htpasswd, extra headers; checked with node's own HTTPS client and the
// certificates openssl made, and a broken file refused at start.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { htpasswdHash } from '../support/admin-api.ts';
import { freePort, runExporterCommand, superviseExporter, type ExporterProcess } from '../support/exporter-process.ts';
import { createTestbedCertificates } from '../testbed/tls.ts';
import type { TestbedTls } from '../testbed/types.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function get(url: string, options: { ca?: Buffer; cert?: Buffer; key?: Buffer; user?: string; password?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = options.user
      ? { authorization: `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}` }
      : {};
    const call = request(
      url,
      {
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.cert ? { cert: options.cert, key: options.key } : {}),
        headers,
        timeout: 10_000,
      },
      (response) => {
        let body = '';
        response
          .setEncoding('utf8')
          .on('data', (chunk: string) => {
            body += chunk;
          })
          .on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    call.on('error', reject).on('timeout', () => call.destroy(new Error('timed out')));
    call.end();
  });
}

let dir: string;
let certificates: TestbedTls;
let exporter: ExporterProcess;
let ca: Buffer;
let cert: Buffer;
let key: Buffer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sonar-web-'));
  certificates = createTestbedCertificates(join(dir, 'tls'), '127.0.0.1');
  [ca, cert, key] = [certificates.caFile, certificates.clientCertFile, certificates.clientKeyFile].map((file) => readFileSync(file));
  writeFileSync(
    join(dir, 'web.yml'),
    [
      'tls_server_config:',
      '  cert_file: tls/broker.pem',
      '  key_file: tls/broker-key.pem',
      '  client_auth_type: RequireAndVerifyClientCert',
      '  client_ca_file: tls/ca.pem',
      'http_server_config:',
      '  headers:',
      '    X-Frame-Options: deny',
      'basic_auth_users:',
      `  scraper: "${htpasswdHash('scraper', 'scrape-secret')}"`,
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, `--web.listen-address=127.0.0.1:${port}`, `--web.config.file=${join(dir, 'web.yml')}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exporter = await superviseExporter(
    child,
    `https://127.0.0.1:${port}`,
    'kafka-sonar over TLS',
    async (url) => (await get(`${url}/healthz`, { ca, cert, key, user: 'scraper', password: 'scrape-secret' })).status === 200,
  );
});

after(async () => {
  await exporter?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a client with the CA, its certificate and the password scrapes /metrics over TLS, with the configured header', async () => {
  const answer = await get(`${exporter.url}/metrics`, { ca, cert, key, user: 'scraper', password: 'scrape-secret' });
  assert.equal(answer.status, 200);
  assert.match(answer.body, /^kafka_sonar_build_info\{/m);
  assert.equal(answer.headers['x-frame-options'], 'deny');
});

test('without credentials or with a wrong password: 401 with a Basic challenge', async () => {
  const none = await get(`${exporter.url}/metrics`, { ca, cert, key });
  assert.equal(none.status, 401);
  assert.match(String(none.headers['www-authenticate']), /^Basic /);
  assert.equal((await get(`${exporter.url}/metrics`, { ca, cert, key, user: 'scraper', password: 'wrong' })).status, 401);
  assert.equal((await get(`${exporter.url}/metrics`, { ca, cert, key, user: 'nobody', password: 'scrape-secret' })).status, 401);
});

test("without a client certificate, or not trusting the server's CA, the TLS handshake fails", async () => {
  await assert.rejects(get(`${exporter.url}/metrics`, { ca, user: 'scraper', password: 'scrape-secret' }));
  await assert.rejects(
    get(`${exporter.url}/metrics`, { cert, key, user: 'scraper', password: 'scrape-secret' }),
    /self[- ]signed|unable to verify|certificate/i,
  );
  await assert.rejects(
    fetch(`${exporter.url.replace('https:', 'http:')}/metrics`, { signal: AbortSignal.timeout(5000) }).then((response) => {
      if (response.status === 200) throw new Error('plain HTTP served the metrics');
      throw new Error(`plain HTTP answered ${response.status}`);
    }),
  );
  assert.equal(exporter.stderr().includes('scrape-secret'), false, 'no password in the log');
});

test('a web config that cannot be used is a configuration error naming the option, the file and the field', async () => {
  const cases: [string, RegExp][] = [
    [
      'tls_server_config:\n  cert_file: tls/broker.pem\n  key_file: tls/broker-key.pem\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n',
      /cipher_suites is not supported/,
    ],
    [
      'tls_server_config:\n  cert_file: tls/missing.pem\n  key_file: tls/broker-key.pem\n',
      /tls_server_config\.cert_file: cannot read .*missing\.pem/,
    ],
    ['basic_auth_users:\n  scraper: plain-text-password\n', /basic_auth_users\.scraper is not a bcrypt hash/],
    [
      'tls_server_config:\n  cert_file: tls/broker.pem\n  key_file: tls/broker-key.pem\n  client_auth_type: RequireAndVerifyClientCert\n',
      /needs client_ca_file/,
    ],
    ['listen: 1\n', /unknown field listen/],
  ];
  for (const [content, message] of cases) {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, content);
    const result = await runExporterCommand([
      `--web.config.file=${file}`,
      '--web.listen-address=127.0.0.1:0',
      '--sniff.replay=/nonexistent-so-it-never-serves.pcap',
    ]);
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /web\.config\.file/);
    assert.match(lines[0]!, message);
  }
});
