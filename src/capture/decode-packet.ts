import { decodeIp } from './ip.ts';
import { locateIpPacket } from './link-layer.ts';
import { decodeTcpHeader, type TcpSegment } from './tcp-segment.ts';
import { undecodable, type Undecodable } from './undecodable-reason.ts';

export interface DecodedTcpPacket {
  ok: true;
  segment: TcpSegment;
  /** The segment came from the first fragment of a fragmented IP datagram. */
  firstFragment: boolean;
}

export type PacketDecodeResult = DecodedTcpPacket | Undecodable;

const IP_PROTOCOL_TCP = 6;
const NOT_TCP = undecodable('not-tcp');

/**
 * Link layer -> IP -> TCP. `originalLength`, when known, sizes packets whose IP length field is 0
 * (TSO/GRO). Never throws.
 */
export function decodeTcpPacket(
  linkType: number,
  frame: Buffer,
  timestampMicros: number,
  originalLength: number = frame.length,
): PacketDecodeResult {
  const link = locateIpPacket(linkType, frame);
  if (!link.ok) return link;
  const ip = decodeIp(frame, link.ipOffset, link.ipVersion, Math.max(0, originalLength - frame.length));
  if (!ip.ok) return ip;
  if (ip.protocol !== IP_PROTOCOL_TCP) return NOT_TCP;
  const tcp = decodeTcpHeader(frame, ip.payloadOffset, ip.payloadEnd, ip.missingPayloadBytes);
  if (!tcp.ok) return tcp;
  return {
    ok: true,
    firstFragment: ip.firstFragment,
    segment: {
      timestampMicros,
      ipVersion: ip.version,
      sourceAddress: ip.sourceAddress,
      sourcePort: tcp.sourcePort,
      destinationAddress: ip.destinationAddress,
      destinationPort: tcp.destinationPort,
      sequence: tcp.sequence,
      acknowledgment: tcp.acknowledgment,
      syn: tcp.syn,
      fin: tcp.fin,
      rst: tcp.rst,
      ack: tcp.ack,
      psh: tcp.psh,
      window: tcp.window,
      payload: tcp.payload,
      missingPayloadBytes: tcp.missingPayloadBytes,
    },
  };
}
