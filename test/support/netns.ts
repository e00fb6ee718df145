/**
 * Network namespaces for tests: namespaces, veth pairs with a chosen MTU, routes, NAT rules and
 * processes inside them. Everything a lab creates is removed when it is destroyed, which
 * withNetns/withTopology/withVethPair always do (also when the test fails), and at process exit.
 * Addresses come from 10.203.0.0/16 and exist only inside the namespaces.
 */
import { execFile, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const PREFIX = 'sonar-t';
const live = new Set<NetnsLab>();
let counter = 0;

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message.split('\n')[0]}\n${stderr}`.trimEnd()));
        else resolve({ stdout, stderr });
      },
    );
    child.stdin?.on('error', () => {
      /* the command did not read its input; its exit status tells */
    });
    child.stdin?.end(options.input);
  });
}

export class Netns {
  readonly name: string;
  readonly #lab: NetnsLab;

  constructor(name: string, lab: NetnsLab) {
    this.name = name;
    this.#lab = lab;
  }

  exec(command: string, args: readonly string[] = [], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
    return run('ip', ['netns', 'exec', this.name, command, ...args], options);
  }

  /** A long-running process inside the namespace; the lab kills it when destroyed. */
  spawn(command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    this.#lab.track(child);
    return child;
  }
}

export interface LinkOptions {
  /** 1500 by default, as on an Ethernet card. */
  readonly mtu?: number;
}

export interface Link {
  /** The interface in the first namespace and the one in the second. */
  readonly aInterface: string;
  readonly bInterface: string;
}

export class NetnsLab {
  readonly id: string;
  readonly #namespaces: Netns[] = [];
  readonly #children = new Set<ChildProcess>();
  /** veth ends this lab put in the root namespace (deleted with their peer's namespace, and explicitly). */
  readonly #rootInterfaces: string[] = [];
  #links = 0;
  #destroyed = false;

  private constructor(id: string) {
    this.id = id;
  }

  /** Fails with what is missing when this machine cannot create network namespaces. */
  static async create(): Promise<NetnsLab> {
    if (process.getuid?.() !== 0) throw new Error('network namespace tests need root (CAP_SYS_ADMIN and CAP_NET_ADMIN): run them as root');
    await run('ip', ['-V']).catch((error: Error) => {
      throw new Error(`network namespace tests need iproute2 (apt-get install -y iproute2): ${error.message}`);
    });
    removeStaleNamespaces();
    const lab = new NetnsLab(`${process.pid.toString(36)}-${(counter++).toString(36)}${randomBytes(2).toString('hex')}`);
    live.add(lab);
    return lab;
  }

  async namespace(role: string): Promise<Netns> {
    const name = `${PREFIX}-${this.id}-${role}`;
    await run('ip', ['netns', 'add', name]);
    const namespace = new Netns(name, this);
    this.#namespaces.push(namespace);
    await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return namespace;
  }

  /** A veth pair between two namespaces, with addresses in CIDR form (10.203.1.2/24, fd00:203:1::2/64). */
  async link(a: Netns, aAddresses: readonly string[], b: Netns, bAddresses: readonly string[], options: LinkOptions = {}): Promise<Link> {
    const n = this.#links++;
    const aInterface = `veth${n}a`;
    const bInterface = `veth${n}b`;
    await run('ip', [
      'link',
      'add',
      aInterface,
      'netns',
      a.name,
      'mtu',
      String(options.mtu ?? 1500),
      'type',
      'veth',
      'peer',
      'name',
      bInterface,
      'netns',
      b.name,
      'mtu',
      String(options.mtu ?? 1500),
    ]);
    for (const [namespace, device, addresses] of [
      [a, aInterface, aAddresses],
      [b, bInterface, bAddresses],
    ] as const) {
      for (const address of addresses) {
        await run('ip', [
          '-n',
          namespace.name,
          ...(address.includes(':') ? ['-6'] : []),
          'addr',
          'add',
          address,
          'dev',
          device,
          ...(address.includes(':') ? ['nodad'] : []),
        ]);
      }
      await run('ip', ['-n', namespace.name, 'link', 'set', device, 'up']);
    }
    return { aInterface, bInterface };
  }

  /**
   * A veth pair between the root namespace (the host: where the test itself, a test bed or a capture
   * runs) and `b`, with addresses in CIDR form. The root end's name is unique on the host.
   */
  async linkToRoot(rootAddresses: readonly string[], b: Netns, bAddresses: readonly string[], options: LinkOptions = {}): Promise<Link> {
    const aInterface = `sonr${randomBytes(4).toString('hex')}`;
    const bInterface = `veth${this.#links++}b`;
    const mtu = String(options.mtu ?? 1500);
    await run('ip', ['link', 'add', aInterface, 'mtu', mtu, 'type', 'veth', 'peer', 'name', bInterface, 'netns', b.name, 'mtu', mtu]);
    this.#rootInterfaces.push(aInterface);
    for (const address of rootAddresses) {
      await run('ip', [
        ...(address.includes(':') ? ['-6'] : []),
        'addr',
        'add',
        address,
        'dev',
        aInterface,
        ...(address.includes(':') ? ['nodad'] : []),
      ]);
    }
    await run('ip', ['link', 'set', aInterface, 'up']);
    for (const address of bAddresses) {
      await run('ip', [
        '-n',
        b.name,
        ...(address.includes(':') ? ['-6'] : []),
        'addr',
        'add',
        address,
        'dev',
        bInterface,
        ...(address.includes(':') ? ['nodad'] : []),
      ]);
    }
    await run('ip', ['-n', b.name, 'link', 'set', bInterface, 'up']);
    return { aInterface, bInterface };
  }

  async defaultRoute(namespace: Netns, via: string): Promise<void> {
    await run('ip', ['-n', namespace.name, ...(via.includes(':') ? ['-6'] : []), 'route', 'add', 'default', 'via', via]);
  }

  async enableForwarding(namespace: Netns): Promise<void> {
    await namespace.exec('sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
  }

  /**
   * Source NAT of everything leaving `namespace` through `outInterface` (MASQUERADE), and optionally a
   * DNAT of a virtual address to a real one, as a Kubernetes Service does. nft when present, else iptables.
   */
  async nat(
    namespace: Netns,
    rules: { masqueradeOut?: string; dnat?: { virtual: string; port: number; to: string; toPort: number } },
  ): Promise<'nft' | 'iptables'> {
    if (await available('nft')) {
      const lines = ['table inet sonar_test {'];
      if (rules.dnat) {
        const { virtual, port, to, toPort } = rules.dnat;
        const family = to.includes(':') ? 'ip6' : 'ip';
        const target = to.includes(':') ? `[${to}]:${toPort}` : `${to}:${toPort}`;
        lines.push(
          `  chain pre { type nat hook prerouting priority -100; ${family} daddr ${virtual} tcp dport ${port} dnat ${family} to ${target}; }`,
        );
      }
      if (rules.masqueradeOut)
        lines.push(`  chain post { type nat hook postrouting priority 100; oifname "${rules.masqueradeOut}" masquerade; }`);
      lines.push('}');
      await namespace.exec('nft', ['-f', '-'], { input: lines.join('\n') + '\n' });
      return 'nft';
    }
    if (await available('iptables')) {
      if (rules.dnat) {
        const { virtual, port, to, toPort } = rules.dnat;
        await namespace.exec('iptables', [
          '-t',
          'nat',
          '-A',
          'PREROUTING',
          '-p',
          'tcp',
          '-d',
          virtual,
          '--dport',
          String(port),
          '-j',
          'DNAT',
          '--to-destination',
          `${to}:${toPort}`,
        ]);
      }
      if (rules.masqueradeOut) {
        await namespace.exec('iptables', ['-t', 'nat', '-A', 'POSTROUTING', '-o', rules.masqueradeOut, '-j', 'MASQUERADE']);
        await namespace
          .exec('ip6tables', ['-t', 'nat', '-A', 'POSTROUTING', '-o', rules.masqueradeOut, '-j', 'MASQUERADE'])
          .catch(() => {});
      }
      return 'iptables';
    }
    throw new Error('NAT tests need nftables or iptables: apt-get install -y nftables');
  }

  track(child: ChildProcess): void {
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    await Promise.all(
      [...this.#children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    this.destroySync();
  }

  /** Deleting a namespace deletes its veth ends; processes still inside are killed first. */
  destroySync(): void {
    for (const child of this.#children) child.kill('SIGKILL');
    for (const namespace of this.#namespaces) {
      spawnSync('ip', ['netns', 'pids', namespace.name], { encoding: 'utf8' })
        .stdout?.split('\n')
        .filter(Boolean)
        .forEach((pid) => {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            /* already gone */
          }
        });
      spawnSync('ip', ['netns', 'del', namespace.name], { stdio: 'ignore' });
    }
    for (const device of this.#rootInterfaces) spawnSync('ip', ['link', 'del', device], { stdio: 'ignore' });
    live.delete(this);
  }
}

process.once('exit', () => {
  for (const lab of live) lab.destroySync();
});

async function available(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

/** Namespaces of earlier test processes that died before they could clean up. */
function removeStaleNamespaces(): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of list.split('\n')) {
    const match = new RegExp(`^(${PREFIX}-([0-9a-z]+)-\\S+)`).exec(line);
    if (!match) continue;
    const pid = parseInt(match[2]!, 36);
    if (pid !== process.pid && !processAlive(pid)) spawnSync('ip', ['netns', 'del', match[1]!], { stdio: 'ignore' });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withNetns<T>(use: (lab: NetnsLab) => Promise<T>): Promise<T> {
  const lab = await NetnsLab.create();
  try {
    return await use(lab);
  } finally {
    await lab.destroy();
  }
}

export const NAT_ADDRESSES = {
  client: '10.203.1.2',
  routerClientSide: '10.203.1.1',
  routerServerSide: '10.203.2.1',
  server: '10.203.2.2',
  /** A virtual address the router translates to the server (DNAT), like a Kubernetes Service. */
  virtual: '10.203.3.10',
  client6: 'fd00:203:1::2',
  routerClientSide6: 'fd00:203:1::1',
  routerServerSide6: 'fd00:203:2::1',
  server6: 'fd00:203:2::2',
} as const;

export interface NatTopology {
  readonly lab: NetnsLab;
  readonly client: Netns;
  readonly router: Netns;
  readonly server: Netns;
  readonly addresses: typeof NAT_ADDRESSES;
  readonly natTool: 'nft' | 'iptables';
}

export interface NatTopologyOptions extends LinkOptions {
  /** The port the virtual address forwards to on the server (also its own port); 9092 by default. */
  readonly virtualPort?: number;
}

/**
 * client (10.203.1.2) -- router (10.203.1.1 | 10.203.2.1, masquerading towards the server) -- server (10.203.2.2);
 * the same with fd00:203:1::/64 and fd00:203:2::/64, and 10.203.3.10 DNAT-ed to the server.
 */
export async function withTopology<T>(use: (topology: NatTopology) => Promise<T>, options: NatTopologyOptions = {}): Promise<T> {
  return withNetns(async (lab) => {
    const a = NAT_ADDRESSES;
    const client = await lab.namespace('client');
    const router = await lab.namespace('router');
    const server = await lab.namespace('server');
    await lab.link(
      client,
      [`${a.client}/24`, `${a.client6}/64`],
      router,
      [`${a.routerClientSide}/24`, `${a.routerClientSide6}/64`],
      options,
    );
    const toServer = await lab.link(
      router,
      [`${a.routerServerSide}/24`, `${a.routerServerSide6}/64`],
      server,
      [`${a.server}/24`, `${a.server6}/64`],
      options,
    );
    await lab.defaultRoute(client, a.routerClientSide);
    await lab.defaultRoute(client, a.routerClientSide6);
    await lab.enableForwarding(router);
    const port = options.virtualPort ?? 9092;
    const natTool = await lab.nat(router, {
      masqueradeOut: toServer.aInterface,
      dnat: { virtual: a.virtual, port, to: a.server, toPort: port },
    });
    return use({ lab, client, router, server, addresses: a, natTool });
  });
}

export interface VethPair {
  readonly lab: NetnsLab;
  readonly a: Netns;
  readonly b: Netns;
  readonly aInterface: string;
  readonly bInterface: string;
  readonly addresses: { readonly a: string; readonly b: string };
}

/** Two namespaces joined by one veth pair (MTU 1500 unless told): a (10.203.0.1) and b (10.203.0.2). */
export async function withVethPair<T>(use: (pair: VethPair) => Promise<T>, options: LinkOptions = {}): Promise<T> {
  return withNetns(async (lab) => {
    const a = await lab.namespace('a');
    const b = await lab.namespace('b');
    const link = await lab.link(a, ['10.203.0.1/24'], b, ['10.203.0.2/24'], options);
    return use({ lab, a, b, ...link, addresses: { a: '10.203.0.1', b: '10.203.0.2' } });
  });
}
