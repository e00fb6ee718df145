import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { getJson, RegistryHttpError, type RegistryConnection } from '../../../src/schema-registry/registry-http.ts';
import { createSelfSignedCertificate } from '../../testbed/tls.ts';

const requests: IncomingMessage[] = [];
function handler(request: IncomingMessage, response: ServerResponse): void {
  requests.push(request);
  response.setHeader('content-type', 'application/vnd.schemaregistry.v1+json');
  if (request.url === '/registry/subjects') response.end('["orders-value"]');
  else if (request.url === '/registry/config/orders-value?defaultToGlobal=false') {
    response.statusCode = 404;
    response.end('{"error_code":40408,"message":"Subject \'orders-value\' does not have subject-level compatibility configured"}');
  } else if (request.url === '/registry/slow') setTimeout(() => response.end('[]'), 2000);
  else {
    response.statusCode = 500;
    response.end('oops');
  }
}

let dir: string;
let http: Server;
let https: Server;
const portOf = (server: Server): number => (server.address() as { port: number }).port;
const listen = (server: Server): Promise<void> => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sonar-registry-tls-'));
  const { certPath, keyPath } = createSelfSignedCertificate(dir, '127.0.0.1', { subjectAltName: 'IP:127.0.0.1' });
  http = createHttpServer(handler);
  https = createHttpsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, handler);
  await Promise.all([listen(http), listen(https)]);
});

after(() => {
  http.close();
  https.close();
  rmSync(dir, { recursive: true, force: true });
});

const connection = (overrides: Partial<RegistryConnection> = {}): RegistryConnection => ({
  baseUrl: `http://127.0.0.1:${portOf(http)}/registry`,
  username: '',
  password: '',
  tls: undefined,
  timeoutMs: 1000,
  ...overrides,
});

test('GET parses JSON under the base path and sends basic auth when configured', async () => {
  assert.deepEqual(await getJson(connection({ username: 'sonar', password: 's3cret' }), '/subjects', AbortSignal.timeout(5000)), [
    'orders-value',
  ]);
  assert.equal(requests.at(-1)!.headers.authorization, `Basic ${Buffer.from('sonar:s3cret').toString('base64')}`);
  await getJson(connection(), '/subjects', AbortSignal.timeout(5000));
  assert.equal(requests.at(-1)!.headers.authorization, undefined);
});

test("an error answer carries the HTTP status and Confluent's error code", async () => {
  const error = await getJson(connection(), '/config/orders-value?defaultToGlobal=false', AbortSignal.timeout(5000)).catch(
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RegistryHttpError);
  assert.equal(error.status, 404);
  assert.equal(error.errorCode, 40408);
  await assert.rejects(getJson(connection(), '/other', AbortSignal.timeout(5000)), /GET \/registry\/other: HTTP 500: oops/);
});

test('a registry that does not answer in time fails with the timeout', async () => {
  await assert.rejects(getJson(connection({ timeoutMs: 200 }), '/slow', AbortSignal.timeout(5000)), /no answer within 200 ms/);
});

test('TLS: the CA file is trusted, an unknown certificate is refused, and insecure skips verification', async () => {
  const base = `https://127.0.0.1:${portOf(https)}/registry`;
  await assert.rejects(
    getJson(connection({ baseUrl: base, tls: { rejectUnauthorized: true } }), '/subjects', AbortSignal.timeout(5000)),
    /self.signed|DEPTH_ZERO|certificate/i,
  );
  const trusted = connection({ baseUrl: base, tls: { ca: readFileSync(join(dir, 'cert.pem')), rejectUnauthorized: true } });
  assert.deepEqual(await getJson(trusted, '/subjects', AbortSignal.timeout(5000)), ['orders-value']);
  assert.deepEqual(
    await getJson(connection({ baseUrl: base, tls: { rejectUnauthorized: false } }), '/subjects', AbortSignal.timeout(5000)),
    ['orders-value'],
  );
});
