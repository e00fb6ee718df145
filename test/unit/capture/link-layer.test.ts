import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateIpPacket } from '../../../src/capture/link-layer.ts';
import {
  bsdLoopback,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ethernet,
  ipv4,
  ipv6,
  linuxSll,
  linuxSll2,
  tcp,
} from './support/frames.ts';

const ipv4Packet = ipv4({ payload: tcp() });
const ipv6Packet = ipv6({ payload: tcp() });

describe('link-layer decoding', () => {
  it('Ethernet (DLT 1): IPv4 and IPv6 after 14 bytes', () => {
    assert.deepEqual(locateIpPacket(1, ethernet(ipv4Packet, ETHERTYPE_IPV4)), { ok: true, ipVersion: 4, ipOffset: 14 });
    assert.deepEqual(locateIpPacket(1, ethernet(ipv6Packet, ETHERTYPE_IPV6)), { ok: true, ipVersion: 6, ipOffset: 14 });
  });

  it('Ethernet with 802.1Q, 802.1ad and stacked VLAN tags', () => {
    const single = ethernet(ipv4Packet, ETHERTYPE_IPV4, [{ tpid: 0x8100, vlanId: 10 }]);
    assert.deepEqual(locateIpPacket(1, single), { ok: true, ipVersion: 4, ipOffset: 18 });
    const qinq = ethernet(ipv6Packet, ETHERTYPE_IPV6, [
      { tpid: 0x88a8, vlanId: 100 },
      { tpid: 0x8100, vlanId: 10 },
    ]);
    assert.deepEqual(locateIpPacket(1, qinq), { ok: true, ipVersion: 6, ipOffset: 22 });
    const legacy = ethernet(ipv4Packet, ETHERTYPE_IPV4, [
      { tpid: 0x9100, vlanId: 1 },
      { tpid: 0x9100, vlanId: 2 },
      { tpid: 0x8100, vlanId: 3 },
    ]);
    assert.deepEqual(locateIpPacket(1, legacy), { ok: true, ipVersion: 4, ipOffset: 26 });
  });

  it('Ethernet: other ethertypes are not IP; short frames and cut VLAN tags are truncated', () => {
    assert.deepEqual(locateIpPacket(1, ethernet(Buffer.alloc(28), ETHERTYPE_ARP)), { ok: false, reason: 'not-ip' });
    assert.deepEqual(locateIpPacket(1, Buffer.alloc(13)), { ok: false, reason: 'truncated-link-header' });
    const tagged = ethernet(Buffer.alloc(0), ETHERTYPE_IPV4, [{ tpid: 0x8100, vlanId: 1 }]);
    assert.deepEqual(locateIpPacket(1, tagged.subarray(0, 16)), { ok: false, reason: 'truncated-link-header' });
  });

  it('Linux cooked SLL (113) and SLL2 (276)', () => {
    assert.deepEqual(locateIpPacket(113, linuxSll(ipv4Packet, ETHERTYPE_IPV4)), { ok: true, ipVersion: 4, ipOffset: 16 });
    assert.deepEqual(locateIpPacket(113, linuxSll(ipv6Packet, ETHERTYPE_IPV6)), { ok: true, ipVersion: 6, ipOffset: 16 });
    assert.deepEqual(locateIpPacket(276, linuxSll2(ipv4Packet, ETHERTYPE_IPV4)), { ok: true, ipVersion: 4, ipOffset: 20 });
    assert.deepEqual(locateIpPacket(276, linuxSll2(ipv6Packet, ETHERTYPE_IPV6)), { ok: true, ipVersion: 6, ipOffset: 20 });
    const sllVlan = linuxSll(Buffer.concat([Buffer.from([0, 5, 0x08, 0x00]), ipv4Packet]), 0x8100);
    assert.deepEqual(locateIpPacket(113, sllVlan), { ok: true, ipVersion: 4, ipOffset: 20 });
    assert.deepEqual(locateIpPacket(113, linuxSll(Buffer.alloc(8), ETHERTYPE_ARP)), { ok: false, reason: 'not-ip' });
    assert.deepEqual(locateIpPacket(113, Buffer.alloc(15)), { ok: false, reason: 'truncated-link-header' });
    assert.deepEqual(locateIpPacket(276, Buffer.alloc(19)), { ok: false, reason: 'truncated-link-header' });
  });

  it('raw IP: LINKTYPE_RAW 101, DLT_RAW 12 and 14 (by version nibble), LINKTYPE_IPV4/IPV6', () => {
    for (const linkType of [101, 12, 14]) {
      assert.deepEqual(locateIpPacket(linkType, ipv4Packet), { ok: true, ipVersion: 4, ipOffset: 0 }, `${linkType}`);
      assert.deepEqual(locateIpPacket(linkType, ipv6Packet), { ok: true, ipVersion: 6, ipOffset: 0 }, `${linkType}`);
    }
    assert.deepEqual(locateIpPacket(101, Buffer.from([0x50, 0, 0, 0])), { ok: false, reason: 'not-ip' });
    assert.deepEqual(locateIpPacket(101, Buffer.alloc(0)), { ok: false, reason: 'truncated-link-header' });
    assert.deepEqual(locateIpPacket(228, ipv4Packet), { ok: true, ipVersion: 4, ipOffset: 0 });
    assert.deepEqual(locateIpPacket(229, ipv6Packet), { ok: true, ipVersion: 6, ipOffset: 0 });
  });

  it('DLT 12 that does not start with an IP version is OpenBSD DLT_LOOP', () => {
    assert.deepEqual(locateIpPacket(12, bsdLoopback(ipv6Packet, 24, false)), { ok: true, ipVersion: 6, ipOffset: 4 });
  });

  it('BSD null/loopback (0): address family in either byte order, AF_INET6 of every BSD', () => {
    for (const littleEndian of [true, false]) {
      assert.deepEqual(locateIpPacket(0, bsdLoopback(ipv4Packet, 2, littleEndian)), { ok: true, ipVersion: 4, ipOffset: 4 });
      for (const family of [24, 28, 30]) {
        assert.deepEqual(locateIpPacket(0, bsdLoopback(ipv6Packet, family, littleEndian)), { ok: true, ipVersion: 6, ipOffset: 4 });
      }
      assert.deepEqual(locateIpPacket(0, bsdLoopback(ipv4Packet, 17, littleEndian)), { ok: false, reason: 'not-ip' });
    }
    assert.deepEqual(locateIpPacket(0, Buffer.alloc(3)), { ok: false, reason: 'truncated-link-header' });
  });

  it('OpenBSD loop (108): address family always big-endian', () => {
    assert.deepEqual(locateIpPacket(108, bsdLoopback(ipv4Packet, 2, false)), { ok: true, ipVersion: 4, ipOffset: 4 });
    assert.deepEqual(locateIpPacket(108, bsdLoopback(ipv6Packet, 24, false)), { ok: true, ipVersion: 6, ipOffset: 4 });
    assert.deepEqual(locateIpPacket(108, bsdLoopback(ipv4Packet, 2, true)), { ok: false, reason: 'not-ip' });
  });

  it('unknown link types are reported, not guessed', () => {
    assert.deepEqual(locateIpPacket(127, Buffer.alloc(100)), { ok: false, reason: 'unsupported-link-type' });
  });
});
