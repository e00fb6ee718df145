// Kafka frames as the replay moves them: an int32 size, then the message (header and body).

export const SIZE_BYTES = 4;
/** Where the correlation id sits in a whole frame: after the size, api key and api version of a request... */
export const REQUEST_CORRELATION_AT = SIZE_BYTES + 4;
/** ...and right after the size in a response. */
export const RESPONSE_CORRELATION_AT = SIZE_BYTES;

/** Frames written back to back (size prefixes included), split into views of the buffer. */
export function splitFrames(data: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    if (at + SIZE_BYTES > data.length) throw new Error(`a frame size is cut at byte ${at} of ${data.length}`);
    const end = at + SIZE_BYTES + data.readInt32BE(at);
    if (end > data.length) throw new Error(`the frame at byte ${at} ends at ${end}, beyond the ${data.length} bytes`);
    frames.push(data.subarray(at, end));
    at = end;
  }
  return frames;
}

/**
 * Follows the frames of a TCP byte stream without copying their bodies: once a frame is complete,
 * hands its first `headBytes` bytes (size prefix included) to `onFrame`, valid only during the call.
 */
export class FrameHeadScanner {
  readonly #head: Buffer;
  readonly #onFrame: (head: Buffer) => void;
  #filled = 0;
  /** Bytes of the current frame still to come once its head is read. */
  #rest = 0;

  constructor(headBytes: number, onFrame: (head: Buffer) => void) {
    this.#head = Buffer.alloc(headBytes);
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    for (let at = 0; at < chunk.length; ) {
      if (this.#filled < this.#head.length) {
        const copied = chunk.copy(this.#head, this.#filled, at, Math.min(chunk.length, at + this.#head.length - this.#filled));
        this.#filled += copied;
        at += copied;
        if (this.#filled < this.#head.length) return;
        this.#rest = SIZE_BYTES + this.#head.readInt32BE(0) - this.#head.length;
        if (this.#rest < 0)
          throw new Error(`a frame of ${this.#head.readInt32BE(0)} bytes is shorter than the ${this.#head.length}-byte head read`);
      }
      const passed = Math.min(this.#rest, chunk.length - at);
      this.#rest -= passed;
      at += passed;
      if (this.#rest > 0) return;
      this.#filled = 0;
      this.#onFrame(this.#head);
    }
  }
}
