const CHUNK_BYTES = 64 * 1024;
/** Text up to this length is copied in JavaScript when it is ASCII. */
const SHORT_TEXT = 64;
/** The most UTF-8 bytes one UTF-16 code unit can take. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Text written straight into fixed-size byte chunks as UTF-8, handed out as views: a large
 * exposition is encoded piece by piece as it is rendered, without line strings or one large string
 * (a list of lines outlives young-generation collections and is promoted, growing the heap by the
 * exposition's size every cycle).
 */
export class ChunkWriter {
  #taken: Buffer[] = [];
  #chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  #start = 0;
  #offset = 0;

  write(text: string): void {
    if (text === '') return;
    const room = this.#chunk.length - this.#offset;
    if (text.length * MAX_BYTES_PER_UNIT > room) {
      const bytes = Buffer.byteLength(text);
      if (bytes > room) this.#nextChunk(bytes);
    }
    if (text.length > SHORT_TEXT || !this.#writeAscii(text)) this.#offset += this.#chunk.write(text, this.#offset);
  }

  /** Short ASCII text byte by byte, cheaper than a call into the encoder; false, with nothing written, for other text. */
  #writeAscii(text: string): boolean {
    const chunk = this.#chunk;
    const start = this.#offset;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code > 0x7f) return false;
      chunk[start + index] = code;
    }
    this.#offset = start + text.length;
    return true;
  }

  /** The bytes written since the previous take, as views that later writes never overwrite. */
  take(): Buffer[] {
    this.#keepPending();
    const taken = this.#taken;
    this.#taken = [];
    return taken;
  }

  #keepPending(): void {
    if (this.#offset > this.#start) this.#taken.push(this.#chunk.subarray(this.#start, this.#offset));
    this.#start = this.#offset;
  }

  #nextChunk(atLeast: number): void {
    this.#keepPending();
    this.#chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, atLeast));
    this.#start = 0;
    this.#offset = 0;
  }
}
