/**
 * npm postinstall: four changes to the capture addon `cap` 0.2.1, then a rebuild.
 *
 * - Snap length. cap hard-codes 65535 bytes. A full-size IPv4 packet (total length up to 65535) plus
 *   its link header is longer: loopback (MTU 65536) and GRO/GSO super-packets lose their last bytes,
 *   and the records they carry. The snap length becomes the largest IP packet with an Ethernet header
 *   and two VLAN tags. It stays small on purpose: libpcap sizes the capture buffer's slots (immediate
 *   mode) or blocks (TPACKET_V3) from it, and libpcap's usual 262144 would make them four times larger.
 * - Drop statistics. cap has no way to read pcap_stats(); a `stats()` method returns the packets the
 *   kernel dropped for lack of buffer space and those the interface dropped.
 * - Batched delivery. cap calls JavaScript once per packet, without the packet's time, and opens the
 *   capture in immediate mode, where libpcap gives every packet a ring slot of the snap length: a
 *   32 MiB buffer holds 256 packets, a few milliseconds of Ethernet traffic. With `setBatching(true)`
 *   before `open()`, immediate mode stays off, so the kernel packs packets densely into blocks
 *   (TPACKET_V3) handed over when full or after 50 ms; every packet ready at a wake-up goes into the
 *   buffer behind a 16-byte header (captured length, length on the wire, seconds, microseconds, as
 *   native 32-bit integers), and `packets` (bytes used, packet count) is emitted once per batch. The
 *   packets keep the kernel's capture time, so the delay does not change measured latencies.
 * - Capture failures. When the interface goes away under a running capture, cap asserts (`status == 0`
 *   in its poll callback) and aborts the whole process, or spins on a descriptor that keeps failing. The
 *   poll is stopped instead and a `failure` event says why (libuv's or libpcap's message), so the agent
 *   can report the capture down and open it again.
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

const BATCH_MEMBERS = `
    bool batching = false;
    size_t batch_used = 0;
    uint32_t batch_count = 0;
    static constexpr size_t BATCH_HEADER = 16;
    static constexpr int BATCH_TIMEOUT_MS = 50;

    void AppendToBatch(const struct pcap_pkthdr* pkt_hdr, const u_char* pkt_data) {
      if (closing) return;
      size_t copy_len = pkt_hdr->caplen;
      if (BATCH_HEADER + copy_len > buffer_length) copy_len = buffer_length - BATCH_HEADER;
      if (batch_used + BATCH_HEADER + copy_len > buffer_length) FlushBatch();
      if (closing) return;
      uint32_t header[4] = { (uint32_t)copy_len, (uint32_t)pkt_hdr->len, (uint32_t)pkt_hdr->ts.tv_sec, (uint32_t)pkt_hdr->ts.tv_usec };
      memcpy(buffer_data + batch_used, header, BATCH_HEADER);
      memcpy(buffer_data + batch_used + BATCH_HEADER, pkt_data, copy_len);
      batch_used += BATCH_HEADER + copy_len;
      batch_count++;
    }

    void FlushBatch() {
      if (batch_count == 0) return;
      Nan::HandleScope scope;
      Local<Value> emit_argv[3] = {
        Nan::New<String>(packets_symbol),
        Nan::New<Number>(batch_used),
        Nan::New<Number>(batch_count)
      };
      batch_used = 0;
      batch_count = 0;
      async_res.runInAsyncScope(Nan::New<Object>(persistent()), Nan::New<Function>(Emit), 3, emit_argv);
    }

    static NAN_METHOD(SetBatching) {
      Pcap *obj = Nan::ObjectWrap::Unwrap<Pcap>(info.This());
      obj->batching = Nan::To<bool>(info[0]).FromJust();
    }

    static void EmitPacket(u_char* user,
                           const struct pcap_pkthdr* pkt_hdr,
                           const u_char* pkt_data) {
      Nan::HandleScope scope;
      Pcap *obj = (Pcap*) user;
      if (obj->batching) return obj->AppendToBatch(pkt_hdr, pkt_data);
`;

const FAILURE_MEMBER = `
#ifndef _WIN32
    void ReportFailure(const char* reason) {
      uv_poll_stop(&poll_handle);
      Nan::HandleScope scope;
      Local<Value> emit_argv[2] = {
        Nan::New<String>("failure").ToLocalChecked(),
        Nan::New<String>(reason).ToLocalChecked()
      };
      async_res.runInAsyncScope(Nan::New<Object>(persistent()), Nan::New<Function>(Emit), 2, emit_argv);
    }
#endif

    static NAN_METHOD(New) {`;

/** Applies every step, or nothing when one does not find its place. */
function replaceAll(text: string, steps: readonly [RegExp, string][]): string | undefined {
  let result: string | undefined = text;
  for (const [pattern, replacement] of steps) result = result && replaceOnce(result, pattern, replacement);
  return result;
}

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
      return (
        withMethod &&
        replaceOnce(
          withMethod,
          /(Nan::SetPrototypeMethod\(tpl, "close", Close\);)/,
          '$1\n      Nan::SetPrototypeMethod(tpl, "stats", Stats);',
        )
      );
    },
  },
  {
    name: 'batched delivery',
    applied: (text) => text.includes('NAN_METHOD(SetBatching)'),
    apply: (text) =>
      replaceAll(text, [
        [/(static Nan::Persistent<String> packet_symbol;)/, '$1\nstatic Nan::Persistent<String> packets_symbol;'],
        [
          /\n    static void EmitPacket\(u_char\* user,\n\s+const struct pcap_pkthdr\* pkt_hdr,\n\s+const u_char\* pkt_data\) \{\n\s+Nan::HandleScope scope;\n\s+Pcap \*obj = \(Pcap\*\) user;\n/,
          BATCH_MEMBERS,
        ],
        [/(\n        \} while \(packet_count > 0 && !obj->closing\);\n)/, '$1        if (!obj->closing) obj->FlushBatch();\n'],
        [
          /(packet_symbol\.Reset\(Nan::New<String>\("packet"\)\.ToLocalChecked\(\)\);)/,
          '$1\n      packets_symbol.Reset(Nan::New<String>("packets").ToLocalChecked());',
        ],
        [/(Nan::SetPrototypeMethod\(tpl, "close", Close\);)/, '$1\n      Nan::SetPrototypeMethod(tpl, "setBatching", SetBatching);'],
        [/pcap_set_timeout\(obj->pcap_handle, 1000\)/, 'pcap_set_timeout(obj->pcap_handle, obj->batching ? BATCH_TIMEOUT_MS : 1000)'],
        [/if \(set_immediate_mode != nullptr\)/, 'if (set_immediate_mode != nullptr && !obj->batching)'],
      ]),
  },
  {
    name: 'capture failures reported',
    applied: (text) => text.includes('ReportFailure'),
    apply: (text) =>
      replaceAll(text, [
        [/\n    static NAN_METHOD\(New\) \{/, FAILURE_MEMBER],
        [
          /(static void cb_packets\(uv_poll_t\* handle, int status, int events\) \{\n)\s+assert\(status == 0\);\n(\s+Pcap \*obj = \(Pcap\*\)handle->data;\n\s+int packet_count);/,
          '$1$2 = 0;\n      if (status != 0 && !obj->closing) return obj->ReportFailure(uv_strerror(status));',
        ],
        [
          /(\n        if \(!obj->closing\) obj->FlushBatch\(\);\n)(\n        obj->handling_packets = false;\n)/,
          '$1$2        if (packet_count == PCAP_ERROR && !obj->closing) return obj->ReportFailure(pcap_geterr(obj->pcap_handle));\n',
        ],
      ]),
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
    if (patched === undefined)
      process.stderr.write(`patch-capture-addon: cap's source is not the expected 0.2.1: ${patch.name} not applied\n`);
    else text = patched;
  }
  if (text === original) return;
  writeFileSync(source, text);
  try {
    rebuild();
  } catch (error) {
    process.stderr.write(
      `patch-capture-addon: rebuilding cap with its patches failed (${(error as Error).message}); restoring the original\n`,
    );
    writeFileSync(source, original);
    try {
      rebuild();
    } catch {
      /* the original build failure is reported by npm */
    }
  }
}

main();
