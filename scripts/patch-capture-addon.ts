/**
 * npm postinstall: two changes to the capture addon `cap` 0.2.1, then a rebuild.
 *
 * - Snap length. cap hard-codes 65535 bytes. A full-size IPv4 packet (total length up to 65535) plus
 *   its link header is longer: loopback (MTU 65536) and GRO/GSO super-packets lose their last bytes,
 *   and the records they carry. The snap length becomes the largest IP packet with an Ethernet header
 *   and two VLAN tags. It stays small on purpose: in immediate mode libpcap gives every packet a ring
 *   slot of the snap length, so libpcap's usual 262144 would hold four times fewer packets in the
 *   same capture buffer.
 * - Drop statistics. cap has no way to read pcap_stats(); a `stats()` method returns the packets the
 *   kernel dropped for lack of buffer space and those the interface dropped.
 *
 * When the rebuild fails the original source is restored and rebuilt.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SNAP_LENGTH = 65_600;
const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}/node_modules/cap/src/binding.cc`;

const STATS_METHOD = `
    static NAN_METHOD(Stats) {
      Pcap *obj = Nan::ObjectWrap::Unwrap<Pcap>(info.This());
      struct pcap_stat stat;
      if (obj->pcap_handle == nullptr || pcap_stats(obj->pcap_handle, &stat) != 0)
        return;
      Local<Object> result = Nan::New<Object>();
      Nan::Set(result, Nan::New<String>("received").ToLocalChecked(), Nan::New<Number>(stat.ps_recv));
      Nan::Set(result, Nan::New<String>("dropped").ToLocalChecked(), Nan::New<Number>(stat.ps_drop));
      Nan::Set(result, Nan::New<String>("interfaceDropped").ToLocalChecked(), Nan::New<Number>(stat.ps_ifdrop));
      info.GetReturnValue().Set(result);
    }

    static void Initialize(Local<Object> target) {`;

interface SourcePatch {
  readonly name: string;
  readonly applied: (text: string) => boolean;
  readonly apply: (text: string) => string | undefined;
}

const PATCHES: readonly SourcePatch[] = [
  {
    name: `snap length ${SNAP_LENGTH}`,
    applied: (text) => text.includes(`pcap_set_snaplen(obj->pcap_handle, ${SNAP_LENGTH})`),
    apply: (text) => replaceOnce(text, /pcap_set_snaplen\(obj->pcap_handle, \d+\)/, `pcap_set_snaplen(obj->pcap_handle, ${SNAP_LENGTH})`),
  },
  {
    name: 'stats() method',
    applied: (text) => text.includes('NAN_METHOD(Stats)'),
    apply: (text) => {
      const withMethod = replaceOnce(text, /\n    static void Initialize\(Local<Object> target\) \{/, STATS_METHOD);
      return withMethod && replaceOnce(withMethod, /(Nan::SetPrototypeMethod\(tpl, "close", Close\);)/, '$1\n      Nan::SetPrototypeMethod(tpl, "stats", Stats);');
    },
  },
];

function replaceOnce(text: string, pattern: RegExp, replacement: string): string | undefined {
  return pattern.test(text) ? text.replace(pattern, replacement) : undefined;
}

function rebuild(): void {
  execFileSync('npm', ['rebuild', 'cap', '--ignore-scripts=false'], { cwd: root, stdio: 'inherit' });
}

function main(): void {
  if (!existsSync(source)) {
    process.stderr.write('patch-capture-addon: the optional capture addon (cap) is not installed: live capture will be unavailable\n');
    return;
  }
  const original = readFileSync(source, 'utf8');
  let text = original;
  for (const patch of PATCHES) {
    if (patch.applied(text)) continue;
    const patched = patch.apply(text);
    if (patched === undefined) process.stderr.write(`patch-capture-addon: cap's source is not the expected 0.2.1: ${patch.name} not applied\n`);
    else text = patched;
  }
  if (text === original) return;
  writeFileSync(source, text);
  try {
    rebuild();
  } catch (error) {
    process.stderr.write(`patch-capture-addon: rebuilding cap with its patches failed (${(error as Error).message}); restoring the original\n`);
    writeFileSync(source, original);
    try { rebuild(); } catch { /* the original build failure is reported by npm */ }
  }
}

main();
