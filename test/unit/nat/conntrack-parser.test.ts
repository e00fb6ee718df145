import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConntrackLine, type ConntrackEntry } from '../../../src/nat/conntrack-parser.ts';
import { canonicalIp } from '../../../src/nat/ip-text.ts';

const fixture = (name: string): string[] =>
  readFileSync(new URL(`../../fixtures/nat/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '');

const tcpEntries = (lines: readonly string[]): ConntrackEntry[] =>
  lines.map(parseConntrackLine).filter((entry): entry is ConntrackEntry => typeof entry === 'object');

describe('parseConntrackLine', () => {
  it('reads both tuples, state and flags of a masqueraded IPv4 line from /proc/net/nf_conntrack', () => {
    const line = fixture('proc-nf_conntrack.txt').find((text) => text.includes('TIME_WAIT') && text.startsWith('ipv4'))!;
    assert.deepEqual(parseConntrackLine(line), {
      ipVersion: 4,
      state: 'TIME_WAIT',
      timeoutSeconds: 117,
      original: { src: '10.203.1.2', dst: '10.203.2.2', sport: 43018, dport: 9092 },
      reply: { src: '10.203.2.2', dst: '10.203.2.1', sport: 9092, dport: 43018 },
      flags: ['ASSURED'],
    });
  });

  it('reads the same entries from /proc and from conntrack -L (IPv6 in RFC 5952 form in both)', () => {
    const fromProc = tcpEntries(fixture('proc-nf_conntrack.txt'));
    const fromTool = tcpEntries(fixture('conntrack-L.txt'));
    const order = (entries: ConntrackEntry[]) => entries.map((entry) => JSON.stringify(entry)).sort();
    assert.equal(fromProc.length, 6);
    assert.deepEqual(order(fromProc), order(fromTool));
    const ipv6 = fromProc.filter((entry) => entry.ipVersion === 6);
    assert.equal(ipv6.length, 2);
    for (const entry of ipv6) {
      assert.deepEqual(
        [entry.original.src, entry.original.dst, entry.reply.src, entry.reply.dst],
        ['fd00:203:1::2', 'fd00:203:2::2', 'fd00:203:2::2', 'fd00:203:2::1'],
      );
    }
  });

  it('reads an unreplied SYN_SENT entry, whose flag sits between the tuples', () => {
    const line = fixture('conntrack-L.txt').find((text) => text.includes('SYN_SENT'))!;
    const entry = parseConntrackLine(line) as ConntrackEntry;
    assert.equal(entry.state, 'SYN_SENT');
    assert.deepEqual(entry.flags, ['UNREPLIED']);
    assert.deepEqual(entry.reply, { src: '10.203.2.99', dst: '10.203.2.1', sport: 9092, dport: 42756 });
  });

  it("keeps the DNAT entry's original destination (the virtual address) apart from the real server", () => {
    const entry = tcpEntries(fixture('proc-nf_conntrack.txt')).find((candidate) => candidate.original.dst === '10.203.3.10')!;
    assert.equal(entry.reply.src, '10.203.2.2');
    assert.equal(entry.reply.dst, '10.203.2.1');
  });

  it('tells UDP lines from malformed ones', () => {
    for (const name of ['proc-nf_conntrack.txt', 'conntrack-L.txt']) {
      assert.equal(parseConntrackLine(fixture(name).find((text) => /^(ipv4\s+2\s+)?udp\s/.test(text))!), 'not-tcp');
    }
    for (const line of [
      '',
      'garbage line',
      'tcp 6 abc ESTABLISHED',
      'tcp 6 10 ESTABLISHED src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2',
      'tcp 6 10 ESTABLISHED src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 src=1.2.3.5 dst=1.2.3.4 sport=99999 dport=1',
      'ipv6 10 tcp 6 10 ESTABLISHED src=1.2.3.4 dst=1.2.3.5 sport=1 dport=2 src=1.2.3.5 dst=1.2.3.4 sport=2 dport=1',
    ]) {
      assert.equal(parseConntrackLine(line), 'malformed', line);
    }
  });

  it('ignores accounting and other key=value fields between and after the tuples', () => {
    const line =
      'ipv4     2 tcp      6 300 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=9092 packets=3 bytes=180 ' +
      'src=10.0.0.2 dst=10.0.0.9 sport=9092 dport=61000 packets=2 bytes=120 [ASSURED] mark=0 secctx=system_u zone=0 use=2';
    const entry = parseConntrackLine(line) as ConntrackEntry;
    assert.deepEqual(entry.original, { src: '10.0.0.1', dst: '10.0.0.2', sport: 5000, dport: 9092 });
    assert.deepEqual(entry.reply, { src: '10.0.0.2', dst: '10.0.0.9', sport: 9092, dport: 61000 });
  });

  it('reads any generated tcp line back, in both formats', () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join('.'));
    const port = fc.integer({ min: 0, max: 65535 });
    const tuple = fc.record({ src: ipv4, dst: ipv4, sport: port, dport: port });
    fc.assert(
      fc.property(tuple, tuple, fc.boolean(), fc.constantFrom('ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT'), (original, reply, proc, state) => {
        const text = (t: typeof original) => `src=${t.src} dst=${t.dst} sport=${t.sport} dport=${t.dport}`;
        const line = `${proc ? 'ipv4     2 ' : ''}tcp      6 42 ${state} ${text(original)} ${text(reply)} [ASSURED] mark=0 use=1`;
        assert.deepEqual(parseConntrackLine(line), {
          ipVersion: 4,
          state,
          timeoutSeconds: 42,
          original: { ...original },
          reply: { ...reply },
          flags: ['ASSURED'],
        });
      }),
    );
  });
});

describe('canonicalIp', () => {
  it('prints IPv6 as the sniffer does (RFC 5952), whatever the input form', () => {
    assert.equal(canonicalIp('fd00:0203:0001:0000:0000:0000:0000:0002'), 'fd00:203:1::2');
    assert.equal(canonicalIp('0000:0000:0000:0000:0000:0000:0000:0001'), '::1');
    assert.equal(canonicalIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(canonicalIp('::ffff:10.1.2.3'), '::ffff:10.1.2.3');
    assert.equal(canonicalIp('FE80::A'), 'fe80::a');
    assert.equal(canonicalIp('10.1.2.3'), '10.1.2.3');
    assert.equal(canonicalIp('not-an-address'), undefined);
  });
});
