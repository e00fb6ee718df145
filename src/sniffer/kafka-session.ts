// Decodes one Kafka connection whose broker side is known: frames both directions, decodes headers
// and bodies, pairs responses with requests by correlation id, runs the API extractors and reports
// each exchange.

import {
  ApiKey,
  FRAME_SIZE_BYTES,
  FetchResponseStream,
  ProduceRequestStream,
  Reader,
  apiKeyName,
  checkRequestFrameStart,
  checkResponseFrameStart,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  errorCodeName,
  isKnownVersion,
  type DecodedStruct,
  type RequestHeader,
} from '../protocol/index.ts';
import type { Side } from '../tcp/connection.ts';
import type { BrokerDirectory } from './broker-directory.ts';
import type { BufferPool } from './buffer-pool.ts';
import type { ConnectionState } from './connection-state.ts';
import type { SnifferCounters } from './counters.ts';
import type { ErrorCount, Exchange, ExchangeOutcome, SnifferListener } from './events.ts';
import type { ExtractContext } from './extract/context.ts';
import { ExchangeFacts, topicName } from './extract/exchange-facts.ts';
import { collectErrorCodes, nullableStringField, stringField } from './extract/fields.ts';
import { extractorFor, roleOf } from './extract/registry.ts';
import { FrameAssembler, type FrameStream } from './frame-assembler.ts';
import { applyFetchResponse } from './extract/fetch.ts';
import { applyProduceRequest } from './extract/produce.ts';
import type { SnifferLimits } from './options.ts';
import { PendingRequests, type PendingRequest } from './pending-requests.ts';
import { rejectedRecords } from './produce-outcome.ts';
import { saslUsername, scramServerOutcome } from './sasl-tokens.ts';
import type { TopicResolver } from './topic-resolver.ts';

export interface SessionContext {
  readonly listener: SnifferListener;
  readonly resolver: TopicResolver;
  readonly brokers: BrokerDirectory;
  readonly counters: SnifferCounters;
  readonly limits: SnifferLimits;
  readonly pool: BufferPool;
}

/** Correlation id, then the int16 error code. */
const API_VERSIONS_ERROR_END = 6;
const MIN_REQUEST_HEADER = 8;
const CORRELATION_ID_BYTES = 4;
/** Correlation ids further than this past the last one seen do not make a lone frame start convincing. */
const CORRELATION_STEP_LIMIT = 1000;

/** Whether a request may start so: a known API key (any version, newer clients exist), correlation id >= 0. */
function saneRequestStart(head: Buffer, frameSize: number): boolean {
  if (frameSize < MIN_REQUEST_HEADER) return false;
  return apiKeyName(head.readInt16BE(0)) !== undefined && head.readInt16BE(2) >= 0 && head.readInt32BE(4) >= 0;
}

/** Whether a response may start so: a correlation id >= 0. */
function saneResponseStart(head: Buffer, frameSize: number): boolean {
  return frameSize >= CORRELATION_ID_BYTES && head.readInt32BE(0) >= 0;
}

interface RequestRead {
  header: RequestHeader;
  /** Where the body starts; known when only the header was read. */
  bodyOffset?: number;
  /** The decoded body of a whole frame; undefined for a partial one, or when it does not decode. */
  body?: DecodedStruct;
  bodyError?: string;
}

/** The header and, for a whole frame, the body in the same pass; undefined when not even the header decodes. */
function readRequest(message: Buffer, whole: boolean): RequestRead | undefined {
  if (whole) {
    const decoded = decodeRequest(message);
    if (decoded.ok) return { header: decoded.value.header, body: decoded.value.body };
    const header = decodeRequestHeader(message);
    return header.ok ? { ...header.value, bodyError: decoded.error.message } : undefined;
  }
  const header = decodeRequestHeader(message);
  return header.ok ? header.value : undefined;
}

function apiNameOf(apiKey: number): string {
  return apiKeyName(apiKey) ?? `ApiKey${apiKey}`;
}

/** acks of a Produce request whose body is only partly known (too large to buffer, or cut), and so whether it expects a response. */
function takeProduceAcksFromPrefix(message: Buffer, bodyOffset: number, version: number, facts: ExchangeFacts): void {
  try {
    const reader = new Reader(message, bodyOffset);
    if (version >= 9) reader.compactNullableString();
    else if (version >= 3) reader.nullableString();
    const acks = reader.int16();
    facts.details.acks = acks;
    facts.expectsResponse = acks !== 0;
  } catch {
    // Not in the prefix: a response is awaited.
  }
}

export class KafkaSession {
  readonly #state: ConnectionState;
  readonly #context: SessionContext;
  readonly #extract: ExtractContext;
  readonly #clientSide: Side;
  readonly #requests: FrameAssembler;
  readonly #responses: FrameAssembler;
  readonly #pending: PendingRequests;
  /** Raw SASL tokens (after a v0 SaslHandshake) awaiting the broker's raw answer: the user each named. */
  readonly #rawTokens: (string | undefined)[] = [];

  constructor(state: ConnectionState, clientSide: Side, clientStartKnown: boolean, brokerStartKnown: boolean, context: SessionContext) {
    this.#state = state;
    this.#context = context;
    this.#clientSide = clientSide;
    this.#extract = { connection: state, resolver: context.resolver, brokers: context.brokers };
    this.#pending = new PendingRequests(context.limits.maxPendingRequests);
    const limits = {
      maxFrameBytes: context.limits.maxFrameBytes,
      maxHuntBytes: context.limits.maxHuntBytes,
      prefixBytes: context.limits.prefixBytes,
      pool: context.pool,
    };
    this.#requests = new FrameAssembler(
      {
        check: (buf, offset) => checkRequestFrameStart(buf, offset),
        convincingAlone: (buf, offset) => this.#convincingRequest(buf, offset),
        // Raw SASL tokens (after a v0 SaslHandshake) are not Kafka requests.
        inStep: (head, size) => state.rawSaslExpected || saneRequestStart(head, size),
      },
      {
        frame: (message, _first, last) => this.#onRequest(message, message.length + FRAME_SIZE_BYTES, last, undefined),
        partialFrame: (prefix, size, reason, first) => this.#onRequest(prefix, size + FRAME_SIZE_BYTES, first, reason),
      },
      context.counters.framing,
      limits,
      clientStartKnown,
    );
    this.#responses = new FrameAssembler(
      {
        check: (buf, offset) => checkResponseFrameStart(buf, offset, { isPendingCorrelationId: (id) => this.#pending.has(id) }),
        convincingAlone: (buf, offset) =>
          buf.length >= offset + 8 && buf.readInt32BE(offset + FRAME_SIZE_BYTES) === this.#pending.oldestCorrelationId(),
        inStep: (head, size) => this.#rawTokens.length > 0 || saneResponseStart(head, size),
      },
      {
        frame: (message, first) => this.#onResponse(message, message.length + FRAME_SIZE_BYTES, first, undefined),
        partialFrame: (prefix, size, reason, first) => this.#onResponse(prefix, size + FRAME_SIZE_BYTES, first, reason),
      },
      context.counters.framing,
      limits,
      brokerStartKnown,
    );
  }

  /** Bytes held for framing (partial frames, hunting windows). */
  get bufferedBytes(): number {
    return this.#requests.bufferedBytes + this.#responses.bufferedBytes;
  }

  data(from: Side, chunk: Buffer, at: number): void {
    if (from === this.#clientSide) this.#requests.data(chunk, at);
    else this.#responses.data(chunk, at);
  }

  gap(from: Side, byteCount: number, at: number): void {
    if (from === this.#clientSide) this.#requests.gap(byteCount, at);
    else this.#responses.gap(byteCount, at);
  }

  /** The connection ended: last frames are delivered, requests still waiting are reported unanswered. */
  end(at: number): void {
    this.#requests.end(at);
    this.#responses.end(at);
    for (const request of this.#pending.drain()) this.#report(request, 'unanswered');
  }

  /** A lone frame start is convincing when it carries this client's id and its next correlation ids. */
  #convincingRequest(buf: Buffer, offset: number): boolean {
    if (this.#state.lastCorrelationId < 0) return false;
    const header = decodeRequestHeader(buf.subarray(offset + FRAME_SIZE_BYTES, Math.min(buf.length, offset + FRAME_SIZE_BYTES + 4096)));
    if (!header.ok) return false;
    const step = header.value.header.correlationId - this.#state.lastCorrelationId;
    return header.value.header.clientId === this.#state.clientId && step > 0 && step <= CORRELATION_STEP_LIMIT;
  }

  #onRequest(message: Buffer, frameBytes: number, at: number, partial: 'oversize' | 'gap' | undefined): FrameStream | void {
    const state = this.#state;
    const counters = this.#context.counters;
    state.stats.bytesFromClient += frameBytes;
    if (state.rawSaslExpected && partial === undefined && this.#takeRawSaslToken(message)) return;
    state.stats.requests++;
    counters.requests++;
    const read = readRequest(message, partial === undefined);
    if (read === undefined) {
      state.stats.undecodableFrames++;
      counters.undecodableRequests++;
      return;
    }
    const { header } = read;
    if (header.clientId !== null) state.clientId = header.clientId;
    if (header.correlationId > state.lastCorrelationId) state.lastCorrelationId = header.correlationId;
    const facts = new ExchangeFacts(roleOf(header.apiKey));
    if (read.body !== undefined) {
      takeCommonDetails(read.body, facts);
      extractorFor(header.apiKey)?.request?.(read.body, header.apiVersion, facts, this.#extract);
    } else if (partial === undefined) {
      state.stats.undecodableFrames++;
      counters.undecodableBodies++;
      facts.problem = `request: ${read.bodyError}`;
    } else if (header.apiKey === ApiKey.Produce && partial === 'oversize') {
      takeProduceAcksFromPrefix(message, read.bodyOffset!, header.apiVersion, facts);
      return this.#streamProduceRequest(this.#requestOf(header, facts, frameBytes, at), message.subarray(read.bodyOffset));
    } else {
      facts.problem =
        partial === 'oversize'
          ? `request of ${frameBytes} bytes not buffered (limit ${this.#context.limits.maxFrameBytes})`
          : 'request bytes missing from the capture';
      if (header.apiKey === ApiKey.Produce) takeProduceAcksFromPrefix(message, read.bodyOffset!, header.apiVersion, facts);
    }
    this.#dispatch(this.#requestOf(header, facts, frameBytes, at));
  }

  /**
   * A Produce request too large to buffer, decoded as it passes. It awaits its response from its first bytes
   * (acks come first), so a response is paired even when the capture lost the request's end; its records
   * count once its last byte passed, or from nothing when its response or the connection's end came first.
   */
  #streamProduceRequest(request: PendingRequest, bodyPrefix: Buffer): FrameStream {
    const facts = request.facts;
    const parser = new ProduceRequestStream(request.apiVersion);
    parser.push(bodyPrefix);
    const expectsResponse = facts.expectsResponse;
    let ended = false;
    const end = (complete: boolean, now: number): void => {
      if (ended) return;
      ended = true;
      const produced = complete ? parser.result : undefined;
      if (produced !== undefined) {
        applyProduceRequest(produced, facts);
        request.requestAtMicros = now;
      } else {
        facts.problem = parser.error !== undefined ? `request: ${parser.error}` : 'request bytes missing from the capture';
      }
      if (!expectsResponse) this.#report(request, 'no-response');
    };
    request.completeRequest = () => end(false, request.requestAtMicros);
    if (expectsResponse) this.#dispatch(request);
    return { push: (bytes) => parser.push(bytes), end };
  }

  #requestOf(header: RequestHeader, facts: ExchangeFacts, frameBytes: number, at: number): PendingRequest {
    this.#state.addRole(facts.role);
    return {
      apiKey: header.apiKey,
      apiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      requestBytes: frameBytes,
      requestAtMicros: at,
      facts,
    };
  }

  /** Reports a request that expects no response; holds any other until its response. */
  #dispatch(request: PendingRequest): void {
    if (!request.facts.expectsResponse) {
      this.#report(request, 'no-response');
      return;
    }
    for (const dropped of this.#pending.add(request)) {
      this.#context.counters.pendingOverflow++;
      this.#report(dropped, 'unanswered');
    }
  }

  /** After a v0 SaslHandshake: a client frame that is not a Kafka request is a raw SASL token. */
  #takeRawSaslToken(message: Buffer): boolean {
    const header = decodeRequestHeader(message);
    if (header.ok && isKnownVersion(header.value.header.apiKey, header.value.header.apiVersion)) {
      this.#state.rawSaslExpected = false;
      return false;
    }
    const user = saslUsername(this.#state.sasl?.mechanism, message);
    this.#rawTokens.push(user);
    if (user !== undefined) this.#state.noteSasl(undefined, user, undefined);
    this.#state.stats.saslRawTokens++;
    this.#context.counters.saslRawTokens++;
    return true;
  }

  #onResponse(message: Buffer, frameBytes: number, at: number, partial: 'oversize' | 'gap' | undefined): FrameStream | void {
    const state = this.#state;
    const counters = this.#context.counters;
    state.stats.bytesFromBroker += frameBytes;
    if (this.#rawTokens.length > 0 && partial === undefined) {
      this.#rawTokens.shift();
      const scram = scramServerOutcome(message);
      const plain = state.sasl?.mechanism?.toUpperCase() === 'PLAIN';
      if (scram !== undefined || plain) state.noteSasl(undefined, undefined, scram ?? true);
      return;
    }
    state.stats.responses++;
    counters.responses++;
    const taken = message.length < CORRELATION_ID_BYTES ? undefined : this.#pending.take(message.readInt32BE(0));
    if (taken === undefined) {
      state.stats.unmatchedResponses++;
      counters.responsesWithoutRequest++;
      return;
    }
    for (const skipped of taken.skipped) this.#report(skipped, 'unanswered');
    const { request } = taken;
    if (partial === 'oversize' && request.apiKey === ApiKey.Fetch) {
      return this.#streamFetchResponse(request, message, frameBytes, at);
    }
    const facts = request.facts;
    let errors = new Map<number, number>();
    let topLevelError = 0;
    if (partial !== undefined) {
      facts.problem ??=
        partial === 'oversize'
          ? `response of ${frameBytes} bytes not buffered (limit ${this.#context.limits.maxFrameBytes})`
          : 'response bytes missing from the capture';
    } else if (request.apiKey === ApiKey.ApiVersions && message.length >= API_VERSIONS_ERROR_END) {
      // Every connection starts with one; its long list of API versions says nothing about the client,
      // and its only error code comes first in every version (after the v0 response header).
      topLevelError = message.readInt16BE(CORRELATION_ID_BYTES);
      if (topLevelError !== 0) errors.set(topLevelError, 1);
    } else {
      const decoded = decodeResponse(message, request.apiKey, request.apiVersion);
      if (decoded.ok) {
        const body = decoded.value.body;
        errors = collectErrorCodes(body);
        topLevelError = typeof body.errorCode === 'number' ? body.errorCode : 0;
        if (typeof body.throttleTimeMs === 'number' && body.throttleTimeMs > 0) facts.throttleMs = body.throttleTimeMs;
        extractorFor(request.apiKey)?.response?.(body, decoded.value.bodyVersion, facts, this.#extract);
      } else {
        state.stats.undecodableFrames++;
        counters.undecodableBodies++;
        facts.problem ??= `response: ${decoded.error.message}`;
      }
    }
    this.#report(request, 'answered', { at, bytes: frameBytes, errors, topLevelError });
  }

  /** A Fetch response too large to buffer, decoded as it passes; reported once its last byte did. */
  #streamFetchResponse(request: PendingRequest, prefix: Buffer, frameBytes: number, at: number): FrameStream {
    const parser = new FetchResponseStream(request.apiVersion);
    parser.push(prefix);
    return {
      push: (bytes) => parser.push(bytes),
      end: (complete) => {
        const facts = request.facts;
        const errors = new Map<number, number>();
        const response = complete ? parser.result : undefined;
        if (response === undefined) {
          facts.problem ??= parser.error !== undefined ? `response: ${parser.error}` : 'response bytes missing from the capture';
        } else {
          if (response.errorCode !== 0) errors.set(response.errorCode, 1);
          for (const partition of response.partitions) {
            if (partition.errorCode !== 0) errors.set(partition.errorCode, (errors.get(partition.errorCode) ?? 0) + 1);
          }
          if (response.throttleTimeMs > 0) facts.throttleMs = response.throttleTimeMs;
          applyFetchResponse(response, facts, this.#extract);
        }
        this.#report(request, 'answered', { at, bytes: frameBytes, errors, topLevelError: response?.errorCode ?? 0 });
      },
    };
  }

  #report(
    request: PendingRequest,
    outcome: ExchangeOutcome,
    response?: { at: number; bytes: number; errors: Map<number, number>; topLevelError: number },
  ): void {
    request.completeRequest?.();
    const counters = this.#context.counters;
    counters.uncountedWrappers += request.facts.details.uncountedWrappers ?? 0;
    if (outcome === 'answered') counters.answered++;
    else if (outcome === 'no-response') counters.noResponseExpected++;
    else {
      counters.unanswered++;
      this.#state.stats.unansweredRequests++;
    }
    const listener = this.#context.listener.exchange;
    if (listener === undefined) return;
    const facts = request.facts;
    const resolver = this.#context.resolver;
    const topics = facts.topics.traffic(resolver);
    const errors: ErrorCount[] =
      response === undefined || response.errors.size === 0
        ? []
        : [...response.errors]
            .sort((a, b) => b[1] - a[1] || a[0] - b[0])
            .map(([code, count]) => ({ code, name: errorCodeName(code), count }));
    const exchange: Exchange = {
      connection: this.#state,
      apiKey: request.apiKey,
      apiName: apiNameOf(request.apiKey),
      apiVersion: request.apiVersion,
      correlationId: request.correlationId,
      clientId: request.clientId,
      outcome,
      requestAtMicros: request.requestAtMicros,
      responseAtMicros: response?.at,
      latencyMs: response === undefined ? undefined : Math.max(0, response.at - request.requestAtMicros) / 1000,
      requestBytes: request.requestBytes,
      responseBytes: response?.bytes,
      role: facts.role,
      topics,
      records: facts.topics.records,
      recordBytes: facts.topics.bytes,
      errorCode: response === undefined ? 0 : response.topLevelError !== 0 ? response.topLevelError : (errors[0]?.code ?? 0),
      errors,
      throttleMs: facts.throttleMs,
      sequences: facts.producedPartitions
        .filter((entry) => entry.producerId >= 0n && entry.baseSequence >= 0)
        .map((entry) => ({
          topic: topicName(entry.topic, resolver),
          partition: entry.partition,
          producerId: entry.producerId,
          producerEpoch: entry.producerEpoch,
          baseSequence: entry.baseSequence,
          records: entry.records,
        })),
      aborted: facts.fetchAborted.map((entry) => ({ topic: topicName(entry.topic, resolver), records: entry.records })),
      fetchLags: facts.fetchLags.map((entry) => ({ topic: topicName(entry.topic, resolver), partition: entry.partition, lag: entry.lag })),
      rejected: rejectedRecords(facts.producedPartitions, facts.partitionErrors, outcome, resolver),
      partitionErrors: facts.partitionErrors.map((error) => ({
        topic: topicName(error.topic, resolver),
        partition: error.partition,
        errorCode: error.errorCode,
      })),
      details: facts.details,
      problem: facts.problem,
    };
    listener.call(this.#context.listener, exchange);
  }
}

/** Group, member and transactional ids sit at the top of many APIs' requests under the same names. */
function takeCommonDetails(body: DecodedStruct, facts: ExchangeFacts): void {
  const groupId = stringField(body, 'groupId');
  if (groupId !== undefined) facts.details.groupId = groupId;
  const memberId = stringField(body, 'memberId');
  if (memberId !== undefined && memberId !== '') facts.details.memberId = memberId;
  const transactionalId = nullableStringField(body, 'transactionalId');
  if (transactionalId !== undefined) facts.details.transactionalId = transactionalId;
}
