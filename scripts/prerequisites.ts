/**
 * The system programs the tests use, installed from Debian's packages when missing (as root),
 * so `npm test` works on a clean machine; the native capture addon is rebuilt once libpcap is there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Prerequisite {
  readonly package: string;
  readonly present: () => boolean;
}

const onPath = (command: string) => (): boolean => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

const PREREQUISITES: readonly Prerequisite[] = [
  { package: 'libpcap-dev', present: () => existsSync('/usr/include/pcap.h') || existsSync('/usr/include/pcap/pcap.h') },
  { package: 'tcpdump', present: onPath('tcpdump') },
  { package: 'tshark', present: onPath('tshark') },
  { package: 'kcat', present: onPath('kcat') },
  { package: 'prometheus', present: onPath('promtool') },
  { package: 'prometheus-alertmanager', present: onPath('prometheus-alertmanager') },
  { package: 'openjdk-17-jdk-headless', present: onPath('java') },
  { package: 'maven', present: onPath('mvn') },
  { package: 'conntrack', present: onPath('conntrack') },
  { package: 'nftables', present: onPath('nft') },
  { package: 'iproute2', present: onPath('ip') },
];

function captureAddonLoads(root: string): boolean {
  try {
    createRequire(`${root}/package.json`)('cap');
    return true;
  } catch {
    return false;
  }
}

export function ensurePrerequisites(root: string): void {
  const missing = PREREQUISITES.filter((prerequisite) => !prerequisite.present()).map((prerequisite) => prerequisite.package);
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      throw new Error(`missing system packages: ${missing.join(' ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
    }
    process.stderr.write(`installing missing Debian packages: ${missing.join(' ')}\n`);
    const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: environment });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env: environment });
  }
  if (!captureAddonLoads(root)) {
    process.stderr.write('building the capture addon (cap) against Node 22\n');
    // npm drops an optional dependency whose build failed (libpcap-dev was missing at npm ci time).
    const args = existsSync(`${root}/node_modules/cap`) ? ['rebuild', 'cap'] : ['install', '--no-save', 'cap@0.2.1'];
    execFileSync('npm', args, { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, [`${root}/scripts/patch-capture-addon.ts`], { cwd: root, stdio: 'inherit' });
    if (!captureAddonLoads(root)) throw new Error('the capture addon (npm package cap) does not load even after npm rebuild cap');
  }
}
