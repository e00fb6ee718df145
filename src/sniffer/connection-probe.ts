// Tells, from a connection's first bytes, whether it carries Kafka (and which side is the client),
// TLS, or something else. Everything seen meanwhile is kept (bounded) so that it can be decoded once
// the answer is known.

import { FRAME_SIZE_BYTES, apiKeyName, checkRequestFrameStart, type FrameStartCheck } from '../protocol/index.ts';
import type { ConnectionInfo, Side } from '../tcp/connection.ts';
import type { BrokerSideEvidence } from './broker-directory.ts';
import type { DirectionEvidence } from './events.ts';
import { findFrameStart, type FrameStartJudge } from './frame-start.ts';
import { containsTlsRecords, startsWithClientHello } from './tls.ts';

export type ProbeDecision =
  | { readonly kind: 'kafka' | 'tls'; readonly brokerSide: Side; readonly evidence: DirectionEvidence }
  | { readonly kind: 'other' };

export type ProbeEntry =
  | { readonly side: Side; readonly data: Buffer; readonly at: number }
  | { readonly side: Side; readonly gap: number; readonly at: number };

export function otherSide(side: Side): Side {
  return side === 'client' ? 'server' : 'client';
}

const MIN_REQUEST_SIZE = 8;
const MAX_FIRST_FRAME_SIZE = 100 * 1024 * 1024;

/**
 * A stream known to begin here: any known API key at any version is Kafka (a client newer than this
 * decoder still is one), as long as the size and correlation id are sane.
 */
function firstRequestVerdict(buf: Buffer): 'yes' | 'no' | 'incomplete' {
  if (buf.length < FRAME_SIZE_BYTES + MIN_REQUEST_SIZE) return 'incomplete';
  const size = buf.readInt32BE(0);
  const apiKey = buf.readInt16BE(4);
  const version = buf.readInt16BE(6);
  const correlationId = buf.readInt32BE(8);
  const sane = size >= MIN_REQUEST_SIZE && size <= MAX_FIRST_FRAME_SIZE && version >= 0 && correlationId >= 0;
  return sane && apiKeyName(apiKey) !== undefined ? 'yes' : 'no';
}

/** Offset of the client id length in a request frame (after size, API key, version, correlation id). */
const CLIENT_ID_LENGTH_AT = 12;

function requestWithClientId(buf: Buffer, offset: number): FrameStartCheck {
  const verdict = checkRequestFrameStart(buf, offset);
  if (verdict !== 'plausible') return verdict;
  if (buf.length < offset + CLIENT_ID_LENGTH_AT + 2) return 'incomplete';
  return buf.readInt16BE(offset + CLIENT_ID_LENGTH_AT) > 0 ? 'plausible' : 'implausible';
}

const MAX_FIRST_SIZE_BYTE = MAX_FIRST_FRAME_SIZE >>> 24;
const MIN_RESPONSE_SIZE = 4;

/**
 * Correlation ids of the requests that plausibly start in `buf`: chained to another, or ending where
 * `buf` ends or beyond (a large request still arriving).
 */
function requestCorrelationIds(buf: Buffer): Set<number> {
  const ids = new Set<number>();
  for (let offset = 0; offset + CLIENT_ID_LENGTH_AT + 2 <= buf.length; offset++) {
    if (buf[offset]! > MAX_FIRST_SIZE_BYTE || requestWithClientId(buf, offset) !== 'plausible') continue;
    const next = offset + FRAME_SIZE_BYTES + buf.readInt32BE(offset);
    if (next >= buf.length || requestWithClientId(buf, next) === 'plausible') ids.add(buf.readInt32BE(offset + 8));
  }
  return ids;
}

function responseStartAt(buf: Buffer, offset: number): number | undefined {
  if (offset + FRAME_SIZE_BYTES + MIN_RESPONSE_SIZE > buf.length) return undefined;
  const size = buf.readInt32BE(offset);
  const correlationId = buf.readInt32BE(offset + FRAME_SIZE_BYTES);
  return size >= MIN_RESPONSE_SIZE && size <= MAX_FIRST_FRAME_SIZE && correlationId >= 0 ? correlationId : undefined;
}

/** Whether a response to one of `ids` starts in `buf` (chained to another response, or ending where `buf` ends). */
function answersOneOf(buf: Buffer, ids: ReadonlySet<number>): boolean {
  for (let offset = 0; offset + FRAME_SIZE_BYTES + MIN_RESPONSE_SIZE <= buf.length; offset++) {
    const correlationId = buf[offset]! > MAX_FIRST_SIZE_BYTE ? undefined : responseStartAt(buf, offset);
    if (correlationId === undefined || !ids.has(correlationId)) continue;
    const next = offset + FRAME_SIZE_BYTES + buf.readInt32BE(offset);
    if (next === buf.length || responseStartAt(buf, next) !== undefined) return true;
  }
  return false;
}

interface SideBytes {
  chunks: Buffer[];
  length: number;
  /** The bytes held begin at the stream's first byte; known once the first bytes (or a gap) arrive. */
  fromStart: boolean | undefined;
}

export class ConnectionProbe {
  readonly #info: ConnectionInfo;
  readonly #known: { side: Side; evidence: BrokerSideEvidence } | undefined;
  readonly #maxBytes: number;
  readonly #sides: Record<Side, SideBytes>;
  readonly entries: ProbeEntry[] = [];
  #heldBytes = 0;

  constructor(info: ConnectionInfo, known: { side: Side; evidence: BrokerSideEvidence } | undefined, maxBytes: number) {
    this.#info = info;
    this.#known = known;
    this.#maxBytes = maxBytes;
    this.#sides = { client: { chunks: [], length: 0, fromStart: undefined }, server: { chunks: [], length: 0, fromStart: undefined } };
  }

  get heldBytes(): number {
    return this.#heldBytes;
  }

  data(side: Side, chunk: Buffer, at: number): ProbeDecision | undefined {
    // Copied: a view would pin the buffer the chunk came from.
    const copy = Buffer.from(chunk);
    this.entries.push({ side, data: copy, at });
    this.#heldBytes += copy.length;
    const bytes = this.#sides[side];
    // Asked at the first bytes, not earlier: the reassembler learns of a SYN after announcing the connection.
    bytes.fromStart ??= this.#info.startKnown(side);
    bytes.chunks.push(copy);
    bytes.length += copy.length;
    return this.#decide(false);
  }

  gap(side: Side, byteCount: number, at: number): ProbeDecision | undefined {
    this.entries.push({ side, gap: byteCount, at });
    this.#sides[side] = { chunks: [], length: 0, fromStart: false };
    return this.#decide(false);
  }

  /** No more bytes will come: decide with what there is. */
  finish(): ProbeDecision {
    return this.#decide(true) ?? { kind: 'other' };
  }

  #decide(atEnd: boolean): ProbeDecision | undefined {
    const candidates: Side[] = this.#known ? [otherSide(this.#known.side)] : this.#info.initiatorKnown ? ['client'] : ['client', 'server'];
    let undecided = false;
    for (const clientSide of candidates) {
      const verdict = this.#judgeClientSide(clientSide, atEnd);
      if (verdict === undefined) {
        undecided = true;
        continue;
      }
      if (verdict !== 'no') return verdict;
    }
    if (undecided && !atEnd && this.#heldBytes <= this.#maxBytes) return undefined;
    // Told to expect Kafka here (a broker port): keep decoding, the framing will hunt for frames.
    if (this.#known && this.#sides[otherSide(this.#known.side)].fromStart === false) {
      return { kind: 'kafka', brokerSide: this.#known.side, evidence: this.#known.evidence };
    }
    return { kind: 'other' };
  }

  /** A decision with `clientSide` as the client, 'no' when its bytes rule that out, undefined to wait. */
  #judgeClientSide(clientSide: Side, atEnd: boolean): ProbeDecision | 'no' | undefined {
    const bytes = this.#sides[clientSide];
    if (bytes.length === 0) return atEnd ? 'no' : undefined;
    const buf = this.#bytesOf(clientSide);
    const brokerSide = otherSide(clientSide);
    const evidence = (fallback: DirectionEvidence): DirectionEvidence => this.#known?.evidence ?? fallback;
    if (bytes.fromStart) {
      const hello = startsWithClientHello(buf);
      if (hello === 'tls') return { kind: 'tls', brokerSide, evidence: evidence('tls-client-hello') };
      const request = firstRequestVerdict(buf);
      if (hello === 'incomplete' || request === 'incomplete') return atEnd ? 'no' : undefined;
      return request === 'yes' ? { kind: 'kafka', brokerSide, evidence: evidence('first-request') } : 'no';
    }
    if (this.#known) {
      const judge: FrameStartJudge = {
        check: (candidate, offset) => checkRequestFrameStart(candidate, offset),
        convincingAlone: () => true,
      };
      if (findFrameStart(buf, 0, judge, this.#maxBytes, atEnd).status === 'found')
        return { kind: 'kafka', brokerSide, evidence: evidence('first-request') };
    } else {
      // Without a broker port to go by, a response can pass for a request (correlation id 3 reads as
      // Produce v3). A request answered by the other side is the evidence; failing that, at the end,
      // a chain of two requests that each carry a client id.
      const requests = requestCorrelationIds(buf);
      if (requests.size > 0 && answersOneOf(this.#bytesOf(brokerSide), requests))
        return { kind: 'kafka', brokerSide, evidence: 'first-request' };
      const lastChance = atEnd || this.#heldBytes > this.#maxBytes;
      const judge: FrameStartJudge = { check: requestWithClientId, convincingAlone: () => false };
      if (lastChance && findFrameStart(buf, 0, judge, this.#maxBytes, atEnd, false).status === 'found') {
        return { kind: 'kafka', brokerSide, evidence: 'first-request' };
      }
    }
    if (containsTlsRecords(buf)) return { kind: 'tls', brokerSide, evidence: evidence('tls-records') };
    return atEnd ? 'no' : undefined;
  }

  #bytesOf(side: Side): Buffer {
    const bytes = this.#sides[side];
    const buf = bytes.chunks.length === 1 ? bytes.chunks[0]! : Buffer.concat(bytes.chunks);
    bytes.chunks = [buf];
    return buf;
  }
}
