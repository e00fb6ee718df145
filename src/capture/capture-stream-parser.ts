import { ByteQueue } from './byte-queue.ts';
import { CaptureFormatError } from './capture-format-error.ts';
import { DEFAULT_MAX_RECORD_BYTES, type CaptureRecordParser } from './capture-record-parser.ts';
import type { CapturedPacket, CaptureSummary } from './captured-packet.ts';
import { isPcapMagic, PcapParser } from './pcap-file.ts';
import { isPcapngMagic, PcapngParser } from './pcapng-file.ts';

export interface CaptureParserOptions {
  /** Largest pcap record or pcapng block accepted; a larger length is reported as corruption. */
  maxRecordBytes?: number;
}

/**
 * Sans-I/O capture reader: push input chunks of any size, pull complete packets.
 * Recognises classic pcap (either byte order, micro- or nanosecond) and pcapng by the first bytes.
 * Memory held is at most one record plus the unconsumed part of the last chunk.
 */
export class CaptureStreamParser {
  readonly #queue = new ByteQueue();
  readonly #maxRecordBytes: number;
  #parser: CaptureRecordParser | undefined;
  #packets = 0;
  #bytesRead = 0;

  constructor(options: CaptureParserOptions = {}) {
    this.#maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  push(chunk: Buffer): void {
    this.#queue.push(chunk);
    this.#bytesRead += chunk.length;
  }

  /** Bytes pushed and not yet taken by a packet: the start of a record cut by the end of the input so far. */
  get unconsumedBytes(): number {
    return this.#queue.available;
  }

  /** Those bytes as one buffer (a view when they lie in one chunk). */
  unconsumed(): Buffer {
    return this.#queue.peek(this.#queue.available)!;
  }

  /** Pushes `chunk`, which begins with a copy of the unconsumed bytes (`carried` of them), in their place. */
  pushCarrying(chunk: Buffer, carried: number): void {
    this.#queue.replaceUnconsumed(chunk, carried);
    this.#bytesRead += chunk.length - carried;
  }

  /** The next complete packet, or undefined until more input is pushed. Throws CaptureFormatError on corrupt input. */
  next(): CapturedPacket | undefined {
    const parser = this.#parser ?? this.#recogniseFormat();
    const packet = parser?.next();
    if (packet !== undefined) this.#packets++;
    return packet;
  }

  /**
   * Copies the unconsumed input (the start of a record cut by the end of the last chunk), so the
   * chunks pushed so far may be overwritten. Packets already returned still point into them.
   */
  detachInput(): void {
    this.#queue.detach();
  }

  /** Call once the input has ended and next() returned undefined. */
  finish(): CaptureSummary {
    return {
      format: this.#parser?.format,
      packets: this.#packets,
      bytesRead: this.#bytesRead,
      truncated:
        this.#parser === undefined
          ? { offset: 0, item: 'capture file header', bytesAvailable: this.#queue.available, bytesExpected: undefined }
          : this.#parser.truncatedTail(),
    };
  }

  #recogniseFormat(): CaptureRecordParser | undefined {
    const magic = this.#queue.peek(4);
    if (magic === undefined) return undefined;
    if (isPcapngMagic(magic)) this.#parser = new PcapngParser(this.#queue, this.#maxRecordBytes);
    else if (isPcapMagic(magic)) this.#parser = new PcapParser(this.#queue, this.#maxRecordBytes);
    else throw new CaptureFormatError(0, `not a pcap or pcapng file (first bytes 0x${magic.toString('hex')})`);
    return this.#parser;
  }
}
