// The conntrack mapping on a real NAT: client and server in their own network namespaces, a router
// namespace between them that masquerades (and DNATs a virtual address, like a Kubernetes Service),
// and the resolver run inside the router namespace, where the translation happens.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import { run, withTopology, withVethPair, type Netns } from '../support/netns.ts';
import type { AddressPort } from '../../src/nat/client-address-resolver.ts';
import type { ConntrackStatus, NatTranslation } from '../../src/nat/conntrack-table.ts';

const node = process.execPath;
const tableModule = new URL('../../src/nat/conntrack-table.ts', import.meta.url).href;
const PORT = 9092;

const SERVER = `
const net = require('node:net');
const sockets = [];
for (const host of ['0.0.0.0', '::']) {
  net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    console.log(JSON.stringify({ remote: { ip: socket.remoteAddress, port: socket.remotePort }, local: { ip: socket.localAddress, port: socket.localPort } }));
  }).listen({ host, port: ${PORT}, ipv6Only: host === '::' }, () => console.log(JSON.stringify({ listening: host })));
}`;

const CLIENT = `
const net = require('node:net');
const socket = net.connect({ host: process.argv[1], port: Number(process.argv[2]) }, () =>
  console.log(JSON.stringify({ local: { ip: socket.localAddress, port: socket.localPort } })));
socket.on('error', (error) => { console.error(error.message); process.exit(1); });
process.stdin.on('end', () => socket.destroy()).resume();`;

const RESOLVER = `
const { ConntrackTable } = await import(${JSON.stringify(tableModule)});
const { options, queries } = JSON.parse(process.env.RESOLVER_INPUT);
const table = new ConntrackTable(options);
const status = await table.refresh();
const results = queries.map(({ client, broker }) => ({ originalClient: table.originalClient(client, broker) ?? null, lookup: table.lookup(client, broker) ?? null }));
console.log(JSON.stringify({ status, results }));`;

interface Resolved {
  status: ConntrackStatus;
  results: Array<{ originalClient: AddressPort | null; lookup: NatTranslation | null }>;
}

async function resolveIn(
  namespace: Netns,
  options: object,
  queries: Array<{ client: AddressPort; broker: AddressPort }>,
  runAs: string[] = [],
): Promise<Resolved> {
  const input = JSON.stringify({ options, queries });
  const command = runAs.length > 0 ? runAs[0]! : node;
  const args = [...runAs.slice(1), ...(runAs.length > 0 ? [node] : []), '--input-type=module', '-e', RESOLVER];
  const { stdout } = await namespace.exec('env', [`RESOLVER_INPUT=${input}`, command, ...args]);
  return JSON.parse(stdout) as Resolved;
}

function jsonLines(
  child: ChildProcess,
): (predicate: (value: Record<string, unknown>) => boolean, what: string) => Promise<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim() !== '') seen.push(JSON.parse(line) as Record<string, unknown>);
    waiters.splice(0).forEach((wake) => wake());
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return async (predicate, what) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = seen.find(predicate);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`${what}: nothing within 10 s (stderr: ${stderr})`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
}

/** Starts the server, connects the client to `target`; returns what each side saw of the connection. */
async function connect(
  server: Netns,
  client: Netns,
  target: string,
): Promise<{ clientLocal: AddressPort; serverRemote: AddressPort; serverLocal: AddressPort }> {
  const serverOutput = jsonLines(server.spawn(node, ['-e', SERVER]));
  await serverOutput((line) => line['listening'] === '::', 'server listening');
  const clientOutput = jsonLines(client.spawn(node, ['-e', CLIENT, target, String(PORT)]));
  const clientLocal = (await clientOutput((line) => 'local' in line, `client connected to ${target}`))['local'] as AddressPort;
  const accepted = await serverOutput((line) => 'remote' in line, 'server accepted');
  return {
    clientLocal,
    serverRemote: normalise(accepted['remote'] as AddressPort),
    serverLocal: normalise(accepted['local'] as AddressPort),
  };
}

function normalise(endpoint: AddressPort): AddressPort {
  return { ip: endpoint.ip.replace(/^::ffff:/, ''), port: endpoint.port };
}

describe('conntrack mapping through a masquerading router (network namespaces)', () => {
  for (const source of ['proc', 'tool'] as const) {
    it(`maps the router's address the server sees back to the IPv4 client (${source === 'proc' ? '/proc/net/nf_conntrack' : 'conntrack -L'})`, async () => {
      await withTopology(async ({ client, router, server, addresses }) => {
        const seen = await connect(server, client, addresses.server);
        assert.equal(seen.clientLocal.ip, addresses.client);
        assert.equal(seen.serverRemote.ip, addresses.routerServerSide, 'the server sees the router, not the client');
        const resolved = await resolveIn(router, { source, brokerPorts: [PORT] }, [
          { client: seen.serverRemote, broker: seen.serverLocal },
          { client: { ip: addresses.routerServerSide, port: seen.serverRemote.port + 1 }, broker: seen.serverLocal },
        ]);
        assert.equal(resolved.status.state, 'ready', JSON.stringify(resolved.status));
        assert.deepEqual(resolved.results[0]!.originalClient, seen.clientLocal);
        assert.equal(resolved.results[0]!.lookup!.state, 'ESTABLISHED');
        assert.equal(resolved.results[1]!.originalClient, null);
      });
    });
  }

  it("maps an IPv6 client behind the masquerade back, in the sniffer's address form", async () => {
    await withTopology(async ({ client, router, server, addresses }) => {
      const seen = await connect(server, client, addresses.server6);
      assert.equal(seen.serverRemote.ip, addresses.routerServerSide6);
      const resolved = await resolveIn(router, { source: 'proc', brokerPorts: [PORT] }, [
        { client: seen.serverRemote, broker: seen.serverLocal },
      ]);
      assert.deepEqual(resolved.results[0]!.originalClient, { ip: addresses.client6, port: seen.clientLocal.port });
    });
  });

  it('finds a connection made to a virtual address (DNAT, like a Service) under the real server, keeping the virtual address', async () => {
    await withTopology(async ({ client, router, server, addresses }) => {
      const seen = await connect(server, client, addresses.virtual);
      assert.deepEqual(seen.serverLocal, { ip: addresses.server, port: PORT });
      const resolved = await resolveIn(router, { brokerPorts: [PORT] }, [{ client: seen.serverRemote, broker: seen.serverLocal }]);
      assert.deepEqual(resolved.results[0]!.lookup, {
        originalClient: seen.clientLocal,
        originalBroker: { ip: addresses.virtual, port: PORT },
        state: 'ESTABLISHED',
      });
    });
  });

  it('says the table is unavailable, and why, without root or when the file is missing', async () => {
    await withTopology(async ({ client, router, server, addresses }) => {
      const seen = await connect(server, client, addresses.server);
      const query = [{ client: seen.serverRemote, broker: seen.serverLocal }];
      const unprivileged = await resolveIn(router, {}, query, [
        'setpriv',
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        '--inh-caps=-all',
      ]);
      assert.equal(unprivileged.status.state, 'unavailable');
      assert.match(
        unprivileged.status.state === 'unavailable' ? unprivileged.status.reason : '',
        /^\/proc\/net\/nf_conntrack: permission denied \(reading the conntrack table needs root or CAP_NET_ADMIN\); conntrack -L -p tcp -f ipv4 failed \(exit 1\): .*you must be root or get CAP_NET_ADMIN/,
      );
      assert.equal(unprivileged.results[0]!.originalClient, null);

      const missing = await resolveIn(router, { source: 'proc', file: '/proc/net/nf_conntrack_missing' }, query);
      assert.deepEqual(missing.status, {
        state: 'unavailable',
        reason:
          '/proc/net/nf_conntrack_missing is missing (the nf_conntrack module is not loaded, or this kernel has no /proc/net/nf_conntrack)',
      });
    });
  });
});

describe('network namespace helpers', () => {
  it('join two namespaces by a veth pair with MTU 1500, and remove them even when the test body throws', async () => {
    let names: string[] = [];
    await assert.rejects(
      withVethPair(async ({ a, b, aInterface, bInterface, addresses }) => {
        names = [a.name, b.name];
        for (const [namespace, device] of [
          [a, aInterface],
          [b, bInterface],
        ] as const) {
          assert.match((await namespace.exec('ip', ['link', 'show', device])).stdout, / mtu 1500 .* state UP /);
        }
        await b
          .exec('ip', ['-o', 'addr', 'show', 'dev', bInterface])
          .then(({ stdout }) => assert.match(stdout, new RegExp(`inet ${addresses.b.replaceAll('.', '\\.')}/24`)));
        const seen = await connect(b, a, addresses.b);
        assert.equal(seen.serverRemote.ip, addresses.a);
        throw new Error('the test body failed');
      }),
      /the test body failed/,
    );
    const list = (await run('ip', ['netns', 'list'])).stdout;
    assert.equal(names.length, 2);
    for (const name of names) assert.ok(!list.includes(name), `${name} is still there:\n${list}`);
  });
});
