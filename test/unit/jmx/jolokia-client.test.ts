import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import type { HttpEndpoint } from '../../../src/http/json-request.ts';
import { readMBeans } from '../../../src/jmx/jolokia-client.ts';

/*
 * A fake Jolokia agent: it answers each bulk POST by asking `answer` about every request in it, unless `raw`
 * says what to send instead. Every POST is recorded.
 */

interface JolokiaRequest {
  type: string;
  mbean: string;
  config: Record<string, unknown>;
}
interface Recorded {
  method: string;
  url: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: JolokiaRequest[];
}

const NOT_FOUND = { status: 404, error_type: 'javax.management.InstanceNotFoundException', error: 'No MBean found' };

let answer: (request: JolokiaRequest) => object;
let raw: { status: number; body: string } | undefined;
let posts: Recorded[];

function handler(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JolokiaRequest[];
    posts.push({
      method: request.method!,
      url: request.url!,
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
      body,
    });
    response.setHeader('content-type', 'application/json');
    if (raw) {
      response.statusCode = raw.status;
      response.end(raw.body);
    } else response.end(JSON.stringify(body.map((item) => ({ request: item, timestamp: 1700000000, ...answer(item) }))));
  });
}

let server: Server;
let endpoint: HttpEndpoint;

before(async () => {
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  endpoint = { baseUrl: `http://127.0.0.1:${port}/jolokia`, username: '', password: '', tls: undefined, timeoutMs: 5000 };
});

after(() => server.close());

beforeEach(() => {
  raw = undefined;
  posts = [];
  answer = () => NOT_FOUND;
});

const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const READ_CONFIG = { canonicalNaming: false, ignoreErrors: true };
const WHERE = 'POST /jolokia/?canonicalNaming=false&ignoreErrors=true';

const BYTES_IN = 'kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec';
const BYTES_IN_ORDERS = 'kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=orders';
const ACTIVE_CONTROLLERS = 'kafka.controller:type=KafkaController,name=ActiveControllerCount';

test('one bulk POST of read requests; pattern reads spread to their MBeans, a plain read is its MBean', async () => {
  answer = (request) =>
    request.mbean === ACTIVE_CONTROLLERS
      ? { status: 200, value: { Value: 1 } }
      : { status: 200, value: { [BYTES_IN]: { Count: 10 }, [BYTES_IN_ORDERS]: { Count: 4 } } };
  const result = await readMBeans(endpoint, ['kafka.server:type=BrokerTopicMetrics,*', ACTIVE_CONTROLLERS], signal());

  assert.deepEqual(
    [...result.beans],
    [
      [BYTES_IN, { Count: 10 }],
      [BYTES_IN_ORDERS, { Count: 4 }],
      [ACTIVE_CONTROLLERS, { Value: 1 }],
    ],
  );
  assert.deepEqual(result.failures, []);
  assert.equal(result.requests, 1);

  assert.equal(posts.length, 1);
  const [post] = posts;
  assert.equal(post!.method, 'POST');
  assert.equal(post!.url, '/jolokia/?canonicalNaming=false&ignoreErrors=true');
  assert.equal(post!.contentType, 'application/json');
  assert.deepEqual(post!.body, [
    { type: 'read', mbean: 'kafka.server:type=BrokerTopicMetrics,*', config: READ_CONFIG },
    { type: 'read', mbean: ACTIVE_CONTROLLERS, config: READ_CONFIG },
  ]);
});

test('a pattern or MBean that is not there (404) is no failure', async () => {
  answer = (request) => (request.mbean === ACTIVE_CONTROLLERS ? { status: 200, value: { Value: 1 } } : NOT_FOUND);
  const result = await readMBeans(
    endpoint,
    ['kafka.cluster:*', 'kafka.utils:type=Throttler,name=cleaner-io', ACTIVE_CONTROLLERS],
    signal(),
  );
  assert.deepEqual([...result.beans], [[ACTIVE_CONTROLLERS, { Value: 1 }]]);
  assert.deepEqual(result.failures, []);
  assert.equal(result.requests, 1);
});

test('a plain MBean read that fails is a failure with the agent reason, and is not read again', async () => {
  answer = () => ({ status: 500, error_type: 'java.lang.IllegalStateException', error: 'java.lang.IllegalStateException: broken' });
  const result = await readMBeans(endpoint, [ACTIVE_CONTROLLERS], signal());
  assert.equal(result.beans.size, 0);
  assert.deepEqual(result.failures, [`${ACTIVE_CONTROLLERS}: java.lang.IllegalStateException: broken`]);
  assert.equal(result.requests, 1);
});

test('a pattern read that fails as a whole is searched and read bean by bean; one bad bean costs only itself', async () => {
  const good = 'kafka.log:type=Log,name=Size,topic=orders,partition=0';
  const bad = 'kafka.log:type=Log,name=Size,topic=payments,partition=0';
  answer = (request) => {
    if (request.mbean === ACTIVE_CONTROLLERS) return { status: 200, value: { Value: 1 } };
    if (request.type === 'search') return { status: 200, value: [good, bad] };
    if (request.mbean === 'kafka.log:type=Log,*' || request.mbean === bad) {
      return { status: 500, error_type: 'java.lang.RuntimeException', error: `java.lang.RuntimeException: cannot read ${request.mbean}` };
    }
    return { status: 200, value: { Value: 2048 } };
  };
  const result = await readMBeans(endpoint, ['kafka.log:type=Log,*', ACTIVE_CONTROLLERS], signal());

  assert.deepEqual(
    [...result.beans],
    [
      [ACTIVE_CONTROLLERS, { Value: 1 }],
      [good, { Value: 2048 }],
    ],
  );
  assert.deepEqual(result.failures, [`${bad}: java.lang.RuntimeException: cannot read ${bad}`]);
  assert.equal(result.requests, 3);
  assert.deepEqual(
    posts.map((post) => post.body),
    [
      [
        { type: 'read', mbean: 'kafka.log:type=Log,*', config: READ_CONFIG },
        { type: 'read', mbean: ACTIVE_CONTROLLERS, config: READ_CONFIG },
      ],
      [{ type: 'search', mbean: 'kafka.log:type=Log,*', config: READ_CONFIG }],
      [
        { type: 'read', mbean: good, config: READ_CONFIG },
        { type: 'read', mbean: bad, config: READ_CONFIG },
      ],
    ],
  );
});

test('an HTTP status other than 200 rejects, naming the request', async () => {
  raw = { status: 403, body: 'Forbidden' };
  await assert.rejects(readMBeans(endpoint, [ACTIVE_CONTROLLERS], signal()), (error: Error) => {
    assert.equal(error.message, `${WHERE}: HTTP 403: Forbidden`);
    return true;
  });
});

test('an answer that is not a bulk answer rejects, naming the request', async () => {
  raw = { status: 200, body: JSON.stringify({ status: 200, value: { Value: 1 } }) };
  await assert.rejects(readMBeans(endpoint, [ACTIVE_CONTROLLERS], signal()), (error: Error) => {
    assert.equal(error.message, `${WHERE}: not a Jolokia bulk answer (expected a JSON array of 1 responses)`);
    return true;
  });
  raw = { status: 200, body: '[]' };
  await assert.rejects(readMBeans(endpoint, [ACTIVE_CONTROLLERS], signal()), /not a Jolokia bulk answer/);
});

test('basic auth as configured; a refusal names the request and never the password', async () => {
  raw = { status: 401, body: 'Unauthorized' };
  const secured = { ...endpoint, username: 'sonar', password: 's3cret-pw' };
  await assert.rejects(readMBeans(secured, [BYTES_IN], signal()), (error: Error) => {
    assert.equal(error.message, `${WHERE}: HTTP 401: Unauthorized`);
    assert.ok(!error.message.includes('s3cret-pw'));
    return true;
  });
  assert.equal(posts[0]!.authorization, `Basic ${Buffer.from('sonar:s3cret-pw').toString('base64')}`);
});

test('an answer larger than the endpoint allows fails the read, naming the limit', async () => {
  answer = () => ({ status: 200, value: { [BYTES_IN]: { Count: 10, Padding: 'x'.repeat(4096) } } });
  await assert.rejects(readMBeans({ ...endpoint, maxBodyBytes: 1024 }, [BYTES_IN], signal()), /answer larger than 1024 bytes/);
});
