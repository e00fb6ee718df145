/** Bytes from hex fragments (whitespace ignored), for frames written out by hand. */
export function bytes(...hexParts: string[]): Buffer {
  const hex = hexParts.join('').replace(/\s+/g, '');
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error(`bad hex: ${hex}`);
  return Buffer.from(hex, 'hex');
}

/** Hex of a string's UTF-8 bytes. */
export function text(value: string): string {
  return Buffer.from(value, 'utf8').toString('hex');
}
