// Recognises TLS by its record headers: content type (1 byte), protocol version (2), length (2).
// A Kafka frame cannot start like one: 0x1603.... read as a frame size is far above any frame limit.

const RECORD_HEADER_BYTES = 5;
const HANDSHAKE = 22;
const FIRST_CONTENT_TYPE = 20; // change_cipher_spec
const LAST_CONTENT_TYPE = 23; // application_data
const CLIENT_HELLO = 1;
/** 2^14 plaintext bytes plus the largest expansion TLS 1.2 allows. */
const MAX_RECORD_LENGTH = 16_384 + 2_048;

export type TlsVerdict = 'tls' | 'not-tls' | 'incomplete';

function recordLengthAt(buf: Buffer, offset: number): number | undefined {
  const type = buf[offset]!;
  if (type < FIRST_CONTENT_TYPE || type > LAST_CONTENT_TYPE) return undefined;
  if (buf[offset + 1] !== 3 || buf[offset + 2]! > 4) return undefined;
  const length = buf.readUInt16BE(offset + 3);
  return length > 0 && length <= MAX_RECORD_LENGTH ? length : undefined;
}

/** Whether a stream that begins with `buf` begins with a TLS ClientHello. */
export function startsWithClientHello(buf: Buffer): TlsVerdict {
  if (buf.length < RECORD_HEADER_BYTES + 1) return buf.length > 0 && buf[0] !== HANDSHAKE ? 'not-tls' : 'incomplete';
  if (buf[0] !== HANDSHAKE || recordLengthAt(buf, 0) === undefined) return 'not-tls';
  return buf[RECORD_HEADER_BYTES] === CLIENT_HELLO ? 'tls' : 'not-tls';
}

/**
 * Whether TLS records start somewhere in `buf` (a stream picked up in the middle): a record header
 * followed by at least `chained` more headers exactly where each record ends.
 */
export function containsTlsRecords(buf: Buffer, chained = 2): boolean {
  for (let start = 0; start + RECORD_HEADER_BYTES <= buf.length; start++) {
    let at = start;
    let seen = 0;
    while (at + RECORD_HEADER_BYTES <= buf.length) {
      const length = recordLengthAt(buf, at);
      if (length === undefined) break;
      seen++;
      if (seen > chained) return true;
      at += RECORD_HEADER_BYTES + length;
    }
  }
  return false;
}
