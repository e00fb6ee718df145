/**
 * npm postinstall: the capture addon `cap` 0.2.1 hard-codes a 65535-byte snap length. A full-size
 * IPv4 packet (total length up to 65535) plus its link header is longer: loopback (MTU 65536) and
 * GRO/GSO super-packets lose their last bytes, and the records they carry. This raises the snap
 * length to fit the largest IP packet with an Ethernet header and two VLAN tags. It stays small on
 * purpose: in immediate mode libpcap gives every packet a ring slot of the snap length, so libpcap's
 * usual 262144 would hold four times fewer packets in the same capture buffer. The addon is rebuilt;
 * when anything goes wrong the original stays.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SNAP_LENGTH = 65_600;
const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}/node_modules/cap/src/binding.cc`;
const PATCHED = `pcap_set_snaplen(obj->pcap_handle, ${SNAP_LENGTH})`;
const PATCHED_BEFORE = /pcap_set_snaplen\(obj->pcap_handle, \d+\)/;

function rebuild(): void {
  execFileSync('npm', ['rebuild', 'cap', '--ignore-scripts=false'], { cwd: root, stdio: 'inherit' });
}

function main(): void {
  if (!existsSync(source)) {
    process.stderr.write('patch-capture-addon: the optional capture addon (cap) is not installed: live capture will be unavailable\n');
    return;
  }
  const text = readFileSync(source, 'utf8');
  if (text.includes(PATCHED)) return;
  if (!PATCHED_BEFORE.test(text)) {
    process.stderr.write('patch-capture-addon: cap\'s source is not the expected 0.2.1: left as it is (snap length 65535)\n');
    return;
  }
  writeFileSync(source, text.replace(PATCHED_BEFORE, PATCHED));
  try {
    rebuild();
  } catch (error) {
    process.stderr.write(`patch-capture-addon: rebuilding cap with a ${SNAP_LENGTH}-byte snap length failed (${(error as Error).message}); restoring the original\n`);
    writeFileSync(source, text);
    try { rebuild(); } catch { /* the original build failure is reported by npm */ }
  }
}

main();
